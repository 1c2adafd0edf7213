"""The lead fields a migration fills: the old system's id, the migrated tags, the lifecycle stage and the
score, each a custom field of 销售线索 (LeadsObj).

On a tenant with mktctl's extension API (the sandbox) a field that is missing is defined through
``/mktctl/ext/v1/fields/upsert``; on a real tenant a CRM admin defines it in the console (a manual step)
and the values are written once it exists. Values are only ever added: the old id, the stage and the score
fill a lead's empty field and never replace a value it has; tags are added to the lead's tags. So a rerun
finds nothing to write, and a lead someone edited keeps their edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mktctl import errors as e

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant

LEADS = "LeadsObj"
TAGS_FIELD = "migrated_tags__c"
STAGE_FIELD = "lifecycle_stage__c"
SOURCE_SCORE_FIELD = "source_score__c"
MODEL_SCORE_FIELD = "model_score__c"
FIELDS_MENU = "管理后台 > 对象管理 > 销售线索 > 字段管理 > 新建自定义字段"


def definitions(source_id_field: str) -> dict[str, dict[str, str]]:
    """api name -> the field's definition (label, type, help text)."""
    return {
        source_id_field: {"label": "原系统ID", "type": "text", "help_text": "the person's id in the previous "
                                                                           "marketing system (mktctl migrate)"},
        TAGS_FIELD: {"label": "原系统标签", "type": "long_text", "help_text": "tags brought over, as 组:值 separated "
                                                                          "by ;"},
        STAGE_FIELD: {"label": "生命周期阶段", "type": "text", "help_text": "the lifecycle stage brought over"},
        SOURCE_SCORE_FIELD: {"label": "原系统评分", "type": "number", "help_text": "the previous system's score"},
        MODEL_SCORE_FIELD: {"label": "行为积分(迁移重算)", "type": "number",
                            "help_text": "the playbook's scoring model over the migrated behaviour history"},
    }


@dataclass
class FieldState:
    available: set[str] = field(default_factory=set)
    created: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # wanted, not on the tenant, cannot be created: manual


def prepare_fields(tenant: Tenant, wanted: Iterable[str], source_id_field: str, *, extension: bool) -> FieldState:
    from mktctl.tenant.connect import EXTENSION_PREFIX

    present = set((tenant.client.crm_describe(LEADS).get("fields") or {}).keys())
    specs = definitions(source_id_field)
    state = FieldState(available={f for f in wanted if f in present})
    for name in wanted:
        if name in present:
            continue
        if extension:
            tenant.client.call(f"{EXTENSION_PREFIX}/fields/upsert",
                               {"data": {"objectApiName": LEADS, "field": {"api_name": name, **specs[name]}}})
            state.created.append(name)
            state.available.add(name)
        else:
            state.missing.append(name)
    return state


def manual_field_steps(state: FieldState, source_id_field: str) -> list[dict[str, str]]:
    specs = definitions(source_id_field)
    return [{"entity": "people", "where": FIELDS_MENU, "step": f"create the {specs[name]['type']} field "
             f"{specs[name]['label']} ({name}) on 销售线索, then run the migration again to fill it"}
            for name in state.missing]


@dataclass
class ValueWrites:
    updated: int = 0
    unchanged: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # lead id -> error


def merged(current: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """The changes that add ``desired`` to a lead's ``current`` values: empty fields filled, tags added."""
    changes: dict[str, Any] = {}
    for name, value in desired.items():
        if value in (None, "", []):
            continue
        have = current.get(name)
        if name == TAGS_FIELD:
            old = [t for t in str(have or "").split(";") if t]
            new = old + [t for t in value if t not in old]
            if new != old:
                changes[name] = ";".join(new)
        elif have in (None, "", []):
            changes[name] = value
    return changes


def write_values(tenant: Tenant, desired: dict[str, dict[str, Any]], available: set[str], *,
                 workers: int = 4) -> ValueWrites:
    """Add the desired values (lead id -> field -> value) to the leads, only the fields ``available``."""
    wanted = {lead: {k: v for k, v in values.items() if k in available} for lead, values in desired.items()}
    wanted = {lead: values for lead, values in wanted.items() if values}
    result = ValueWrites()
    ids = sorted(wanted)
    current: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 100):
        part = ids[start:start + 100]
        rows, _ = tenant.client.crm_query(LEADS, [{"field_name": "_id", "field_values": part, "operator": "IN"}],
                                          limit=100, fields=["_id", *sorted(available)])
        current.update({str(r["_id"]): r for r in rows})
    changes = {lead: merged(current.get(lead, {}), values) for lead, values in wanted.items()}
    todo = [(lead, change) for lead, change in changes.items() if change]
    result.unchanged = len(changes) - len(todo)

    def write(item: tuple[str, dict[str, Any]]) -> tuple[str, str | None]:
        try:
            tenant.client.crm_update(LEADS, item[0], item[1])
            return item[0], None
        except e.MktctlError as failure:
            return item[0], str(failure)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="mktctl-migrate") as pool:
        for lead, error in pool.map(write, todo):
            if error is None:
                result.updated += 1
            else:
                result.failed[lead] = error
    return result
