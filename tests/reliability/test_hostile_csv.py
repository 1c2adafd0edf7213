"""A CSV file accounts for every row, or says which line breaks it.

The probe that found the gap: a quote opened early in a file of 1,002 rows and never closed; every CSV
parser then reads the rest of the file as that one cell, and ``leads check`` exited 0 with ``input: 1``.
The lead reader is the one reader of CSV files (lead files, an ambiguities file saved as CSV, the exports
``mktctl migrate`` reads, the events of ``mktctl simulate``, whose faster parser reads only what the lead reader
opened); it now walks the quotes first (``mktctl.leads.quotes``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.errors import DataFileError
from mktctl.leads.quotes import MAX_CELL_LINE_BREAKS, check_quotes
from mktctl.leads.read import open_source
from tests.reliability.support import base_env, record_figures, run

HEADER = "姓名,手机号码,邮箱,公司名称"


def rows(count: int, start: int = 0) -> list[str]:
    return [f"张{i},139{i:08d},p{i}@corp.cn,公司{i}" for i in range(start, start + count)]


def write(folder: Path, lines: list[str], *, name: str = "leads.csv", newline: str = "\n",
          encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def refusal(path: Path) -> str:
    with pytest.raises(DataFileError) as caught:
        for _ in open_source(path).chunks(500):
            pass
    assert caught.value.file == str(path)
    return str(caught.value)


def read_rows(path: Path) -> list[int]:
    return [n for chunk in open_source(path).chunks(500) for n in chunk.rows.tolist()]


# ---- the probe, end to end -----------------------------------------------------------------------------


def test_leads_check_refuses_a_file_whose_quote_is_never_closed_naming_its_line(tmp_path: Path) -> None:
    lines = [HEADER, *rows(1_002)]
    lines[4] = '"张3 没有闭合的引号,13900000003,p3@corp.cn,公司3'
    path = write(tmp_path, lines)
    done = run(["leads", "check", path.name, "--out", "out"], tmp_path, base_env(tmp_path))

    assert done.code == 1, done.output
    assert done.stderr.startswith(f"error: {path.name}: line 5: a quote opens a cell here and is never closed"), \
        done.stderr
    assert "Traceback" not in done.output and not (tmp_path / "out" / "summary.json").exists()
    record_figures("hostile csv", {"input": "a quote never closed in line 5 of 1,003", "bytes": path.stat().st_size,
                                   "seconds": round(done.seconds, 2), "exit": done.code,
                                   "message": done.stderr.splitlines()[0][:160]})


def test_the_same_file_with_the_quote_closed_accounts_for_every_row(tmp_path: Path) -> None:
    lines = [HEADER, *rows(1_002)]
    lines[4] = '"张3, 第二行\n第三行",13900000003,p3@corp.cn,公司3'  # a cell of three lines, as Alt+Enter writes
    path = write(tmp_path, lines)
    done = run(["leads", "check", path.name, "--out", "out"], tmp_path, base_env(tmp_path))

    assert done.code == 0, done.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["input"] == 1_002


def test_a_migration_export_with_a_quote_never_closed_is_refused_naming_its_line(tmp_path: Path) -> None:
    from mktctl.migrate.exports import read_entity
    from mktctl.migrate.mapfile import preset_map

    lines = ["first_name,email,phone", *(f"p{i},p{i}@corp.cn,139{i:08d}" for i in range(500))]
    lines[9] = '"p8 没有闭合,p8@corp.cn,13900000008'
    path = write(tmp_path, lines, name="people.csv")
    with pytest.raises(DataFileError) as caught:
        read_entity(path, "people", preset_map(None))
    assert str(caught.value).startswith(f"{path}: line 10: a quote opens a cell here and is never closed")


def test_simulates_events_file_with_a_quote_never_closed_is_refused_naming_its_line(tmp_path: Path) -> None:
    from mktctl.rules.history import read_events

    lines = ["手机号,行为时间,行为", *(f"139{i:08d},2026-01-0{1 + i % 9} 10:00,打开邮件" for i in range(300))]
    lines[3] = '"13900000002,2026-01-03 10:00,打开邮件'
    path = write(tmp_path, lines, name="events.csv")
    with pytest.raises(DataFileError) as caught:
        read_events(path)
    assert str(caught.value).startswith(f"{path}: line 4: a quote opens a cell here and is never closed")


# ---- each way a quote breaks a file --------------------------------------------------------------------


def test_a_stray_quote_closed_by_another_further_down_is_refused_where_it_opened(tmp_path: Path) -> None:
    lines = [HEADER, *rows(300)]
    lines[3] = '"张2,13900000002,p2@corp.cn,公司2'  # opened on line 4 ...
    lines[250] = '张249,13900000249,p249@corp.cn,"北京, 朝阳"'  # ... and closed by the quote that opens this cell
    message = refusal(write(tmp_path, lines))
    assert "line 4: the quoted cell that starts here is closed on line 251 by a quote followed by '北京, 朝阳" \
        in message


def test_a_quote_after_a_closing_quote_is_refused_on_its_line(tmp_path: Path) -> None:
    lines = [HEADER, *rows(5)]
    lines[2] = '"张"三,13900000001,p1@corp.cn,公司1'
    assert 'line 3: the quoted cell that starts here is closed on the same line by a quote followed by \'三,' \
           in refusal(write(tmp_path, lines))


def test_a_cell_over_the_line_breaks_a_spreadsheet_keeps_is_refused(tmp_path: Path) -> None:
    body = "\n".join(f"第{i}行" for i in range(MAX_CELL_LINE_BREAKS + 2))
    lines = [HEADER, *rows(2), f'张,139,"{body}",公司', *rows(2, 10)]
    message = refusal(write(tmp_path, lines))
    assert f"line 4: the quoted cell that starts here runs over {MAX_CELL_LINE_BREAKS + 1} line breaks, to line " \
           f"{4 + MAX_CELL_LINE_BREAKS + 1}" in message
    ok = "\n".join(f"第{i}行" for i in range(MAX_CELL_LINE_BREAKS + 1))
    fine = write(tmp_path, [HEADER, *rows(2), f'张,139,"{ok}",公司', *rows(2, 10)], name="fine.csv")
    assert read_rows(fine) == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(("newline", "encoding", "delimiter"), [("\r\n", "utf-8", ","), ("\r", "utf-8", ","),
                                                                 ("\n", "gb18030", ","), ("\r\n", "utf-16", "\t"),
                                                                 ("\n", "utf-8-sig", ";")])
def test_lines_are_counted_in_every_encoding_delimiter_and_line_ending(tmp_path: Path, newline: str, encoding: str,
                                                                       delimiter: str) -> None:
    lines = [line.replace(",", delimiter) for line in [HEADER, *rows(40)]]
    lines[7] = '"' + lines[7]
    path = write(tmp_path, lines, newline=newline, encoding=encoding)
    assert f"{path}: line 8: a quote opens a cell here and is never closed, so the rest of the file (34 lines)" \
           in refusal(path)


def test_quotes_inside_unquoted_cells_and_doubled_quotes_are_text(tmp_path: Path) -> None:
    lines = [HEADER, '张三,13900000001,a@corp.cn,27" 显示器公司', '"李""四",13900000002,b@corp.cn,"公司, ""总部"""',
             '王五,13900000003,c@corp.cn,""']
    source = open_source(write(tmp_path, lines))
    chunk = next(source.chunks())
    assert chunk.frame["c0"].tolist() == ["张三", '李"四', "王五"]
    assert chunk.frame["c3"].tolist() == ['27" 显示器公司', '公司, "总部"', ""]


