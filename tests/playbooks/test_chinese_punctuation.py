"""Chinese text for a client uses Chinese punctuation: ``必填字段：姓名、手机``, ``张伟（M001）``, ``是否已开通？``;
never an ASCII comma, semicolon, colon, question mark or bracket beside a Chinese character.

Checked in everything a client receives from every ready playbook said in Chinese (``language: zh-CN``):
the manual steps (Markdown and the HTML sheet), the steps workbook, the configuration workbook and the
requirements survey (every text cell and the notes on the headers), the checklist and the delivery report
(before and after ``mktctl test``), and the summary workbook and page of ``mktctl simulate``; and at their
source, in every wording table of mktctl. A finding names the file, the place (``sheet!A1``, a note's line,
a line of a text) and the text.

Data keeps its own spelling and is left out of the check:

* the tenant's own data (:func:`~tests.playbooks.client_texts.tenant_texts`: names, texts the client wrote,
  its options), the examples of the kinds, and tags as ``组:值`` (:func:`~tests.playbooks.client_files.sample_texts`);
* structured data: a cell, or a labelled value in a note, that starts with ``[`` or ``{`` (JSON or YAML);
* code spans, written as they are (a failed check of ``mktctl test`` as the test command says it).

A header note's first line is checked like the rest: the field's name in playbook YAML, then what the field
means in Chinese (``recycle_after_hours：已领取或已分配的线索超过该小时数未跟进，自动退回线索池``).

Numbers (``1,000``), times (``09:00``), addresses and menu paths (``管理后台 > 角色权限``, ``查看/新建``) need no
exception: their ASCII punctuation touches no Chinese character, or is not among the marks checked.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest

import mktctl.deliver
import mktctl.kinds
from mktctl.base.language import Phrase
from mktctl.deliver.i18n import GLOSSARY
from mktctl.kinds.registry import KINDS
from tests.playbooks import client_files
from tests.playbooks.client_files import LABELLED_STRUCTURED, Places, lines_of, sample_texts
from tests.playbooks.client_texts import READY, client_texts, data_pattern, kind_models, loaded, tenant_texts

_CHINESE = r"[\u3400-\u9fff\uf900-\ufaff]"
ASCII_PUNCTUATION = re.compile(rf"{_CHINESE}\s*[,;:?()]|[,;:?()]\s*{_CHINESE}")
_CODE = re.compile(r"`[^`\n]*`")


def ascii_punctuation(places: Places, data: frozenset[str]) -> list[str]:
    """Each place of ``places`` where ASCII punctuation touches a Chinese character outside data, as
    ``place: 'mark' in: text``."""
    found = []
    for place, text in places:
        if text.lstrip().startswith(("[", "{")):
            continue
        for line in html.unescape(text).splitlines():
            spared = [m.span() for pattern in (data_pattern(data), _CODE, LABELLED_STRUCTURED)
                      for m in pattern.finditer(line)]
            for match in ASCII_PUNCTUATION.finditer(line):
                if not any(start <= match.start() and match.end() <= end for start, end in spared):
                    found.append(f"{place}: {match.group()!r} in: {line.strip()}")
                    break
    return found


def data_of(name: str | None) -> frozenset[str]:
    """What is data in the documents of ready playbook ``name`` (None: of no playbook, as in the survey)."""
    if name is None:
        return sample_texts(None)
    return tenant_texts(loaded(name)) | sample_texts(loaded(name))


def assert_chinese_punctuation(name: str | None, documents: dict[str, Places]) -> None:
    data = data_of(name)
    found = [f"{name or ''} {document} {finding}" for document, places in documents.items()
             for finding in ascii_punctuation(places, data)]
    assert found == [], "\n".join(found[:30])


@pytest.mark.parametrize("name", READY)
def test_the_steps_checklist_and_report_in_chinese_use_chinese_punctuation(name) -> None:
    documents = {document: lines_of(text) for document, text in client_texts(name, "zh-CN").items()}

    assert_chinese_punctuation(name, documents)


@pytest.mark.parametrize("name", READY)
def test_every_cell_and_note_of_a_chinese_configuration_workbook_uses_chinese_punctuation(name) -> None:
    places = client_files.configuration_workbook(name)

    assert any("、" in text for _place, text in places)  # its lists, as a Chinese reader writes them
    assert_chinese_punctuation(name, {f"{name}.xlsx": places})


def test_every_cell_and_note_of_the_chinese_survey_uses_chinese_punctuation() -> None:
    places = client_files.survey()

    assert ("组织与角色!A4", "1. 组织架构：有哪些部门，上下级关系如何？") in places
    assert_chinese_punctuation(None, {"survey.xlsx": places})


@pytest.mark.parametrize("name", READY)
def test_the_chinese_steps_workbook_uses_chinese_punctuation(name) -> None:
    assert_chinese_punctuation(name, {"steps.xlsx": client_files.steps_workbook(name)})


@pytest.mark.parametrize("name", READY)
def test_the_report_and_checklist_with_the_test_results_use_chinese_punctuation(name, tmp_path) -> None:
    documents = client_files.tested_documents(name, tmp_path / name)

    assert any("全部通过" in text for _place, text in documents["report.md"])
    assert_chinese_punctuation(name, documents)


def test_the_chinese_simulation_summary_and_page_use_chinese_punctuation(tmp_path) -> None:
    name = "flagship"  # its history fills every section: grades, pools, tags, segments, flows, attribution

    assert_chinese_punctuation(name, client_files.simulation_documents(name, tmp_path))


@pytest.mark.parametrize("name", [name for name in READY if loaded(name).language == "zh-CN"])
def test_the_chinese_sample_data_of_a_ready_playbook_uses_chinese_punctuation(name) -> None:
    tags = re.compile(r"^[^\s:]+:[^\s:]+$")  # a tag as a playbook writes it, 组:值: syntax, not text
    texts = [text for text in tenant_texts(loaded(name)) if not tags.match(text)]

    assert [text for text in texts if ASCII_PUNCTUATION.search(text)] == []


# ---- at the source ---------------------------------------------------------------------------------------


def chinese_words(value: Any, depth: int = 0) -> Iterator[str]:
    """The Chinese side of the wording in ``value``: a :class:`Phrase`'s ``zh``, the first of a ``(zh, en)``
    pair, found inside dicts, lists and tuples."""
    if depth > 4:
        return
    if isinstance(value, Phrase):
        yield value.zh
    elif isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        yield value[0]
    elif isinstance(value, dict):
        for item in value.values():
            yield from chinese_words(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from chinese_words(item, depth + 1)


def wording_tables() -> Iterator[tuple[str, str]]:
    """(where, Chinese text) of every wording of mktctl.deliver and mktctl.kinds: module-level tables and
    phrases, the phrases of each kind, the Chinese names of fields and what each field means in Chinese."""
    for package in (mktctl.deliver, mktctl.kinds):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for attribute, value in vars(module).items():
                if not attribute.startswith("__"):
                    yield from ((f"{module.__name__}.{attribute}", text) for text in chinese_words(value))
    for kind in KINDS:
        for owner in type(kind).__mro__:
            for attribute, value in vars(owner).items():
                yield from ((f"kind {kind.name}: {attribute}", text) for text in chinese_words(value))
    yield from ((f"mktctl.deliver.i18n.GLOSSARY[{field!r}]", label) for field, label in GLOSSARY.items())
    for model in kind_models():
        yield from ((f"{model.__module__}.{model.__qualname__}.descriptions_zh[{field!r}]", text)
                    for field, text in getattr(model, "descriptions_zh", {}).items())


def test_the_chinese_words_of_every_wording_table_use_chinese_punctuation() -> None:
    tables = list(wording_tables())

    found = [f"{where}: {text!r}" for where, text in tables if ASCII_PUNCTUATION.search(text)]

    assert len(tables) > 500  # the tables were found: the report's, the workbook's, the survey's, the kinds'
    assert found == [], "\n".join(found)


def test_the_check_finds_ascii_punctuation_beside_chinese_and_spares_data() -> None:
    tenant = frozenset({"城市客户沙龙, 30-80 人", "地区:华南地区"})

    def check(*texts: str) -> list[str]:
        return ascii_punctuation([(f"说明!A{row}", text) for row, text in enumerate(texts, start=1)], tenant)

    assert check("必填字段: 姓名、手机", "确认人: ______", "官网, 百度推广", "是否已开通?", "线索 (人)") == [
        "说明!A1: '段:' in: 必填字段: 姓名、手机", "说明!A2: '人:' in: 确认人: ______",
        "说明!A3: '网,' in: 官网, 百度推广", "说明!A4: '通?' in: 是否已开通?", "说明!A5: '索 (' in: 线索 (人)"]
    assert check("说明：城市客户沙龙, 30-80 人", "标签：地区:华南地区", '[{"tag": "地区:华东地区"}]',
                 '示例：{"name": "示例科技", "tags": ["用户来源:官网"]}', "`王芳 day 3: 评分 want 25`",
                 "共 1,000 人，09:00 开始", "管理后台 > 角色权限 > 查看/新建") == []
    assert ascii_punctuation([("A1 note, line 1", "name：员工的姓名"), ("A2 note, line 1", "name: 员工的姓名"),
                              ("A2 note, line 2", "类型: 文本")], tenant) == [
        "A2 note, line 1: ': 员' in: name: 员工的姓名", "A2 note, line 2: '型:' in: 类型: 文本"]


def test_a_finding_names_the_file_and_the_place() -> None:
    with pytest.raises(AssertionError) as failed:
        assert_chinese_punctuation(None, {"survey.xlsx": [("组织与角色!A4", "1. 组织架构: 有哪些部门?")]})

    assert " survey.xlsx 组织与角色!A4: '构:' in: 1. 组织架构: 有哪些部门?" in str(failed.value)
