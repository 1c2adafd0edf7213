"""Lead pools (线索池), guide 2.2: where marketing leads land, who may claim them, and when they go back.

营销通's 线索 is CRM's 销售线索: leads from every channel are stored in a lead pool and flow through cleaning,
assignment and conversion (see :mod:`mktctl.kinds.lead_rules`). The guide asks for this path to be settled
before any channel is connected or history imported, so the channels (2.4) and imports (2.3) refer to the
pools. The pool itself is a CRM record (LeadsPoolObj) set through the public API; members, admins and the
recycling rules beyond the timeout are settings (a manual step on a real tenant).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import (
    CONSULTANT,
    Finding,
    Index,
    Kind,
    ManualStep,
    Observed,
    Playbook,
    Reference,
    Resource,
    Spec,
)
from mktctl.kinds.shared import as_texts, unique
from mktctl.kinds.wording import CRM_ADMIN, PLAIN, Words

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant

POOL_OBJECT = "LeadsPoolObj"
EMPLOYEE_NUMBERS = "employee numbers (员工编号) of users"


class LeadPoolMembers(Spec):
    departments: list[str] = Field(default_factory=list, title="部门", description="departments whose people may claim")
    users: list[str] = Field(default_factory=list, title="员工", description=EMPLOYEE_NUMBERS)

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "departments": "其员工可领取线索的部门",
        "users": "可领取线索的员工，填员工编号",
    }

    _numbers = field_validator("users", mode="before")(as_texts)

    @field_validator("departments", "users")
    @classmethod
    def _sorted(cls, value: list[str]) -> list[str]:
        return sorted(unique(value))


class LeadPool(Spec):
    name: str = Field(min_length=1, max_length=50, title="线索池名称")
    description: str = Field("", max_length=200, title="说明")
    admins: list[str] = Field(default_factory=list, title="线索池管理员",
                              description=f"{EMPLOYEE_NUMBERS} who manage the pool and assign from it")
    members: LeadPoolMembers = Field(default_factory=LeadPoolMembers, title="线索池成员",
                                     description="who may see and claim leads: departments and users")
    claim_limit: int | None = Field(None, ge=1, title="领取上限", description="leads one member may hold from the pool")
    recycle_after_hours: int | None = Field(None, ge=1, title="超时收回（小时）",
                                            description="a claimed or assigned lead not followed up within this "
                                                        "many hours goes back to the pool")
    recycle_unconverted_days: int | None = Field(None, ge=1, title="未转换收回（天）",
                                                 description="a lead not converted within this many days goes back")
    recycle_to: str | None = Field(None, title="收回到",
                                   description="the pool recycled leads go to (default: this pool)")
    visible_to_members: bool = Field(True, title="成员可见", description="members see the leads in the pool")
    notify_on_claim: bool = Field(False, title="领取时通知", description="notify the admins when a lead is claimed")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "admins": "管理该线索池并从中分配线索的员工，填员工编号",
        "members": "可查看和领取线索的成员，包括部门和员工",
        "claim_limit": "每位成员最多可从该线索池领取并持有的线索数",
        "recycle_after_hours": "已领取或已分配的线索超过该小时数未跟进，自动退回线索池",
        "recycle_unconverted_days": "线索超过该天数仍未转换，自动收回",
        "recycle_to": "收回的线索退回到哪个线索池（默认：本线索池）",
        "visible_to_members": "成员可查看线索池中的线索",
        "notify_on_claim": "线索被领取时通知线索池管理员",
    }

    _numbers = field_validator("admins", mode="before")(as_texts)

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: list[str]) -> list[str]:
        return sorted(unique(value))


_POOL_API = {"claim_limit": "limit_count", "recycle_after_hours": "overtime_hours",
             "visible_to_members": "is_visible_to_member", "notify_on_claim": "is_choose_to_notify"}


_VERIFY = Phrase("打开线索池{pool}：管理员、成员和收回规则与上表一致",
                 "open lead pool {pool}: its admins, members and recycling rules match this list")
_LIMIT = Phrase("（上限{limit}条）", " (at most {limit})")
_CLAIM = Phrase("线索池{pool}：成员领取一条线索{limit}；管理员分配和收回线索",
                "lead pool {pool}: a member claims a lead{limit}; an admin assigns one and takes one back")


class LeadPools(Kind[LeadPool]):
    name = "lead_pools"
    title = "线索池"
    summary = "Lead pools: members, admins, claim limits and recycling rules"
    guide = "2.2"
    model = LeadPool
    depends_on = ("departments", "users")
    api_fields = frozenset(_POOL_API)
    menu_path = "管理后台 > 线索池管理"
    manual_who = CRM_ADMIN

    def references(self, spec: LeadPool) -> Iterable[Reference]:
        for position, user in enumerate(spec.admins):
            yield Reference(("admins", position), "users", user)
        for position, user in enumerate(spec.members.users):
            yield Reference(("members", "users", position), "users", user)
        for position, department in enumerate(spec.members.departments):
            if department != "全公司":
                yield Reference(("members", "departments", position), "departments", department)
        if spec.recycle_to and spec.recycle_to != spec.name:
            yield Reference(("recycle_to",), "lead_pools", spec.recycle_to)

    def check(self, resource: Resource[LeadPool], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if not spec.admins:
            yield Finding(("name",), f"lead pool {spec.name!r} has no admin: nobody can assign or recover its "
                                     "leads; add admins", severity="warning")
        if not spec.members.departments and not spec.members.users:
            yield Finding(("name",), f"lead pool {spec.name!r} has no members: nobody can claim its leads",
                          severity="warning")

    # the pool record: public API, CRM object LeadsPoolObj

    def api_state(self, spec: LeadPool) -> dict[str, Any]:
        dumped = spec.model_dump(mode="json")
        return {name: dumped[name] for name in sorted(_POOL_API)}

    def _records(self, tenant: Tenant) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        offset = 0
        while True:
            answer = tenant.client.call("/cgi/crm/v2/data/query", {"data": {
                "dataObjectApiName": POOL_OBJECT,
                "search_query_info": {"limit": 100, "offset": offset, "filters": [],
                                      "orders": [{"fieldName": "create_time", "isAsc": True}]}}})
            page = (answer.get("data") or {}).get("dataList", [])
            records.extend(page)
            offset += 100
            if len(page) < 100 or offset > 10000:
                return records

    def observe(self, tenant: Tenant, index: Index) -> dict[str, Observed]:
        observed: dict[str, Observed] = {}
        for record in self._records(tenant):
            name = record.get("name")
            if not name or name in observed:
                continue
            state = {field: record.get(remote) for field, remote in _POOL_API.items()}
            observed[name] = Observed(str(record["_id"]), dict(sorted(state.items())))
            index.remember(self.name, name, str(record["_id"]))
        return observed

    def _values(self, spec: LeadPool) -> dict[str, Any]:
        return {remote: getattr(spec, field) for field, remote in _POOL_API.items()
                if getattr(spec, field) is not None}

    def create(self, tenant: Tenant, spec: LeadPool, index: Index) -> str:

        def recover() -> dict[str, Any] | None:
            found = self.observe(tenant, Index()).get(spec.name)
            return {"dataId": found.id} if found else None

        answer = tenant.client.call("/cgi/crm/v2/data/create", {"data": {"object_data": {
            "dataObjectApiName": POOL_OBJECT, "name": spec.name, **self._values(spec)}}},
            idempotent=False, recover=recover)
        return str(answer["dataId"])

    def update(self, tenant: Tenant, remote_id: str, spec: LeadPool, changed: set[str], index: Index) -> None:
        values = {_POOL_API[field]: getattr(spec, field) for field in changed if field in _POOL_API}
        if "name" in changed:  # renamed_from: the pool keeps its id and its leads
            values["name"] = spec.name
        tenant.client.call("/cgi/crm/v2/data/update", {"data": {"object_data": {
            "dataObjectApiName": POOL_OBJECT, "_id": remote_id, **values}}})

    def delete(self, tenant: Tenant, remote_id: str, index: Index) -> None:
        tenant.client.call("/cgi/crm/v2/data/invalid", {"data": {"dataObjectApiName": POOL_OBJECT,
                                                                 "object_data_id": remote_id}})
        tenant.client.call("/cgi/crm/v2/data/delete", {"data": {"dataObjectApiName": POOL_OBJECT,
                                                                "idList": [remote_id]}})

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        return ManualStep(menu_path=f"{words.where(self.menu_path, key)} > {words.word('编辑')}",
                          values=words.values(self.model, state), verify=words.say(_VERIFY, pool=words.quote(key)),
                          who=words.say(self.manual_who))

    def acceptance_tests(self, spec: LeadPool, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        limit = words.say(_LIMIT, limit=spec.claim_limit) if spec.claim_limit else ""
        return [(words.say(_CLAIM, pool=words.quote(key), limit=limit), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"name": "市场线索池", "admins": ["M001"], "members": {"departments": ["销售部"]},
                "claim_limit": 50, "recycle_after_hours": 72, "recycle_unconverted_days": 30}


KINDS: list[Kind[Any]] = [LeadPools()]
