"""Reading files: formats, encodings, header detection, row numbers, and files that cannot be read."""

from __future__ import annotations

import codecs
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.errors import DataFileError, PlaybookError
from mktctl.leads.fields import recognise
from mktctl.leads.mapping import load_mapping_file, map_columns
from mktctl.leads.read import Source, open_source


def rows_of(path: Path | Source, **kwargs: object) -> tuple[list[list[str]], list[int]]:
    source = path if isinstance(path, Source) else open_source(path, **kwargs)  # type: ignore[arg-type]
    values: list[list[str]] = []
    numbers: list[int] = []
    for chunk in source.chunks(2):
        values.extend(chunk.frame.fillna("").values.tolist())
        numbers.extend(int(n) for n in chunk.rows)
    return values, numbers


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("姓名,公司,手机\n张三,示例科技,13912345670\n", encoding=encoding)
    source = open_source(path)
    assert source.info.headers == ["姓名", "公司", "手机"]
    values, numbers = rows_of(path)
    assert values == [["张三", "示例科技", "13912345670"]]
    assert numbers == [2]


def test_a_file_that_is_no_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(b"\x81\x30\xff\xfe\x00\x00garbage\x00\x01")
    with pytest.raises(DataFileError, match="neither UTF-8 nor GBK"):
        open_source(path)


@pytest.mark.parametrize(("content", "message"), [(None, "file not found"), (b"", "the file is empty")])
def test_missing_and_empty_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "leads.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataFileError, match=message) as caught:
        open_source(path)
    assert caught.value.file == str(path)


def test_a_damaged_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("nothing.txt", "not a workbook")
    with pytest.raises(DataFileError, match="cannot open the workbook"):
        open_source(path)


def test_title_rows_blank_lines_ragged_rows_and_multiline_cells_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("2023年展会线索,,\n姓名,手机,邮箱\n张三,13912345670,a@b.cn\n\n李四,139\n\"王\n五\",1,2\n赵六,1,2,3\n"
                    ",,\n钱七,9,9\n", encoding="utf-8")
    source = open_source(path)
    assert source.info.header_row == 2
    values, numbers = rows_of(source)
    assert numbers == [3, 4, 5, 6, 7, 8, 9]
    assert values[2] == ["李四", "139", ""]  # padded
    assert values[3][0] == "王\n五"
    assert values[4] == ["赵六", "1", "2"]  # cut
    assert source.info.ragged_rows == [5, 7]


def test_tab_and_semicolon_separated_files(tmp_path: Path) -> None:
    for separator in ("\t", ";"):
        path = tmp_path / "leads.txt"
        path.write_text(f"姓名{separator}手机\n张三{separator}13912345670\n", encoding="utf-8")
        assert rows_of(path)[0] == [["张三", "13912345670"]]


