"""The check pipeline end to end in the library: result files, their exact columns, the invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mktctl.leads import results
from mktctl.leads.check import CheckOptions, check_file
from mktctl.leads.rules import CleaningRules
from tests.leads.conftest import HEADERS, person, read_results, write_csv


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    rows = [
        person(1),  # 2 accepted
        person(2, 手机号码="+86 159-0000-0001", 邮箱=""),  # 3 duplicate of 2 (same mobile)
        person(3, 姓名=""),  # 4 missing_required
        person(4, 公司名称="测试公司"),  # 5 test_data
        person(5, 邮箱="x@rival.cn"),  # 6 competitor
        person(6, 手机号码="123", 邮箱="bad", 座机=""),  # 7 invalid_contact
        ["", "", "", "", "", "", "", "", ""],  # 8 blank: not a data row
        person(7, 邮箱="P1@CORP.CN", 手机号码="", 城市="北京"),  # 9 duplicate of 2 (same email)
        person(8, 省份="", 城市="深圳"),  # 10 accepted
    ]
    return write_csv(tmp_path / "leads.csv", rows)


def test_results_csv_has_one_row_per_data_row_with_the_exact_columns(messy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = check_file(messy, CheckOptions(competitor_domains=("rival.cn",)), out)
    raw = (out / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_results(out)
    assert list(rows[0]) == ["source_row", "status", "reason", "duplicate_of", "mobile_e164", "email"]
    assert [(r["source_row"], r["status"], r["reason"], r["duplicate_of"]) for r in rows] == [
        ("2", "accepted", "", ""), ("3", "duplicate", "duplicate", "2"), ("4", "rejected", "missing_required", ""),
        ("5", "rejected", "test_data", ""), ("6", "rejected", "competitor", ""),
        ("7", "rejected", "invalid_contact", ""),
        ("9", "duplicate", "duplicate", "2"), ("10", "accepted", "", "")]
    assert rows[1]["mobile_e164"] == "+8615900000001" and rows[6]["email"] == "p1@corp.cn"
    summary = result.summary
    assert summary.counts == {"input": 8, "accepted": 2, "duplicate": 2, "rejected": 4}
    assert summary.blank_rows_skipped == 1
    assert summary.reasons == {"missing_required": 1, "test_data": 1, "competitor": 1, "invalid_contact": 1,
                               "duplicate": 2}
    assert summary.invariants == {"input = accepted + duplicate + rejected": True}
    assert summary.duplicate_groups == 1
    assert summary.mapping["mapped"]["mobile"] == ["手机号码"]
    assert set(summary.timings) >= {"read_normalise_clean", "dedupe", "results_xlsx", "total"}
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == summary.as_json()


def test_the_cleaning_rules_passed_in_reject_rows_and_summary_json_lists_them(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1), person(2, 姓名="演示账号"), person(3, 邮箱="a@rival.cn"),
                                          person(4, 邮箱="b@other.cn")])
    rules = CleaningRules(competitor_domains=("rival.cn", "other.cn"), test_names=("演示",))

    result = check_file(path, CheckOptions(competitor_domains=("other.cn", "x.cn")), tmp_path / "out", rules=rules)

    assert [r["reason"] for r in read_results(tmp_path / "out")] == ["", "test_data", "competitor", "competitor"]
    options = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["options"]
    assert options == result.summary.options == {
        "sheet": None, "mapping": None, "competitor_domains": ["other.cn", "x.cn", "rival.cn"], "keep": "first",
        "header_row": None, "test_names": ["演示"], "test_mobiles": [], "test_email_domains": []}


def test_results_xlsx_sheets_are_text_with_a_frozen_header(messy: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "out"
    check_file(messy, CheckOptions(competitor_domains=("rival.cn",)), out)
    book = openpyxl.load_workbook(out / "results.xlsx")
    assert book.sheetnames == ["汇总 Summary", "拒绝 Rejected", "重复 Duplicates", "通过 Accepted"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.value is None or cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
        assert sheet.column_dimensions["A"].width >= 8
    rejected = [[c.value for c in row] for row in book["拒绝 Rejected"].iter_rows(min_row=2)]
    assert [r[:2] for r in rejected] == [["4", "missing_required"], ["5", "test_data"], ["6", "competitor"],
                                         ["7", "invalid_contact"]]
    assert rejected[3][5] == "123"  # the raw value, so that someone can fix it
    groups = [[c.value for c in row][:3] for row in book["重复 Duplicates"].iter_rows(min_row=2)]
    assert groups == [["2", "2", "保留 kept"], ["2", "3", "重复 duplicate"], ["2", "9", "重复 duplicate"]]
    accepted = {row[0].value: [c.value for c in row] for row in book["通过 Accepted"].iter_rows(min_row=2)}
    assert set(accepted) == {"2", "10"}
    header = [c.value for c in book["通过 Accepted"][1]]
    city = header.index("城市 city")
    assert accepted["2"][city] == "广州市"
    assert accepted["10"][header.index("省份 province")] == "广东省"


def test_formulas_and_long_numbers_stay_text(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    path = write_csv(tmp_path / "l.csv", [person(1, 备注="=HYPERLINK(\"http://x\")"),
                                          person(2, 备注="00123456789012345678")])
    check_file(path, CheckOptions(), tmp_path / "out")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "out" / "results.xlsx")).get_sheet_by_name("通过 Accepted")
    rows = sheet.to_python()
    remark = rows[0].index("备注 remark")
    assert [r[remark] for r in rows[1:]] == ['=HYPERLINK("http://x")', "00123456789012345678"]


def test_accepted_sheet_is_left_out_from_the_limit(messy: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    monkeypatch.setattr(results, "ACCEPTED_SHEET_LIMIT", 2)
    check_file(messy, CheckOptions(), tmp_path / "out")
    assert "通过 Accepted" not in openpyxl.load_workbook(tmp_path / "out" / "results.xlsx").sheetnames


def test_keep_last(messy: Path, tmp_path: Path) -> None:
    check_file(messy, CheckOptions(keep="last"), tmp_path / "out")
    statuses = {r["source_row"]: (r["status"], r["duplicate_of"]) for r in read_results(tmp_path / "out")}
    assert statuses["9"] == ("accepted", "") and statuses["2"] == ("duplicate", "9")


def test_a_file_with_a_header_and_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [])
    result = check_file(path, CheckOptions(), tmp_path / "out")
    assert result.summary.counts == {"input": 0, "accepted": 0, "duplicate": 0, "rejected": 0}
    assert (tmp_path / "out" / "results.csv").read_text(encoding="utf-8-sig").strip() == \
        "source_row,status,reason,duplicate_of,mobile_e164,email"


def test_a_file_without_lead_columns_is_refused(tmp_path: Path) -> None:
    from mktctl.errors import DataFileError

    path = write_csv(tmp_path / "l.csv", [["1", "2"]], headers=["序号", "金额"])
    with pytest.raises(DataFileError, match="no lead columns recognised") as caught:
        check_file(path, CheckOptions(), tmp_path / "out")
    assert "--mapping" in (caught.value.hint or "")


def test_the_template_is_read_by_check(tmp_path: Path) -> None:
    import openpyxl

    from mktctl.leads.template import write_template

    path = write_template(tmp_path / "模板.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["线索"]
    sheet.append(["张三", "示例科技", "13912345670", "", "zs@corp.cn", "广东省", "广州市", "信息技术", "CTO",
                  "线下展会",
                  "2024-05-01", "", ""])
    book.save(path)
    result = check_file(path, CheckOptions(), tmp_path / "out")
    assert result.summary.mapping["ignored"] == []
    assert set(result.summary.mapping["mapped"]) == {
        "name", "company", "mobile", "tel", "email", "province", "city", "industry", "job_title", "source",
        "create_time", "remark", "url"}
    assert result.summary.counts["accepted"] == 1
    assert HEADERS[0] == "姓名"