def test_the_walk_is_linear_in_a_file_where_every_cell_is_quoted(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(",".join(f'"{h}"' for h in HEADER.split(",")) + "\n")
        for i in range(100_000):
            stream.write(f'"张{i}","139{i:08d}","p{i}@corp.cn","公司, 第{i}号"\n')
    started = time.process_time()
    check_quotes(path, "utf-8", ",")
    assert time.process_time() - started < 20  # a ceiling for a quadratic walk, not a speed test (0.3 s)


# ---- against Python's csv module -----------------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from(list('ab,"\n\r ')), max_size=60)


@settings(max_examples=1_000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_the_walk_refuses_exactly_what_a_strict_csv_parser_refuses(tmp_path: Path, text: str) -> None:
    """Python's csv module in strict mode refuses a quoted cell left open and a closing quote followed by
    anything but the delimiter or a line's end; a quote inside an unquoted cell is text for both."""
    try:
        list(csv.reader(io.StringIO(text, newline=""), strict=True))
        strict = None
    except csv.Error as error:
        strict = str(error)
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    try:
        check_quotes(path, "utf-8", ",")
        walked = None
    except DataFileError as error:
        walked = str(error)
    assert (strict is None) == (walked is None), (text, strict, walked)


# ---- the walk over bytes ---------------------------------------------------------------------------------

MIXED = st.text(alphabet=st.sampled_from(list('a,"\n\r 中€')), max_size=50)


@settings(max_examples=1_000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=MIXED, block=st.integers(1, 8), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_walking_the_bytes_refuses_what_walking_the_text_refuses_on_the_same_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, block: int, encoding: str) -> None:
    """In UTF-8 and GB18030 the walk goes over the bytes (when the first block has a line feed; else as text)
    and decodes only the blocks that hold a quote. Blocks of a few bytes put block ends everywhere: at a BOM,
    inside lines, between a carriage return and a line feed; line feeds and lone carriage returns mix. (The
    text that follows a misplaced closing quote is quoted up to the end of its block: a block of text ends at
    any line's end, one of bytes only at a line feed.)"""
    from mktctl.leads import quotes

    monkeypatch.setattr(quotes, "_BLOCK_CHARS", block)
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))

    def refused(as_text: bool) -> str | None:
        with monkeypatch.context() as patched:
            if as_text:
                patched.setattr(quotes, "_ASCII_COMPATIBLE", ())  # the walk over text, for every encoding
            try:
                check_quotes(path, encoding, ",")
            except DataFileError as error:
                return re.sub(r"followed by .*, not by", "followed by ..., not by", str(error), flags=re.DOTALL)
        return None

    assert refused(as_text=False) == refused(as_text=True)


def test_an_old_mac_file_with_a_line_feed_far_down_is_still_walked_by_its_carriage_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of carriage-return lines whose first line feed, inside a quoted cell, comes after the first
    block: a stray quote further down still swallows rows, and is refused at its line."""
    from mktctl.leads import quotes

    monkeypatch.setattr(quotes, "_BLOCK_CHARS", 64)
    lines = [HEADER, *rows(30), 'x,139,"a\nb",c', *rows(3, 30), '张,139,"stray,c', *rows(400, 40)]
    message = refusal(write(tmp_path, lines, newline="\r"))
    assert "line 36: a quote opens a cell here and is never closed, so the rest of the file (401 lines)" in message
