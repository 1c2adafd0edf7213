"""Cleaning leads given as columns (how `mktctl simulate` cleans the accepted leads) is cleaning them one
record at a time: the same fields, in the same order, and the same verdicts."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.leads.fields import DATA_KEYS
from mktctl.rules.cleaning import WHITE_SPACE, clean_columns, clean_people
from mktctl.rules.model import PersonInput
from tests.rules.helpers import rules_of

PLAYBOOK = """\
lead_cleaning:
  required_fields: [name, company]
  test_data: {names: [演示], mobiles: ["13900000000"], email_domains: [neice.cn]}
  competitor_domains: [rival-tech.cn]
"""
LENIENT = "lead_cleaning: {required_fields: [name], validate_mobile: false, validate_email: false}\n"
PICKLISTS = """\
lead_fields:
  - {api_name: source, label: 线索来源, options: [官网, 百度推广, 展会, 其他]}
  - {api_name: industry, label: 行业, options: [制造业, 零售业, 科技互联网]}
"""  # the playbook's own spellings: 官网 stays 官网 (the lead pipeline's would be 官网表单)
KEYS = [k for k in DATA_KEYS if k != "create_time"]
# texts of the kind a lead file holds, with the white space, case and spellings cleaning has to even out
SAMPLES = {
    "name": ["王芳", " 王 芳 ", "测试用户", "演示", "Li\u3000Lei", "Ann\tLee", ""],
    "company": ["远航科技有限公司", "远航科技\u00a0有限公司", "", "demo"],
    "mobile": ["13912340001", "+86 139 1234 0002", "139-1234-0003", "12345", "13900000000", ""],
    "tel": ["021-12345678", "", "12"],
    "email": ["Wang@YuanHang.cn", "a@neice.cn", "spy@rival-tech.cn", "not-an-email", " li@qq.com ", ""],
    "province": ["上海", "上海市", "江苏", "华东", ""],
    "city": ["苏州", "苏州市", "", "上海"],
    "industry": ["制造业", "IT", "零售", "零售业", " 制造业 ", ""],
    "source": ["官网", "官网表单", "百度推广", "百度竞价", "website", " 展会", ""],
}
texts = st.one_of(st.text(alphabet=st.sampled_from("ab王1@.-+ " + WHITE_SPACE), max_size=8),
                  st.sampled_from(["", "x"]))


def lead_rows(draw) -> dict[str, str]:
    return {key: draw(st.sampled_from(SAMPLES[key]) | texts) if key in SAMPLES else draw(texts) for key in KEYS}


@st.composite
def leads(draw) -> list[dict[str, str]]:
    return [lead_rows(draw) for _ in range(draw(st.integers(0, 12)))]


def by_records(rules, rows: list[dict[str, str]]) -> list:
    return clean_people(rules.cleaning, rules.names,
                        [PersonInput(str(i), {k: v for k, v in row.items() if v}, 0) for i, row in enumerate(rows)])


def by_columns(rules, rows: list[dict[str, str]]) -> list:
    frame = pl.DataFrame({key: [row[key] for row in rows] for key in KEYS}, schema={key: pl.String for key in KEYS})
    return clean_columns(rules.cleaning, rules.names, frame)


@pytest.mark.parametrize("playbook", [PLAYBOOK, LENIENT, PICKLISTS], ids=["strict", "lenient", "picklists"])
def test_cleaning_columns_is_cleaning_each_record(tmp_path_factory, playbook) -> None:
    rules = rules_of(tmp_path_factory.mktemp("playbook"), playbook)

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(leads())
    def check(rows: list[dict[str, str]]) -> None:
        expected, found = by_records(rules, rows), by_columns(rules, rows)
        assert found == expected
        assert [list(c.fields) for c in found] == [list(c.fields) for c in expected]  # the keys' order too

    check()


def test_a_lead_with_none_of_a_field_may_have_it_null_or_empty(tmp_path) -> None:
    rules = rules_of(tmp_path, PLAYBOOK)
    frame = pl.DataFrame({"name": ["王芳", "李雷"], "company": ["远航科技有限公司", None],
                          "mobile": ["13912340001", ""]})

    found = clean_columns(rules.cleaning, rules.names, frame)

    assert found[0].rejected is None and found[0].fields == {"name": "王芳", "company": "远航科技有限公司",
                                                             "mobile": "+8613912340001"}
    assert found[1].rejected == "missing_required"


def test_only_the_pipelines_field_keys_are_columns_of_a_lead(tmp_path) -> None:
    rules = rules_of(tmp_path, PLAYBOOK)

    with pytest.raises(ValueError, match="姓名"):
        clean_columns(rules.cleaning, rules.names, pl.DataFrame({"姓名": ["王芳"]}))


def test_the_white_space_cleaning_knows_is_what_python_splits_at() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == WHITE_SPACE


def test_a_picklist_value_is_spelt_as_the_playbook_declares_it_either_way(tmp_path) -> None:
    rules = rules_of(tmp_path, PICKLISTS)
    lead = {**dict.fromkeys(KEYS, ""), "name": "王芳", "company": "远航科技", "mobile": "13912340001"}
    rows = [{**lead, "source": source} for source in ("官网", "百度竞价", "website")]

    for cleaned in (by_records(rules, rows), by_columns(rules, rows)):
        assert [c.fields["source"] for c in cleaned] == ["官网", "百度推广", "website"]  # (not an option: as written)
