"""Roles (角色), guide 2.1.2: a permission matrix of modules × actions and a data scope.

The role itself (name, description) is created through the public API; its permissions and data scope are
a setting of the extension API, or a manual step in 管理后台 where the tenant has only the public API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Index, Kind, ManualStep, Matrix, Observed, Playbook, Resource, Spec
from mktctl.kinds.wording import CRM_ADMIN, PLAIN, Words

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant

PRESET_ROLES = ("CRM管理员",)

MODULES: dict[str, str] = {
    "leads": "销售线索",
    "lead_pools": "线索池",
    "accounts": "客户",
    "contacts": "联系人",
    "opportunities": "商机",
    "marketing_events": "市场活动",
    "campaigns": "营销活动",
    "content": "内容中心",
    "wecom_customers": "企业微信客户",
    "wechat_users": "微信用户",
    "members": "会员",
    "tags": "标签",
    "reports": "报表",
    "dashboards": "仪表盘",
    "marketing_settings": "营销通设置",
}
ACTIONS: dict[str, str] = {"view": "查看", "create": "新建", "edit": "编辑", "delete": "删除", "export": "导出",
                           "assign": "分配"}


class DataScope(str, Enum):
    own = "own"
    department = "department"
    department_and_below = "department_and_below"
    all = "all"


DATA_SCOPE_LABELS = {"own": "本人", "department": "本部门", "department_and_below": "本部门及下属部门",
                     "all": "全公司"}


_DATA_SCOPE = Phrase("数据权限", "Data scope")
_PERMISSIONS = Phrase("功能权限", "Permissions")
_VERIFY = Phrase("打开角色{role}：勾选的功能权限和数据权限与上表一致",
                 "open role {role}: the ticked permissions and the data scope match this list")
_LOG_IN = Phrase("以角色{role}的员工登录，核对功能权限和数据权限",
                 "log in as an employee with role {role}: check the permissions and the data scope")


class Role(Spec):
    name: str = Field(min_length=1, max_length=50, title="角色名称", description="角色名称")
    description: str = Field("", max_length=200, title="角色描述", description="角色描述")
    data_scope: DataScope = Field(DataScope.own, title="数据权限", description="数据权限: own / department / "
                                                              "department_and_below / all")
    permissions: dict[str, list[str]] = Field(default_factory=dict, title="功能权限",
                                              description="功能权限: module -> actions "
                                                          f"({', '.join(ACTIONS)})")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "name": "角色的名称，在整个方案中不能重复",
        "description": "角色的用途和职责说明",
        "data_scope": "角色可查看的数据范围，可选本人、本部门、本部门及下属部门或全公司",
        "permissions": f"角色在各模块可执行的操作（{'、'.join(ACTIONS.values())}），在“角色权限”工作表中按模块填写",
    }

    @field_validator("permissions")
    @classmethod
    def _matrix(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from mktctl.base.suggest import did_you_mean

        for module, actions in value.items():
            if module not in MODULES:
                hint = did_you_mean(module, MODULES)
                raise ValueError(f"unknown module {module!r}" + (f"; {hint}" if hint else
                                                                 f"; modules are: {', '.join(MODULES)}"))
            for action in actions:
                if action not in ACTIONS:
                    hint = did_you_mean(action, ACTIONS)
                    raise ValueError(f"{module}: unknown action {action!r}" + (
                        f"; {hint}" if hint else f"; actions are: {', '.join(ACTIONS)}"))
        # one canonical order, so that the same matrix always compares equal
        return {m: sorted(set(value[m]), key=list(ACTIONS).index) for m in MODULES if m in value}


class Roles(Kind[Role]):
    name = "roles"
    title = "角色"
    summary = "CRM roles: a permission matrix of modules × actions and a data scope"
    guide = "2.1.2"
    model = Role
    api_fields = frozenset({"description"})
    builtin_keys = PRESET_ROLES
    labels: ClassVar[Mapping[str, Mapping[str, str]]] = {"data_scope": DATA_SCOPE_LABELS}
    matrix = Matrix("permissions", MODULES, ACTIONS, footer="data_scope")
    menu_path = "管理后台 > 权限管理 > 角色权限"
    manual_who = CRM_ADMIN

    def check(self, resource: Resource[Role], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.name in PRESET_ROLES:
            yield Finding(("name",), f"{spec.name} is a preset role and cannot be declared; assign it with "
                                     "role_assignments")
        if spec.data_scope == DataScope.all:
            risky = sorted(m for m, actions in spec.permissions.items() if {"export", "delete"} & set(actions))
            if risky:
                yield Finding(("permissions",), f"least privilege: role {spec.name!r} may export or delete "
                                                f"{', '.join(risky)} across all data (data_scope: all)",
                              severity="warning")

    def observe(self, tenant: Tenant, index: Index) -> dict[str, Observed]:
        answer = tenant.client.call("/cgi/crm/v2/special/roleGetRoleList", {"data": {}})
        observed = {}
        for role in answer.get("data", []):
            index.remember(self.name, role["roleName"], role["roleCode"])
            if role.get("roleType") == 1:
                continue
            observed[role["roleName"]] = Observed(role["roleCode"], {"description": role.get("description") or ""})
        return observed

    def create(self, tenant: Tenant, spec: Role, index: Index) -> str:

        def recover() -> dict[str, Any] | None:
            found = self.observe(tenant, Index()).get(spec.name)
            return {"data": {"roleCode": found.id}} if found else None

        answer = tenant.client.call("/cgi/crm/v2/special/roleAdd",
                                    {"data": {"roleName": spec.name, "description": spec.description}},
                                    idempotent=False, recover=recover)
        return str(answer["data"]["roleCode"])

    def update(self, tenant: Tenant, remote_id: str, spec: Role, changed: set[str], index: Index) -> None:
        tenant.client.call("/cgi/crm/v2/special/roleUpdate",
                           {"data": {"roleCode": remote_id, "roleName": spec.name, "description": spec.description}})

    def delete(self, tenant: Tenant, remote_id: str, index: Index) -> None:
        tenant.client.call("/cgi/crm/v2/special/roleDelete", {"data": {"roleCode": remote_id}})

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        scope = str(state.get("data_scope", ""))
        values = [(words.say(_DATA_SCOPE), DATA_SCOPE_LABELS.get(scope, scope) if words.chinese
                   else scope.replace("_", " "))]
        for module, actions in (state.get("permissions") or {}).items():
            values.append((f"{words.say(_PERMISSIONS)} > {words.word(MODULES.get(module, module))}",
                           words.join(words.word(ACTIONS.get(a, a)) for a in actions)))
        return ManualStep(menu_path=words.where(self.menu_path, key), values=values,
                          verify=words.say(_VERIFY, role=words.quote(key)), who=words.say(self.manual_who))

    def acceptance_tests(self, spec: Role, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_LOG_IN, role=words.quote(key)), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"name": "市场经理", "description": "市场部负责人", "data_scope": "department_and_below",
                "permissions": {"leads": ["view", "create", "edit", "assign", "export"],
                                "marketing_events": ["view", "create", "edit"]}}


KINDS: list[Kind[Any]] = [Roles()]
