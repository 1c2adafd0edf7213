"""lead_fields and marketing_objects define what they declare on a tenant with the extension API: the fields
are in describe and records take them, a custom object is served on the custom paths; plans are idempotent,
a change made by hand is drift, --prune deletes only what mktctl created, and a real tenant gets manual steps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mktctl.engine.plan import Action
from mktctl.engine.session import Session, execute, open_session
from mktctl.tenant.definitions import delete_field, upsert_field
from tests.kinds.helpers_a import PUBLIC, problems, write_playbook

FIELDS = """\
lead_fields:
  - api_name: source
    label: 来源渠道
    options: [官网, 展会, 其他]
  - api_name: company
    label: 客户公司
  - api_name: field_a1B2c__c
    label: 展会编号
    type: 单行文本
  - api_name: country__c
    label: 国家
    type: 单选
    options: [英国, 德国, 中国]
    option_values: {英国: IYWea10Fx, 德国: KsekHd2m8}
  - api_name: budget__c
    label: 预算
    type: 数字
    required: true
"""
OBJECTS = """\
marketing_objects:
  - name: 渠道伙伴联系人
    api_name: partner_contact__c
    channels: [短信, 邮件]
    phone_field: mobile__c
    email_field: email__c
"""


@contextmanager
def session(folder: Path, *, prune: bool = False, tenant: str | None = None) -> Iterator[Session]:
    opened = open_session(folder, prune=prune, tenant=tenant)
    try:
        yield opened
    finally:
        opened.close()


def apply(folder: Path, *, prune: bool = False) -> list[Action]:
    with session(folder, prune=prune) as opened:
        execute(opened)
        return opened.plan.actions


def of(actions: list[Action], kind: str) -> dict[str, Action]:
    return {a.key: a for a in actions if a.kind == kind}


def test_declared_lead_fields_exist_in_describe_with_their_exact_names_types_and_option_values(
        tmp_path: Path) -> None:
    write_playbook(tmp_path, FIELDS)

    planned = of(apply(tmp_path), "lead_fields")

    assert {k: a.op for k, a in planned.items()} == {"source": "create", "company": "create",
                                                     "field_a1B2c__c": "create", "country__c": "create",
                                                     "budget__c": "create"}
    with session(tmp_path) as again:
        leads = again.tenant.client.crm_object("LeadsObj")
        assert {a.op for a in again.plan.actions if a.kind == "lead_fields"} == {"noop"}, "a second plan is idempotent"
        record_id = again.tenant.client.crm_create("LeadsObj", {
            "name": "张三", "company": "示例科技", "field_a1B2c__c": "EXPO-7", "country__c": "IYWea10Fx",
            "budget__c": 120000})
        record = again.tenant.client.crm_get("LeadsObj", record_id)
    code = leads.fields["field_a1B2c__c"]
    assert (code.label, code.type, code.custom) == ("展会编号", "text", True)
    country = leads.fields["country__c"]
    assert country.type == "select_one" and country.option_labels == ["英国", "德国", "中国"]
    assert country.option_value("英国") == "IYWea10Fx" and country.option_value("德国") == "KsekHd2m8"
    assert leads.fields["budget__c"].required and leads.fields["budget__c"].type == "number"
    assert leads.fields["source"].option_labels == ["官网", "展会", "其他"] and not leads.fields["source"].custom
    assert leads.fields["source"].option_value("其他") == "other", "a known label keeps its value"
    assert leads.fields["company"].label == "客户公司"
    assert leads.fields["name"].required, "a standard field the tenant requires stays required"
    assert (record["field_a1B2c__c"], record["country__c"], record["budget__c"]) == ("EXPO-7", "IYWea10Fx", 120000)


def test_a_field_changed_by_hand_is_drift_and_apply_puts_it_back(tmp_path: Path) -> None:
    write_playbook(tmp_path, FIELDS)
    apply(tmp_path)
    with session(tmp_path) as opened:
        upsert_field(opened.tenant, "LeadsObj", {"api_name": "field_a1B2c__c", "label": "展位号"})

    with session(tmp_path) as drifted:
        update = of(drifted.plan.actions, "lead_fields")["field_a1B2c__c"]
        execute(drifted)

    assert update.op == "update" and update.note == "changed on the tenant since the last apply (drift)"
    assert [(c.field, c.before, c.after) for c in update.changes] == [("label", "展位号", "展会编号")]
    with session(tmp_path) as after:
        assert after.tenant.client.crm_object("LeadsObj").fields["field_a1B2c__c"].label == "展会编号"
        assert after.plan.exit_code() == 0


def test_prune_deletes_the_fields_mktctl_created_and_keeps_the_ones_it_found(tmp_path: Path) -> None:
    write_playbook(tmp_path, FIELDS)
    with session(tmp_path) as first:
        upsert_field(first.tenant, "LeadsObj", {"api_name": "field_hand1__c", "label": "手工字段", "type": "text"})
    write_playbook(tmp_path, FIELDS + """\
  - api_name: field_hand1__c
    label: 手工字段
    type: 单行文本
