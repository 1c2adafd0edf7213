"""Columns that feed custom fields of 销售线索: named in a mapping by api name or label (as lead_fields declares
them or describe reports them), read by the field's type, a bad value rejected with its row and column, and
written on import as the platform takes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mktctl.errors import PlaybookError
from mktctl.leads.check import CheckOptions, check_file
from mktctl.leads.custom import api_value, convert
from mktctl.leads.fields import CustomField, CustomFields
from mktctl.leads.importer import ImportOptions, import_leads
from mktctl.leads.mapping import load_mapping_file, map_columns
from mktctl.tenant.definitions import upsert_field
from tests.leads.conftest import leads_on, read_results, write_csv

HEADERS = ["姓名", "公司名称", "手机号码", "预算金额", "参展日期", "国家", "意向产品", "是否重点", "展会编号"]
FIELDS = CustomFields((
    CustomField("budget__c", "预算", "number"),
    CustomField("expo_day__c", "参展日期", "date"),
    CustomField("field_IT92M__c", "国家", "select_one", (("", "英国"), ("", "德国"), ("", "中国"))),
    CustomField("product__c", "意向产品", "select_many", (("", "营销通"), ("", "销售云"), ("", "服务云"))),
    CustomField("key_account__c", "重点客户", "true_or_false"),
    CustomField("field_a1B2c__c", "展会编号", "text"),
))
MAP = "columns:\n  预算金额: budget__c\n  是否重点: 重点客户\n"


def sheet(path: Path, name: str) -> pd.DataFrame:
    """A sheet of a result workbook, every cell as text, headers as they are written."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    return pd.DataFrame(rows[1:], columns=rows[0], dtype="str")


def row(i: int, **values: str) -> list[str]:
    base = {"姓名": f"客户{i}", "公司名称": f"公司{i}有限公司", "手机号码": f"1590{i:07d}", "预算金额": "1,200",
            "参展日期": "2024/5/1", "国家": "英国", "意向产品": "营销通、销售云", "是否重点": "是",
            "展会编号": " EXPO-7 "}
    base.update(values)
    return [base[h] for h in HEADERS]


