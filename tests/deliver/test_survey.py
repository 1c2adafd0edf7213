"""The requirements survey: questions per guide section, read back into a first playbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from mktctl.deliver.survey import QUESTIONS, write_survey
from mktctl.deliver.workbook_import import import_workbook
from mktctl.playbook.load import load_playbook
from tests.deliver.conftest import GENERATOR, NOW


def survey(tmp_path: Path, lang: str = "zh-CN") -> Path:
    out = tmp_path / f"survey-{lang}.xlsx"
    write_survey(out, lang=lang, name="客户甲", generated_at=NOW, generator=GENERATOR)
    return out


@pytest.mark.parametrize(("lang", "sheet", "question"), [
    ("zh-CN", "组织与角色", "组织架构：有哪些部门，上下级关系如何？"),
    ("en", "Channels", "Which ad platforms are used"),
])
def test_one_sheet_per_guide_section_with_its_questions(tmp_path: Path, lang: str, sheet: str, question: str) -> None:
    book = openpyxl.load_workbook(survey(tmp_path, lang))
    assert len([s for s in book.sheetnames if not s.startswith("_")]) >= len(QUESTIONS) + 1
    texts = [c.value for row in book[sheet].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(question in text for text in texts)


def test_an_empty_survey_gives_a_playbook_with_only_its_name(tmp_path: Path) -> None:
    result = import_workbook(survey(tmp_path), tmp_path / "first", note="test")
    playbook, _warnings = load_playbook(tmp_path / "first")
    assert result.created and result.survey
    assert playbook.name == "客户甲" and playbook.resources == []


def test_a_filled_in_survey_becomes_a_first_playbook(tmp_path: Path) -> None:
    book_path = survey(tmp_path)
    book = openpyxl.load_workbook(book_path)
    ws = book["组织与角色"]
    codes = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "." in c.value}

    def put(code: str, offset: int, value: str) -> None:
        cell = codes[code]
        ws.cell(cell.row + 2 + offset, cell.column).value = value

    put("departments.name", 0, "市场部")
    put("departments.name", 1, "华南组")
    put("departments.parent", 1, "市场部")
    put("users.employee_number", 0, "0007")
    put("users.name", 0, "周七")
    put("users.mobile", 0, "139 0000 0007")
    put("users.department", 0, "华南组")
    put("roles.name", 0, "市场经理")
    put("roles.data_scope", 0, "本部门")
    matrix = book["角色权限"]
    matrix["C3"] = "市场经理"
    matrix["C4"] = "查看, 新建"
    book.save(book_path)
    import_workbook(book_path, tmp_path / "first", note="test")
    playbook, _warnings = load_playbook(tmp_path / "first")
    assert [r.address for r in playbook.resources] == ["departments/市场部", "departments/华南组", "users/0007",
                                                        "roles/市场经理"]
    user = playbook.find("users", "0007")
    assert user is not None and user.spec.mobile == "13900000007"  # type: ignore[attr-defined]
    role = playbook.find("roles", "市场经理")
    assert role is not None and role.spec.permissions == {"leads": ["view", "create"]}  # type: ignore[attr-defined]
    assert role.spec.data_scope == "department"  # type: ignore[attr-defined]
    text = (tmp_path / "first" / "organisation.yaml").read_text(encoding="utf-8")
    assert "children:" in text and "employee_number: '0007'" in text


def test_a_survey_into_an_existing_playbook_leaves_unanswered_sections_alone(playbook_dir: Path,
                                                                             tmp_path: Path) -> None:
    before = (playbook_dir / "organisation.yaml").read_text(encoding="utf-8")
    result = import_workbook(survey(tmp_path), playbook_dir, note="test")
    assert result.unchanged or all(p.name == "mktctl.yaml" for p, *_ in result.files)
    assert (playbook_dir / "organisation.yaml").read_text(encoding="utf-8") == before