""")
    first_plan = of(apply(tmp_path), "lead_fields")
    assert first_plan["field_hand1__c"].op == "noop", "a field the tenant has is adopted, not created"
    write_playbook(tmp_path, """\
lead_fields:
  - api_name: company
    label: 客户公司
""")

    with session(tmp_path, prune=True) as pruning:
        deleted = sorted(a.key for a in pruning.plan.actions if a.op == "delete" and a.kind == "lead_fields")
        execute(pruning)
        fields = pruning.tenant.client.crm_object("LeadsObj").fields

    assert deleted == ["budget__c", "country__c", "field_a1B2c__c", "source"]
    assert "field_hand1__c" in fields and "budget__c" not in fields and "country__c" not in fields
    assert fields["source"].option_value("线下展会") == "8", "a pruned standard field gets the preset back"


def test_a_deleted_field_is_defined_again(tmp_path: Path) -> None:
    write_playbook(tmp_path, FIELDS)
    apply(tmp_path)
    with session(tmp_path) as opened:
        delete_field(opened.tenant, "LeadsObj", "budget__c")

    with session(tmp_path) as again:
        assert of(again.plan.actions, "lead_fields")["budget__c"].op == "create"
        execute(again)
        assert "budget__c" in again.tenant.client.crm_object("LeadsObj").fields


def test_on_a_public_api_tenant_every_field_is_a_manual_step_with_the_menu_path(tmp_path: Path) -> None:
    write_playbook(tmp_path, FIELDS)

    with session(tmp_path, tenant=PUBLIC[1]) as public:
        steps = {a.key: a.manual for a in public.plan.actions if a.kind == "lead_fields"}
        fields = public.tenant.client.crm_object("LeadsObj").fields

    assert set(steps) == {"source", "company", "field_a1B2c__c", "country__c", "budget__c"}
    custom = steps["country__c"]
    assert custom is not None and custom.menu_path == "管理后台 > 对象管理 > 销售线索 > 字段管理 > 新建自定义字段"
    assert ("字段API名称", "country__c") in custom.values
    assert ("选项值", "英国 → IYWea10Fx；德国 → KsekHd2m8") in custom.values
    assert steps["source"] is not None and steps["source"].menu_path.endswith("字段管理 > 编辑")
    assert "country__c" not in fields, "nothing was defined"


def test_a_field_cannot_be_renamed_and_option_values_name_options(tmp_path: Path) -> None:
    write_playbook(tmp_path, """\
        lead_fields:
          - api_name: field_new__c
            renamed_from: field_old__c
            label: 新字段
            type: 单行文本
          - api_name: level__c
            label: 级别
            type: 单选
            options: [A, B]
            option_values: {C: x1}
          - api_name: field_9Zz__c
            label: 编号
            type: 单行文本
            option_values: {}
          - api_name: 9field__c
            label: 坏名字
            type: 单行文本
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:5:15: error: a field's API name cannot change on the platform (field_old__c stays field_old__c): "
        "declare field_new__c as a new field instead of renamed_from",
        "mktctl.yaml:13:20: error: lead_fields: option_values: 'C' is not one of the options",
        "mktctl.yaml:18:15: error: lead_fields: api_name: '9field__c': a custom field's API name is letters, digits "
        "and _, starting with a letter and ending in __c (e.g. field_a1B2c__c)",
    ]


# ---- marketing objects ----------------------------------------------------------------------------------


def test_a_custom_marketing_object_is_defined_with_its_channel_fields_and_served_on_the_custom_paths(
        tmp_path: Path) -> None:
    write_playbook(tmp_path, OBJECTS)

    apply(tmp_path)

    with session(tmp_path) as again:
        client = again.tenant.client
        assert of(again.plan.actions, "marketing_objects")["渠道伙伴联系人"].op == "noop"
        partner = client.crm_object("partner_contact__c")
        record_id = client.crm_create("partner_contact__c", {"name": "华东伙伴", "mobile__c": "13912345678",
                                                             "email__c": "li@partner.example"})
        record = client.crm_get("partner_contact__c", record_id)
    assert partner.display_name == "渠道伙伴联系人"
    assert (partner.fields["mobile__c"].type, partner.fields["email__c"].type) == ("phone_number", "email")
    assert (record["mobile__c"], record["email__c"]) == ("13912345678", "li@partner.example")


