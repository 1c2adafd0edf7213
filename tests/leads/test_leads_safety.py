"""Personal data and hostile input: private result files, formula-safe CSV, purge, workbook guards, CSV
edge cases, and people known only by a landline. End to end under faults: tests/reliability."""

from __future__ import annotations

import json
import stat
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mktctl.base import sheet_extent
from mktctl.errors import DataFileError
from mktctl.leads import guard, sheetwriter
from mktctl.leads.cells import neutralise, neutralise_frame, neutralise_polars, restore
from mktctl.leads.importer import ImportOptions, import_leads, tenant_identity
from mktctl.leads.journal import person_key
from mktctl.leads.private import private_file
from mktctl.leads.purge import purge
from mktctl.leads.read import open_source
from mktctl.leads.sheetwriter import TextWorkbook
from tests.conftest import RunMktctl
from tests.leads.conftest import leads_on, person, read_results, write_csv

PAYLOADS = ('=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", "\t=1", "\r=1")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---- private files, formula safety -----------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_value_that_could_run_as_a_formula_gets_a_quote(payload: str) -> None:
    assert neutralise(payload) == "'" + payload
    assert restore(neutralise(payload)) == payload


@pytest.mark.parametrize("value", ["+8613912345678", "-2", "+1.5", "zhang@corp.cn", "", "'quoted", "张三"])
def test_plain_numbers_and_text_are_left_alone(value: str) -> None:
    assert neutralise(value) == value
    assert restore(value) == value


def test_frames_are_neutralised_column_by_column() -> None:
    frame = pd.DataFrame({"a": ["=1+1", "+8613912345678", "x"], "n": [1, 2, 3]})
    out = neutralise_frame(frame)
    assert out["a"].tolist() == ["'=1+1", "+8613912345678", "x"]
    assert out["n"].tolist() == [1, 2, 3]


def test_private_files_are_0600_and_links_are_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("not yours", encoding="utf-8")
    link = tmp_path / "results.csv"
    link.symlink_to(target)
    private_file(link).write_text("rows", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "not yours"
    assert not link.is_symlink() and mode(link) == 0o600


def test_check_and_import_write_private_files(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1), person(2)])
    out = tmp_path / "new" / "out"
    import_leads(tenant, path, ImportOptions(), out)
    assert mode(out) == 0o700
    names = sorted(p.name for p in out.iterdir())
    assert names == ["import.lock", "journal.jsonl", "results.csv", "results.xlsx", "summary.json"]
    assert all(mode(out / name) == 0o600 for name in names)


def test_error_messages_in_results_csv_are_formula_safe(tenant: Any, tmp_path: Path) -> None:
    from mktctl.leads import results
    from mktctl.leads.check import run_check

    path = write_csv(tmp_path / "l.csv", [person(1), person(2)])
    (tmp_path / "work").mkdir()
    run = run_check(path, ImportOptions().check, tmp_path / "work")
    outcomes = pd.DataFrame({"source_row": [2, 3], "outcome": ["failed", "failed"], "record_id": ["", ""],
                             "error": [PAYLOADS[0], "@SUM(1,1) is not a name"]})
    results.write_results_csv(run.spill, tmp_path / "results.csv", outcomes)
    rows = read_results(tmp_path)
    assert [r["error"] for r in rows] == ["'" + PAYLOADS[0], "'@SUM(1,1) is not a name"]
    assert rows[0]["mobile_e164"] == "+8615900000001"  # a plain number stays as it is


def test_the_text_workbook_keeps_payloads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    with TextWorkbook(path) as book:
        book.add_sheet("S", ["h\r1"], [pd.DataFrame({0: [*PAYLOADS, "a\r\nb"]})])
    sheet = openpyxl.load_workbook(path)["S"]
    assert [(c.value, c.data_type) for c in sheet["A"]] == [(v, "s") for v in ["h\r1", *PAYLOADS, "a\r\nb"]]


def test_a_sheet_put_together_in_slices_keeps_its_rows_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    monkeypatch.setattr(sheetwriter, "SLICE_ROWS", 3)
    path = tmp_path / "t.xlsx"
    batches = [pd.DataFrame({0: [f"r{i}" for i in range(s, s + n)], 1: [str(i) for i in range(s, s + n)]})
               for s, n in ((0, 7), (7, 0), (7, 2), (9, 6))]
    with TextWorkbook(path) as book:
        book.add_sheet("S", ["name", "n"], batches)
    sheet = openpyxl.load_workbook(path)["S"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["name", "n"]] + [[f"r{i}", str(i)]
                                                                                      for i in range(15)]
    assert [row[0].row for row in sheet.iter_rows()] == list(range(1, 17))