def test_a_mapping_names_custom_fields_by_api_name_or_label_and_their_labels_are_recognised(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    mapping = load_mapping_file(tmp_path / "map.yaml", FIELDS)

    columns = map_columns(HEADERS, mapping, FIELDS)

    assert mapping.columns == {"预算金额": "budget__c", "是否重点": "key_account__c"}
    assert {c.header: (c.field, c.why) for c in columns.columns if c.field and c.field.endswith("__c")} == {
        "预算金额": ("budget__c", "mapping file"), "参展日期": ("expo_day__c", "custom field"),
        "国家": ("field_IT92M__c", "custom field"), "意向产品": ("product__c", "custom field"),
        "是否重点": ("key_account__c", "mapping file"), "展会编号": ("field_a1B2c__c", "custom field")}


def test_a_mapping_to_an_unknown_custom_field_says_where_and_what_exists(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text("columns:\n  预算金额: budgt__c\n  国家: 地区\n", encoding="utf-8")

    with pytest.raises(PlaybookError) as caught:
        load_mapping_file(tmp_path / "map.yaml", FIELDS)

    first, second = (str(p) for p in caught.value.problems)
    assert first.startswith(f"{tmp_path / 'map.yaml'}:2:9: columns.预算金额: unknown field 'budgt__c' (did you mean "
                            "'budget__c'?)")
    assert second.startswith(f"{tmp_path / 'map.yaml'}:3:7: columns.国家: unknown field '地区'")
    with pytest.raises(PlaybookError) as without:
        load_mapping_file(tmp_path / "map.yaml")
    assert "a custom field of 销售线索 (by api name or label) that the playbook's lead_fields declares or the " \
           "tenant has" in str(without.value.problems[0])


def test_values_are_read_by_the_fields_type() -> None:
    raw = pd.DataFrame({"budget__c": ["1,200", "¥３５００元", "-3.5", "", "十万"],
                        "expo_day__c": ["2024/5/1", "2024年5月2日", "45413", "", "明天"],
                        "field_IT92M__c": ["英国", " 德国 ", "中国", "", "法国"],
                        "product__c": ["营销通、销售云", "服务云,营销通", "销售云|销售云", "", "营销通;ERP"],
                        "key_account__c": ["是", "否", "Y", "", "也许"],
                        "field_a1B2c__c": [" EXPO-7 ", "A　B", "", "", "x"]})

    converted = convert(raw, list(FIELDS), {"budget__c": "预算金额"})

    assert converted.values.to_dict("list") == {
        "budget__c": ["1200", "3500", "-3.5", "", ""],
        "expo_day__c": ["2024-05-01", "2024-05-02", "2024-05-01", "", ""],
        "field_IT92M__c": ["英国", "德国", "中国", "", ""],
        "product__c": ["营销通|销售云", "服务云|营销通", "销售云", "", ""],
        "key_account__c": ["true", "false", "true", "", ""],
        "field_a1B2c__c": ["EXPO-7", "AB", "", "", "x"]}
    assert converted.problem.tolist()[:4] == ["", "", "", ""]
    assert converted.problem.iloc[4] == "列 column '预算金额' (budget__c 预算): '十万' 不是数字 is not a number"
    assert converted.invalid == {"budget__c": 1, "expo_day__c": 1, "field_IT92M__c": 1, "product__c": 1,
                                 "key_account__c": 1, "field_a1B2c__c": 0}


def test_a_canonical_value_becomes_what_the_platform_takes() -> None:
    country = CustomField("c__c", "国家", "select_one", (("IYWea10Fx", "英国"), ("KsekHd2m8", "德国")))
    products = CustomField("p__c", "意向产品", "select_many", (("a1", "营销通"), ("b2", "销售云")))

    assert api_value("1200", CustomField("n__c", "预算", "number")) == 1200
    assert api_value("-3.5", CustomField("n__c", "预算", "currency")) == -3.5
    assert api_value("2024-05-01", CustomField("d__c", "日期", "date")) == 1714492800000  # 00:00 in Shanghai
    assert api_value("2024-05-01 10:30:00", CustomField("d__c", "时间", "date_time")) == 1714530600000
    assert api_value("英国", country) == "IYWea10Fx"
    assert api_value("营销通|销售云", products) == ["a1", "b2"]
    assert api_value("false", CustomField("b__c", "重点", "true_or_false")) is False
    assert api_value("", country) is None


def test_a_bad_value_rejects_its_row_naming_the_column_and_results_csv_keeps_its_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row(1), row(2, 预算金额="十万"), row(3, 国家="法国", 预算金额="5000")],
                     HEADERS)
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    out = tmp_path / "out"

    result = check_file(path, CheckOptions(mapping=tmp_path / "map.yaml"), out, fields=FIELDS)

    rows = read_results(out)
    assert list(rows[0]) == ["source_row", "status", "reason", "duplicate_of", "mobile_e164", "email"]
    assert [(r["source_row"], r["status"], r["reason"]) for r in rows] == [
        ("2", "accepted", ""), ("3", "rejected", "invalid_value"), ("4", "rejected", "invalid_value")]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["reasons"]["invalid_value"] == 2
    assert summary["mapping"]["custom_fields"]["budget__c"] == {"label": "预算", "type": "number", "invalid": 1}
    assert summary["mapping"]["mapped"]["budget__c"] == ["预算金额"]
    rejected = sheet(out / "results.xlsx", "拒绝 Rejected")
    assert rejected["说明 explanation"].tolist() == [
        "列 column '预算金额' (budget__c 预算): '十万' 不是数字 is not a number",
        "列 column '国家' (field_IT92M__c 国家): '法国' 不是选项 is not an option (选项 options: 英国、德国、中国)"]
    accepted = sheet(out / "results.xlsx", "通过 Accepted")
    assert accepted["budget__c"].tolist() == ["1200"] and accepted["product__c"].tolist() == ["营销通|销售云"]
    assert result.summary.reasons["invalid_value"] == 2


def test_without_custom_fields_the_summary_is_what_it_always_was(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row(1)], HEADERS)

    result = check_file(path, CheckOptions(), tmp_path / "out")

    assert "invalid_value" not in result.summary.as_json()["reasons"]
    assert "custom_fields" not in result.summary.mapping
    assert [i["header"] for i in result.summary.mapping["ignored"]] == ["预算金额", "参展日期", "国家", "意向产品",
                                                                          "是否重点", "展会编号"]


