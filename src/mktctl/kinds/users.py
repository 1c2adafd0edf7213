"""Users (员工), guide 2.1.1: the people who get accounts, keyed by employee number (员工编号), so that no
personal data (names, phones, emails) ever needs to be in the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import Finding, Index, Kind, Observed, Playbook, Reference, Resource, Spec
from mktctl.kinds.departments import WHOLE_COMPANY, WHOLE_COMPANY_ID
from mktctl.kinds.values import depth_in_chain
from mktctl.kinds.wording import CRM_ADMIN, PLAIN, Words

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant

_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_INTERNATIONAL = re.compile(r"^\+\d{6,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")


class User(Spec):
    employee_number: str = Field(min_length=1, max_length=32, title="员工编号",
                                 description="员工编号: the user's natural key")
    name: str = Field(min_length=1, max_length=50, title="姓名", description="姓名")
    mobile: str = Field(title="手机号", description="手机号: the login; 11-digit mainland number or +country number")
    email: str | None = Field(None, title="邮箱", description="邮箱")
    department: str = Field(WHOLE_COMPANY, title="主属部门", description="主属部门: a department's name")
    position: str | None = Field(None, max_length=50, title="职位", description="职位")
    leader: str | None = Field(None, title="汇报对象", description="汇报对象: another user's employee_number")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "employee_number": "员工编号，唯一标识一位员工",
        "name": "员工的姓名",
        "mobile": "员工的手机号，用于登录；中国大陆11位手机号，或“+国家代码”加号码",
        "email": "员工的邮箱",
        "department": "员工的主属部门，填部门名称",
        "position": "员工的职位",
        "leader": "员工的汇报对象，填另一位员工的员工编号",
    }

    @field_validator("employee_number", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("mobile", mode="before")
    @classmethod
    def _mobile(cls, value: Any) -> str:
        text = _SEPARATORS.sub("", str(value))
        if text.startswith("+86"):
            text = text[3:]
        elif text.startswith("0086"):
            text = text[4:]
        if _MAINLAND_MOBILE.match(text) or _INTERNATIONAL.match(text):
            return text
        raise ValueError("not a valid mobile number (11 digits starting with 1, or +country code and number)")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower()
        if not _EMAIL.match(value):
            raise ValueError("not a valid email address")
        return value


_LOGS_IN = Phrase("员工{employee}用手机号登录纷享销客并进入营销通",
                  "employee {employee} logs in to FxiaoKe with the mobile number and opens FxiaoKe Marketing")


class Users(Kind[User]):
    name = "users"
    title = "员工"
    summary = "Employees with accounts: department, leader, contact details"
    guide = "2.1.1"
    model = User
    key_field = "employee_number"
    depends_on = ("departments",)
    api_fields = frozenset({"name", "mobile", "email", "department", "position", "leader"})
    pii_fields = frozenset({"mobile", "email"})
    menu_path = "管理后台 > 组织架构 > 员工"

    def references(self, spec: User) -> Iterable[Reference]:
        if spec.department != WHOLE_COMPANY:
            yield Reference(("department",), "departments", spec.department)
        if spec.leader:
            yield Reference(("leader",), "users", spec.leader)

    def check_all(self, resources: list[Resource[User]], playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        leaders = {r.key: r.spec.leader for r in resources}
        mobiles: dict[str, Resource[User]] = {}
        for resource in resources:
            spec = resource.spec
            if spec.leader == resource.key:
                yield resource, Finding(("leader",), f"user {resource.key!r} cannot be their own leader")
            else:
                walk, steps = leaders.get(spec.leader or ""), 0
                while walk and steps <= len(leaders):
                    if walk == resource.key:
                        yield resource, Finding(("leader",), f"user {resource.key!r}: the leader chain loops "
                                                             "back to this user")
                        break
                    walk, steps = leaders.get(walk), steps + 1
            if spec.mobile in mobiles:
                yield resource, Finding(("mobile",), f"user {resource.key!r} has the same mobile as user "
                                                     f"{mobiles[spec.mobile].key!r}; a mobile is one login")
            mobiles.setdefault(spec.mobile, resource)

    def order(self, resources: list[Resource[User]]) -> list[Resource[User]]:
        leaders = {r.key: r.spec.leader for r in resources}

        return sorted(resources, key=lambda r: depth_in_chain(r.key, leaders))

    def observe(self, tenant: Tenant, index: Index) -> dict[str, Observed]:
        users = self._all(tenant)
        by_open_id = {u["openUserId"]: u for u in users}
        observed: dict[str, Observed] = {}
        for user in users:
            number = user.get("employeeNumber")
            if not number or user.get("isStop"):
                continue
            index.remember(self.name, str(number), user["openUserId"])
        for user in users:
            number = user.get("employeeNumber")
            if not number or user.get("isStop"):
                continue
            leader = by_open_id.get(user.get("leaderId") or "")
            department = index.key_of("departments", str(user.get("mainDepartmentId"))) or WHOLE_COMPANY
            observed[str(number)] = Observed(user["openUserId"], {
                "name": user.get("name"), "mobile": user.get("mobile"), "email": user.get("email"),
                "department": department, "position": user.get("position"),
                "leader": str(leader["employeeNumber"]) if leader and leader.get("employeeNumber") else None,
            })
        return observed

    def _all(self, tenant: Tenant) -> list[dict[str, Any]]:
        answer = tenant.client.call("/cgi/user/list", {"departmentId": int(WHOLE_COMPANY_ID), "fetchChild": True})
        return list(answer.get("userList", []))

    def _body(self, spec: User, index: Index) -> dict[str, Any]:
        department = index.id_of("departments", spec.department) or WHOLE_COMPANY_ID
        body: dict[str, Any] = {"name": spec.name, "mobile": spec.mobile, "employeeNumber": spec.employee_number,
                                "mainDepartmentId": int(department), "email": spec.email or "",
                                "position": spec.position or ""}
        body["leaderId"] = (index.id_of("users", spec.leader) if spec.leader else None) or ""
        return body

    def create(self, tenant: Tenant, spec: User, index: Index) -> str:
        stopped = next((u for u in self._all(tenant) if str(u.get("employeeNumber")) == spec.employee_number
                        and u.get("isStop")), None)
        if stopped is not None:  # a user stopped earlier comes back: enable, then bring up to date
            tenant.client.call("/cgi/user/setStatus", {"openUserId": stopped["openUserId"], "status": 1})
            tenant.client.call("/cgi/user/update", {"user": {"openUserId": stopped["openUserId"],
                                                             **self._body(spec, index)}})
            return str(stopped["openUserId"])

        def recover() -> dict[str, Any] | None:
            found = next((u for u in self._all(tenant) if str(u.get("employeeNumber")) == spec.employee_number
                          and not u.get("isStop")), None)
            return {"openUserId": found["openUserId"]} if found else None

        answer = tenant.client.call("/cgi/user/add", {"user": self._body(spec, index)}, idempotent=False,
                                    recover=recover)
        return str(answer["openUserId"])

    def update(self, tenant: Tenant, remote_id: str, spec: User, changed: set[str], index: Index) -> None:
        tenant.client.call("/cgi/user/update", {"user": {"openUserId": remote_id, **self._body(spec, index)}})

    def delete(self, tenant: Tenant, remote_id: str, index: Index) -> None:
        tenant.client.call("/cgi/user/setStatus", {"openUserId": remote_id, "status": 2})

    def shown_key(self, key: str, words: Words = PLAIN) -> str:
        return words.employee(key)

    def acceptance_tests(self, spec: User, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_LOGS_IN, employee=words.employee(key)), words.say(CRM_ADMIN))]

    def playbook_values(self, values: dict[str, Any]) -> dict[str, Any]:
        if values.get("department") == WHOLE_COMPANY:  # the default department
            return {k: v for k, v in values.items() if k != "department"}
        return values

    def example(self) -> Any:
        return {"employee_number": "E1001", "name": "张三", "mobile": "13900001111", "email": "zhangsan@example.cn",
                "department": "市场部", "position": "市场经理"}


KINDS: list[Kind[Any]] = [Users()]