def test_a_sheet_in_slices_escapes_and_quotes_each_slice_by_its_own_values(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Each slice of an Arrow-backed column shares the column's buffer: what a slice needs (escaping, the quote
    prefix) is decided by its own values, not by its neighbours'."""
    monkeypatch.setattr(sheetwriter, "SLICE_ROWS", 3)
    values = ["a", "b", "c", "=1+1", "x&y", "<t>", "plain", "p", "q", "r\rs", "-2", "@x"]
    path = tmp_path / "t.xlsx"
    with TextWorkbook(path) as book:
        book.add_sheet("S", ["v"], [pd.DataFrame({0: pd.Series(values, dtype="string[pyarrow]")})])
    column = openpyxl.load_workbook(path)["S"]["A"][1:]
    assert [c.value for c in column] == values
    assert [c.value for c in column if c.quotePrefix] == ["=1+1", "-2", "@x"]


def test_polars_frames_are_redacted_and_neutralised_in_text_and_categorical_columns() -> None:
    import polars as pl

    from mktctl.secrets import REDACTOR

    secret = "s3cr3t-Token-9f2e"
    values = [*PAYLOADS, "+8613912345678", "x", None, "=1+1", f"token {secret}", f"={secret}"]
    frame = pl.DataFrame({"text": values, "n": list(range(len(values)))}).with_columns(
        category=pl.col("text").cast(pl.Categorical))
    REDACTOR.add(secret)
    try:
        out = neutralise_polars(frame)
    finally:
        REDACTOR.clear()
    expected = [None if v is None else neutralise(v.replace(secret, REDACTOR.MASK)) for v in values]
    assert expected[-2:] == [f"token {REDACTOR.MASK}", f"'={REDACTOR.MASK}"]
    assert out["text"].to_list() == expected
    assert out["category"].to_list() == expected
    assert out["category"].dtype == pl.String
    assert out["n"].to_list() == list(range(len(values)))

# ---- purge -----------------------------------------------------------------------------------------


def test_purge_removes_personal_data_and_keeps_the_summary(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1)])
    out = tmp_path / "out"
    import_leads(tenant, path, ImportOptions(), out)
    (out / ".mktctl-leads-abc123").mkdir()  # what a killed run leaves behind
    (out / ".mktctl-leads-abc123" / "rows.parquet").write_bytes(b"rows")
    (out / "results.csv.tmp").write_text("half", encoding="utf-8")
    (out / "journal-20240101-000000.other-tenant.jsonl").write_text("{}", encoding="utf-8")
    (out / "client.xlsx").write_bytes(b"the client's own file")
    outside = tmp_path / "precious.xlsx"
    outside.write_bytes(b"keep")
    (out / "ambiguities.xlsx").symlink_to(outside)

    result = purge(out)

    assert sorted(p.name for p in result.removed) == sorted([
        "results.csv", "results.xlsx", "ambiguities.xlsx", "journal.jsonl", "results.csv.tmp",
        "journal-20240101-000000.other-tenant.jsonl", ".mktctl-leads-abc123"])
    assert [p.name for p in result.kept] == ["summary.json"]
    assert sorted(p.name for p in out.iterdir()) == ["client.xlsx", "summary.json"]
    assert outside.read_bytes() == b"keep"
    assert purge(out).removed == []