def test_a_custom_object_deleted_by_hand_is_drift_and_pruning_leaves_the_crm_object(tmp_path: Path) -> None:
    write_playbook(tmp_path, OBJECTS)
    apply(tmp_path)
    with session(tmp_path) as opened:
        delete_field(opened.tenant, "partner_contact__c", "email__c")

    with session(tmp_path) as drifted:
        update = of(drifted.plan.actions, "marketing_objects")["渠道伙伴联系人"]
        execute(drifted)
        assert "email__c" in drifted.tenant.client.crm_object("partner_contact__c").fields
    assert update.op == "update" and "drift" in update.note
    assert [(c.field, c.before, c.after) for c in update.changes] == [("email_field", None, "email__c")]

    write_playbook(tmp_path, "marketing_objects: []\n")
    with session(tmp_path, prune=True) as pruning:
        assert [(a.op, a.key) for a in pruning.plan.actions if a.kind == "marketing_objects"] == [
            ("delete", "渠道伙伴联系人")]
        execute(pruning)
        assert pruning.tenant.client.crm_object("partner_contact__c").display_name == "渠道伙伴联系人"
    with session(tmp_path) as after:
        assert after.observation.settings["marketing_objects"] == {}


def test_a_custom_objects_channel_fields_are_custom_fields(tmp_path: Path) -> None:
    write_playbook(tmp_path, """\
        marketing_objects:
          - name: 渠道伙伴联系人
            api_name: partner_contact__c
            channels: [短信]
            phone_field: mobile
        """)

    assert problems(tmp_path) == ["mktctl.yaml:8:18: error: 'mobile' is not a custom object's field: its fields' API "
                                  "names end in __c (e.g. mobile__c)"]


@pytest.mark.parametrize("name", ["lead_fields", "marketing_objects"])
def test_a_public_api_sandbox_keeps_nothing_of_them(tmp_path: Path, name: str) -> None:
    write_playbook(tmp_path, FIELDS if name == "lead_fields" else OBJECTS)

    with session(tmp_path, tenant=PUBLIC[1]) as public:
        assert name not in public.observation.settings
        assert {a.op for a in public.plan.actions if a.kind == name} == {"manual"}


# ---- an import's columns ---------------------------------------------------------------------------------


def test_an_imports_columns_name_fields_and_a_wrong_one_is_reported_at_its_column(tmp_path: Path) -> None:
    write_playbook(tmp_path, FIELDS, """\
imports:
  - file: leads.csv
    columns: {预算金额: 预算, 国家: 国籍, 内部编号: ignore, 展位: field_other__c, 称呼: nmae}
""", leads__csv="姓名,公司,手机\n")

    found = [p for p in problems(tmp_path) if "columns" in p]

    assert len(found) == 2, found
    assert found[0].endswith("error: columns.国家: unknown field '国籍'; fields are city, company, contact, "
                             "create_time, email, ignore, industry, job_title, mobile, name, province, remark, "
                             "source, tel, url, and the custom fields field_a1B2c__c, country__c, budget__c")
    assert found[1].endswith("error: columns.称呼: unknown field 'nmae' (did you mean 'name'?)")
    lines = (tmp_path / "mktctl.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "columns:" in text)
    assert found[0].startswith(f"mktctl.yaml:{line}:{lines[line - 1].index('国籍') + 1}: ")
    assert found[1].startswith(f"mktctl.yaml:{line}:{lines[line - 1].index('nmae') + 1}: ")


def test_an_imports_digest_is_what_it_was_without_columns_and_changes_with_them(tmp_path: Path) -> None:
    from mktctl.kinds.imports import Import, Imports
    from tests.kinds.helpers_a import load

    write_playbook(tmp_path, "imports: []\n", leads__csv="姓名,公司,手机\n")
    playbook = load(tmp_path)
    kind = Imports()

    plain = kind.job_digest(Import(file="leads.csv"), playbook)

    assert plain == kind.job_digest(Import(file="leads.csv", columns={}), playbook)
    assert plain != kind.job_digest(Import(file="leads.csv", columns={"预算金额": "budget__c"}), playbook)


def test_an_exported_tenant_declares_its_fields_as_they_are_and_plans_nothing(tmp_path: Path) -> None:
    from mktctl.deliver.tenant_export import export_tenant

    source, target = tmp_path / "by-hand", tmp_path / "as-code"
    write_playbook(source, FIELDS)
    apply(source)
    with session(source) as opened:
        upsert_field(opened.tenant, "LeadsObj", {"api_name": "field_sale1__c", "label": "跟进销售", "type": "employee"})
        export_tenant(opened.tenant, target, kinds=["lead_fields"], name=None, language="zh-CN", note="")
    (target / "mktctl.tenants.yaml").write_text(
        f"tenants:\n  src:\n    sandbox:\n      data: {source / '.mktctl' / 'sandbox.db'}\n", encoding="utf-8")

    text = "\n".join(p.read_text(encoding="utf-8") for p in target.glob("*.yaml"))
    with session(target, tenant="src") as again:
        planned = {a.key: a.op for a in again.plan.actions if a.kind == "lead_fields"}

    assert "IYWea10Fx" in text and "field_sale1__c" not in text, "an employee field is no lead_fields item"
    assert planned == {"source": "noop", "company": "noop", "field_a1B2c__c": "noop", "country__c": "noop",
                       "budget__c": "noop"}
