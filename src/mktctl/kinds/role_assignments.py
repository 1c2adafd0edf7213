"""Role assignments (角色分配), guide 2.1.2: which users hold a role."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator

from mktctl.kinds.base import Index, Kind, Observed, Reference, Spec

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant


class RoleAssignment(Spec):
    role: str = Field(min_length=1, title="角色",
                      description="a role's name (declared in roles, or the preset CRM管理员)")
    users: list[str] = Field(min_length=1, title="员工", description="employee numbers of the users who hold the role")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "role": "角色名称（方案中的角色，或系统预置的CRM管理员）",
        "users": "担任该角色的员工，填员工编号",
    }

    @field_validator("users", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) else v for v in value]
        return value

    @field_validator("users")
    @classmethod
    def _sorted(cls, value: list[str]) -> list[str]:
        duplicates = sorted({v for v in value if value.count(v) > 1})
        if duplicates:
            raise ValueError(f"user {duplicates[0]!r} is listed twice")
        return sorted(value)


class RoleAssignments(Kind[RoleAssignment]):
    name = "role_assignments"
    title = "角色分配"
    summary = "Which users hold each role"
    guide = "2.1.2"
    model = RoleAssignment
    key_field = "role"
    depends_on = ("roles", "users")
    api_fields = frozenset({"users"})
    menu_path = "管理后台 > 权限管理 > 角色权限 > 添加员工"

    def references(self, spec: RoleAssignment) -> Iterable[Reference]:
        yield Reference(("role",), "roles", spec.role)
        for position, user in enumerate(spec.users):
            yield Reference(("users", position), "users", user)

    def observe(self, tenant: Tenant, index: Index) -> dict[str, Observed]:
        users = index.ids.get("users", {})
        if not users:
            return {}
        number_of = {open_id: number for number, open_id in users.items()}
        answer = tenant.client.call("/cgi/crm/v2/special/getRolesByUsers", {"data": {"userIds": sorted(number_of)}})
        holders: dict[str, list[str]] = {}
        for row in answer.get("data", []):
            holders.setdefault(row["roleCode"], []).append(number_of[row["userId"]])
        observed = {}
        for code, numbers in holders.items():
            role = index.key_of("roles", code)
            if role is not None:
                observed[role] = Observed(code, {"users": sorted(numbers)})
        return observed

    def _ids(self, index: Index, numbers: Iterable[str]) -> list[str]:
        return [found for n in numbers if (found := index.id_of("users", n)) is not None]

    def create(self, tenant: Tenant, spec: RoleAssignment, index: Index) -> str:
        code = index.id_of("roles", spec.role)
        tenant.client.call("/cgi/crm/v2/special/batchAddUserRole",
                           {"data": {"userIds": self._ids(index, spec.users), "roleCodes": [code]}})
        return str(code)

    def update(self, tenant: Tenant, remote_id: str, spec: RoleAssignment, changed: set[str], index: Index) -> None:
        current = self.observe(tenant, index).get(spec.role)
        held = set(current.state["users"]) if current else set()
        wanted = set(spec.users)
        if wanted - held:
            tenant.client.call("/cgi/crm/v2/special/batchAddUserRole",
                               {"data": {"userIds": self._ids(index, sorted(wanted - held)), "roleCodes": [remote_id]}})
        if held - wanted:
            tenant.client.call("/cgi/crm/v2/special/deleteByUserIds",
                               {"data": {"userIds": self._ids(index, sorted(held - wanted)), "roleCode": remote_id}})

    def delete(self, tenant: Tenant, remote_id: str, index: Index) -> None:
        role = index.key_of("roles", remote_id)
        current = self.observe(tenant, index).get(role or "")
        if current and current.state["users"]:
            tenant.client.call("/cgi/crm/v2/special/deleteByUserIds",
                               {"data": {"userIds": self._ids(index, current.state["users"]), "roleCode": remote_id}})

    def example(self) -> Any:
        return {"role": "市场经理", "users": ["E1001"]}


KINDS: list[Kind[Any]] = [RoleAssignments()]