@pytest.mark.parametrize("content", [None, {"what": "else"}, "not json"])
def test_purge_refuses_a_folder_that_is_not_a_result_folder(tmp_path: Path, content: object) -> None:
    if content is not None:
        (tmp_path / "summary.json").write_text(content if isinstance(content, str) else json.dumps(content),
                                               encoding="utf-8")
    (tmp_path / "results.csv").write_text("someone else's", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a lead result folder"):
        purge(tmp_path)
    assert (tmp_path / "results.csv").exists()


def test_purge_reads_no_huge_summary_or_journal_line_to_decide_whose_folder_it_is(tmp_path: Path) -> None:
    """A summary.json or a journal line past what mktctl writes is not read whole: the folder is not ours."""
    from mktctl.leads.purge import MAX_SUMMARY_BYTES

    padding = " " * (MAX_SUMMARY_BYTES + 1)
    (tmp_path / "summary.json").write_text('{"counts": {}, "invariants": {}' + padding + "}", encoding="utf-8")
    (tmp_path / "journal.jsonl").write_text('{"t": "run"' + padding + "}\n", encoding="utf-8")
    (tmp_path / "results.csv").write_text("someone else's", encoding="utf-8")

    with pytest.raises(DataFileError, match="not a lead result folder"):
        purge(tmp_path)
    assert (tmp_path / "results.csv").exists()


def test_purge_from_the_command_line(mktctl: RunMktctl, tmp_path: Path) -> None:
    write_csv(tmp_path / "l.csv", [person(1)])
    assert mktctl("leads", "check", "l.csv", "--out", "out").code == 0
    done = mktctl("leads", "purge", "--out", "out")
    assert done.code == 0, done.output
    assert "removed 2 file(s) holding personal data from out:" in done.stdout
    assert "kept (counts only, no personal data): summary.json" in done.stdout
    again = mktctl("leads", "purge", "--out", "out")
    assert again.code == 0 and "nothing to remove" in again.stdout
    for folder, message in (("missing", "no such folder"), (".", "not a lead result folder")):
        refused = mktctl("leads", "purge", "--out", folder)
        assert refused.code == 1 and message in refused.stderr and "Traceback" not in refused.output


# ---- people known by a landline only ---------------------------------------------------------------


def test_people_with_only_a_landline_have_keys_of_their_own() -> None:
    a = person_key("", "", tel="+861062345678", name="张三", company="甲")
    b = person_key("", "", tel="+861062345678", name="王五", company="丙")
    assert a != b != person_key("", "")
    assert person_key("+8613912345678", "a@b.cn", tel="x") == person_key("+8613912345678", "a@b.cn")


def test_a_landline_only_create_left_unknown_by_a_crash_is_found_not_repeated(tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(1, 手机号码="", 邮箱="", 座机="010-62345678"),
                                          person(2, 手机号码="", 邮箱="", 座机="010-62345678")])
    out = tmp_path / "out"
    out.mkdir()
    made = tenant.client.crm_create("LeadsObj", {"name": "客户1", "company": "公司1有限公司", "tel": "+861062345678"})
    key = person_key("", "", tel="+861062345678", name="客户1", company="公司1有限公司")
    journal = [{"t": "run", "tenant": tenant_identity(tenant)}, {"t": "start", "k": key, "op": "create", "row": 2}]
    (out / "journal.jsonl").write_text("\n".join(json.dumps(j) for j in journal) + "\n", encoding="utf-8")

    result = import_leads(tenant, path, ImportOptions(), out)

    assert result.outcomes["created"] == 2
    ids = {r["source_row"]: r["record_id"] for r in read_results(out)}
    assert ids["2"] == made and ids["3"] != made
    assert len(leads_on(tenant)) == 2


# ---- workbook guards -------------------------------------------------------------------------------


def sheet_zip(path: Path, rows: bytes, *, prefix: str = "") -> Path:
    p = f"{prefix}:" if prefix else ""
    xml = (f'<{p}worksheet xmlns{":" + prefix if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/'
           f'2006/main"><{p}sheetData>').encode() + rows + f"</{p}sheetData></{p}worksheet>".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    return path


@pytest.mark.parametrize(("rows", "prefix", "extent"), [
    (b'<row r="1"><c r="A1"/><c r="C1"/></row><row r="7"><c r="B7"/></row>', "", (7, 3)),
    (b'<x:row r="2"><x:c r="AB2"/></x:row>', "x", (2, 28)),
    (b'<row r="1"><c s="1" r="D9"/></row>', "", (9, 4)),  # the reference is not the first attribute
    (b"<row><c/><c/><c/></row><row><c/></row>", "", (2, 3)),  # no references at all
    (b'<row r="3"><c r="B3"/><c/><c/></row>', "", (3, 4)),  # cells after a reference take the next columns
    (b'<row r="2"><c r="XFD1048576"/></row>', "", (1048576, 16384)),
])
def test_the_extent_of_a_sheet_is_found_without_parsing_it(tmp_path: Path, rows: bytes, prefix: str,
                                                             extent: tuple[int, int]) -> None:
    path = sheet_zip(tmp_path / "s.xlsx", rows, prefix=prefix)
    scan = sheet_extent.GridScan()
    with zipfile.ZipFile(path) as archive:
        data = archive.read("xl/worksheets/sheet1.xml")
    for start in range(0, len(data), 7):  # in small blocks: tags are cut between blocks
        scan.feed(data[start:start + 7])
    scan.finish()
    assert (scan.height + scan._rows_without_ref, scan.width) == extent


@given(st.integers(0, 10**9), st.integers(0, 10**10))
def test_greater_than_matches_exactly_the_greater_numbers(limit: int, number: int) -> None:
    import re

    assert (re.fullmatch(sheet_extent.greater_than(limit), str(number).encode()) is not None) == (number > limit)


def test_column_numbers() -> None:
    assert [sheet_extent.column_number(c) for c in (b"A", b"Z", b"AA", b"AZ", b"XFD")] == [1, 26, 27, 52, 16384]