def test_xlsx_cells_are_read_as_excel_shows_them(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "leads.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "说明"
    sheet["A1"] = "这张表是说明"
    data = book.create_sheet("线索")
    data.append(["线索导入", None, None, None])
    data.append(["姓名", "手机号码", "创建时间", "邮编"])
    data.append(["张三", 13912345670, dt.datetime(2024, 5, 1, 10, 30), "010010"])
    data.append(["李四", 1.5, dt.date(2024, 5, 2), None])
    book.save(path)
    source = open_source(path)
    assert (source.info.sheet, source.info.header_row, source.info.sheets) == ("线索", 2, ["说明", "线索"])
    values, numbers = rows_of(path)
    assert values == [["张三", "13912345670", "2024-05-01 10:30:00", "010010"], ["李四", "1.5", "2024-05-02", ""]]
    assert numbers == [3, 4]


def test_an_unknown_sheet_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "leads.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "线索表"
    book.save(path)
    with pytest.raises(DataFileError, match="no sheet named '线索'") as caught:
        open_source(path, sheet="线索")
    assert "线索表" in (caught.value.hint or "")


def test_an_xlsx_named_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "leads.csv"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机"])
    book.active.append(["张三", "13912345670"])
    book.save(path)
    assert open_source(path).info.format == "xlsx"


@pytest.mark.parametrize(("header", "field"), [
    ("姓名", "name"), ("联系人", "name"), ("Name", "name"), ("公司", "company"), ("企业名称", "company"),
    ("Company Name", "company"), ("手机", "mobile"), ("手机号", "mobile"), ("手机号码(必填)", "mobile"),
    ("手机2", "mobile"), ("客户手机", "mobile"), ("Mobile Phone", "mobile"), ("电话", "tel"), ("座机", "tel"),
    ("邮箱", "email"), ("电子邮件", "email"), ("E-Mail", "email"), ("Work Email", "email"), ("省份", "province"),
    ("省", "province"), ("城市", "city"), ("市", "city"), ("线索来源", "source"), ("来源", "source"),
    ("行业", "industry"), ("职位", "job_title"), ("创建时间", "create_time"), ("备注", "remark"),
    ("联系方式", "contact"), ("姓名*", "name"), ("　公司名称　", "company"),
])
def test_headers_in_chinese_or_english(header: str, field: str) -> None:
    assert recognise(header) == field


@pytest.mark.parametrize("header", ["序号", "公司地址", "内部编号", "", "ID"])
def test_other_headers_are_not_guessed(header: str) -> None:
    assert recognise(header) is None


def test_mapping_says_what_it_mapped_and_ignored(tmp_path: Path) -> None:
    mapping_file = tmp_path / "map.yaml"
    mapping_file.write_text("columns:\n  客户名称: company\n  序号: ignore\n  联系电话2: mobile\n", encoding="utf-8")
    mapping = load_mapping_file(mapping_file)
    columns = map_columns(["序号", "姓名", "客户名称", "手机", "联系电话2", "公司地址", ""], mapping)
    described = columns.describe()
    assert described["mapped"] == {"name": ["姓名"], "company": ["客户名称"], "mobile": ["手机", "联系电话2"]}
    assert described["ignored"] == [{"header": "序号", "why": "mapping file: ignore"},
                                    {"header": "公司地址", "why": "not recognised"}]


def test_mapping_file_mistakes_are_reported_together_with_positions(tmp_path: Path) -> None:
    mapping_file = tmp_path / "map.yaml"
    mapping_file.write_text("colums: {}\ncolumns:\n  客户名称: compnay\n  手机: mobil\n", encoding="utf-8")
    with pytest.raises(PlaybookError) as caught:
        load_mapping_file(mapping_file)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 3
    assert messages[0].startswith(f"{mapping_file}:1:1") and "did you mean 'columns'" in messages[0]
    assert f"{mapping_file}:3:" in messages[1] and "unknown field 'compnay'" in messages[1] and "company" in messages[1]
    assert f"{mapping_file}:4:" in messages[2] and "'mobile'" in messages[2]


def test_mapping_a_header_the_file_lacks_is_an_error(tmp_path: Path) -> None:
    mapping_file = tmp_path / "map.yaml"
    mapping_file.write_text("columns:\n  客户名: company\n", encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"the file has no column '客户名'.*did you mean '客户名称'"):
        map_columns(["姓名", "客户名称"], load_mapping_file(mapping_file))


@settings(max_examples=1_000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from([b"a", b"\n", "中".encode(), "é".encode(), "😀".encode(), b"\x80", b"\xc3",
                                        b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\x00",
                                        codecs.BOM_UTF8]), max_size=12))
def test_utf8_is_recognised_exactly_as_python_decodes_it_across_block_ends(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: list[bytes]) -> None:
    """Arrow's validator checks the file block by block: a character cut by a block's end, a surrogate, an
    overlong form, a code point past U+10FFFF and a NUL are judged as Python's strict decoder judges them."""
    from mktctl.leads import read

    monkeypatch.setattr(read, "_VALIDATE_BLOCK", 5)
    data = b"".join(pieces)
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    try:
        expected = "\x00" not in data.decode("utf-8")
    except UnicodeDecodeError:
        expected = False
    assert read._decodes(path, "utf-8") is expected