def test_a_duplicate_gives_its_survivor_the_custom_values_it_lacks(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row(1, 预算金额=""), row(2, 手机号码="15900000001", 预算金额="800")], HEADERS)

    check_file(path, CheckOptions(columns=(("预算金额", "预算"),)), tmp_path / "out", fields=FIELDS)

    accepted = sheet(tmp_path / "out" / "results.xlsx", "通过 Accepted")
    assert accepted["budget__c"].tolist() == ["800"]


@pytest.fixture
def defined(tenant: Any) -> Any:
    for field in ({"api_name": "budget__c", "label": "预算", "type": "number"},
                  {"api_name": "expo_day__c", "label": "参展日期", "type": "date"},
                  {"api_name": "field_IT92M__c", "label": "国家", "type": "select_one",
                   "options": [{"label": "英国", "value": "IYWea10Fx"}, {"label": "德国", "value": "KsekHd2m8"},
                               {"label": "中国", "value": "kaYz89Lwq"}]},
                  {"api_name": "product__c", "label": "意向产品", "type": "select_many",
                   "options": [{"label": "营销通", "value": "m1"}, {"label": "销售云", "value": "s2"},
                               {"label": "服务云", "value": "f3"}]},
                  {"api_name": "key_account__c", "label": "重点客户", "type": "true_or_false"},
                  {"api_name": "field_a1B2c__c", "label": "展会编号", "type": "text"}):
        upsert_field(tenant, "LeadsObj", field)
    return tenant


TENANT_MAP = MAP + "  参展日期: expo_day__c\n  国家: 国家\n  意向产品: 意向产品\n  展会编号: field_a1B2c__c\n"


def test_import_writes_custom_values_as_the_tenants_fields_take_them(defined: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row(1), row(2, 预算金额="十万")], HEADERS)
    (tmp_path / "map.yaml").write_text(TENANT_MAP, encoding="utf-8")
    options = ImportOptions(check=CheckOptions(mapping=tmp_path / "map.yaml"))

    result = import_leads(defined, path, options, tmp_path / "out")

    assert result.outcomes["created"] == 1 and result.summary.reasons["invalid_value"] == 1
    (lead,) = leads_on(defined)
    assert (lead["budget__c"], lead["expo_day__c"], lead["field_IT92M__c"], lead["product__c"],
            lead["key_account__c"], lead["field_a1B2c__c"]) == (1200, 1714492800000, "IYWea10Fx", ["m1", "s2"],
                                                                 True, "EXPO-7")
    again = import_leads(defined, path, ImportOptions(check=options.check, on_existing="overwrite"),
                         tmp_path / "out2")
    assert again.outcomes["unchanged"] == 1, "values already written compare equal"


def test_import_fills_an_empty_custom_field_of_an_existing_lead(defined: Any, tmp_path: Path) -> None:
    defined.client.crm_create("LeadsObj", {"name": "客户1", "company": "公司1有限公司", "mobile": "+8615900000001"})
    path = write_csv(tmp_path / "l.csv", [row(1)], HEADERS)
    columns = CheckOptions(columns=(("预算金额", "budget__c"), ("国家", "国家")))

    result = import_leads(defined, path, ImportOptions(check=columns, on_existing="fill-empty"), tmp_path / "out")

    (lead,) = leads_on(defined)
    assert result.outcomes["updated"] == 1
    assert (lead["field_IT92M__c"], lead["budget__c"]) == ("IYWea10Fx", 1200)


def test_a_field_only_the_tenant_has_is_fed_through_a_mapping_not_by_its_label(defined: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row(1, 国家="法国")], HEADERS)

    result = import_leads(defined, path, ImportOptions(), tmp_path / "out")

    assert result.outcomes["created"] == 1, "the 国家 column is not the tenant's field until a mapping says so"
    assert "国家" in [i["header"] for i in result.summary.mapping["ignored"]]
    assert "field_IT92M__c" not in leads_on(defined)[0]


def test_a_declared_field_the_tenant_lacks_is_checked_but_not_written(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row(1)], HEADERS)

    result = import_leads(tenant, path, ImportOptions(), tmp_path / "out", fields=FIELDS)

    assert result.outcomes["created"] == 1
    assert set(result.report.fields_not_on_tenant) == {"expo_day__c", "field_IT92M__c", "product__c",
                                                        "field_a1B2c__c"}
    assert "field_IT92M__c" not in leads_on(tenant)[0]