def test_workbook_limits_are_checked_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = sheet_zip(tmp_path / "s.xlsx", b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * 5000 +
                     b"</t></is></c></row>")
    monkeypatch.setattr(guard, "MAX_EXPANDED_BYTES", 4000)
    with pytest.raises(DataFileError, match="expands to 0 MB"):
        open_source(path)
    monkeypatch.setattr(guard, "MAX_EXPANDED_BYTES", 1 << 20)
    monkeypatch.setattr(guard, "MAX_WORKBOOK_BYTES", 100)
    with pytest.raises(DataFileError, match="workbooks up to"):
        open_source(path)


def test_too_many_rows_or_columns_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "l.csv", [person(i) for i in range(1, 31)])
    monkeypatch.setattr(guard, "MAX_ROWS", 10)
    with pytest.raises(DataFileError, match="more than 10 data rows"):
        for _ in open_source(path).chunks(5):
            pass
    monkeypatch.setattr(guard, "MAX_COLUMNS", 5)
    with pytest.raises(DataFileError, match=r"has 9 columns \(at most 5\)"):
        open_source(path)


# ---- CSV edge cases found by fuzzing ---------------------------------------------------------------


def test_a_header_without_rows_or_final_line_break_is_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("姓名,公司名称,手机号码", encoding="utf-8")
    assert list(open_source(path).chunks()) == []


def test_old_mac_line_endings_and_multi_line_headers_keep_row_numbers(tmp_path: Path) -> None:
    mac = tmp_path / "mac.csv"
    mac.write_bytes("姓名,手机号码\r张三,13912345678\r李四,13912345679\r".encode())
    chunk = next(open_source(mac).chunks())
    assert chunk.frame["c0"].tolist() == ["张三", "李四"] and chunk.rows.tolist() == [2, 3]
    tall = tmp_path / "tall.csv"
    tall.write_bytes('标题\r\n"姓名\r\n(必填)",手机号码\r\n张三,"139\r\n1"\r\n李四,13912345679,多\r\n'.encode())
    source = open_source(tall)
    chunk = next(source.chunks())
    assert source.info.header_row == 2
    assert chunk.frame["c0"].tolist() == ["张三", "李四"] and chunk.rows.tolist() == [3, 4]
    assert source.info.ragged_rows == [4]


def test_a_file_where_every_other_row_is_ragged_reads_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("姓名,手机\n" + "".join(f"张{i},139{i:08d}{',x' if i % 2 else ''}\n" for i in range(100_000)),
                    encoding="utf-8")
    started = time.monotonic()
    numbers = [n for chunk in open_source(path).chunks(30_000) for n in chunk.rows.tolist()]
    assert numbers == list(range(2, 100_002))
    assert time.monotonic() - started < 20  # it took minutes when each ragged row shifted the others


REFERENCE = st.one_of(st.none(), st.tuples(st.integers(1, 60), st.integers(1, 300)))


@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 300)), st.lists(REFERENCE, max_size=6)),
                     max_size=12),
       block=st.integers(3, 200))
def test_the_scan_never_underestimates_the_grid_the_parser_builds(tmp_path_factory: pytest.TempPathFactory,
                                                                  rows: list[tuple[int | None, list[Any]]],
                                                                  block: int) -> None:
    from python_calamine import CalamineError, CalamineWorkbook

    from tests.reliability.hostile import sheet_xml, workbook

    body = b""
    for number, refs in rows:
        body += b"<row" + (b' r="%d"' % number if number else b"") + b">"
        for ref in refs:
            where = b' r="%s%d"' % (guard_letters(ref[0]), ref[1]) if ref else b""
            body += b'<c t="inlineStr"' + where + b"><is><t>x</t></is></c>"
        body += b"</row>"
    path = workbook(tmp_path_factory.mktemp("grid") / "g.xlsx", sheet_xml(body))
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S")
    except CalamineError:
        return
    scan = sheet_extent.GridScan()
    with zipfile.ZipFile(path) as archive:
        data = archive.read("xl/worksheets/sheet1.xml")
    for start in range(0, len(data), block):
        scan.feed(data[start:start + block])
    scan.finish()
    assert scan.cells() >= sheet.height * sheet.width


def guard_letters(number: int) -> bytes:
    letters = b""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = bytes([65 + rest]) + letters
    return letters


def test_one_import_at_a_time_in_a_result_folder_and_no_purge_under_it(tenant: Any, tmp_path: Path) -> None:
    from mktctl.base.lock import RunLock
    from mktctl.errors import LockedError

    path = write_csv(tmp_path / "l.csv", [person(1)])
    out = tmp_path / "out"
    import_leads(tenant, path, ImportOptions(), out)
    with RunLock(out, "import", "mktctl leads import"):
        with pytest.raises(LockedError, match="another mktctl run holds"):
            import_leads(tenant, path, ImportOptions(), out)
        with pytest.raises(LockedError, match="mktctl leads import"):
            purge(out)
    assert (out / "results.csv").exists()
    purge(out)
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]
