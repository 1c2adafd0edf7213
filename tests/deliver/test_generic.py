"""Workbooks are generic over the kind registry: every kind's example, and a kind with every shape of field,
come back from a workbook exactly."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from mktctl.deliver import layout
from mktctl.deliver.workbook_export import Content, write_workbook
from mktctl.deliver.workbook_import import decode, import_workbook
from mktctl.deliver.workbook_read import read_workbook
from mktctl.kinds import registry
from mktctl.kinds.base import Kind, Spec
from mktctl.playbook.load import load_playbook
from tests.deliver.conftest import GENERATOR, NOW


def write(content: Content, out: Path, lang: str = "zh-CN") -> Path:
    write_workbook(content, out, lang=lang, generated_at=NOW, generator=GENERATOR, survey=None)
    return out


@pytest.mark.parametrize("kind", [k for k in registry.KINDS if layout.example_specs(k)], ids=lambda k: k.name)
def test_each_kinds_example_survives_a_workbook(kind: Kind, tmp_path: Path) -> None:
    specs = layout.example_specs(kind)
    content = Content(name="t", language="zh-CN", items={kind.name: [s.model_dump(mode="json") for s in specs]},
                      specs={kind.name: specs})
    decoded = decode(read_workbook(write(content, tmp_path / "one.xlsx")))
    # problems here can only be about other kinds (references, cross-checks): the items themselves must be back
    back = [item.spec.model_dump(mode="json") for item in decoded.items[kind.name]]
    assert back == [s.model_dump(mode="json") for s in specs]


class Level(str, enum.Enum):
    low = "low"
    high = "high"


class Step(BaseModel):
    model_config = {"extra": "forbid"}
    action: Literal["email", "sms", "wait"]
    days: int = 0
    template: str | None = None


class Exotic(Spec):
    name: str = Field(description="名称: the key")
    level: Level = Field(Level.low, description="级别: a picklist")
    channel: Literal["email", "sms"] | None = Field(None, description="渠道")
    points: int = Field(0, ge=0)
    weight: float = 1.5
    enabled: bool = True
    keywords: list[str] = Field(default_factory=list)
    days: list[int] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    note: str = Field("default note", description="备注")


class ExoticKind(Kind):
    name = "exotic_things"
    title = "测试项"
    summary = "A kind with every shape of field"
    guide = "2.7.9"
    model = Exotic


class Singular(Spec):
    mode: Literal["one", "two"] = "one"
    limit: int | None = None
    tags: list[str] = Field(default_factory=list)


class SingularKind(Kind):
    name = "singular_setting"
    title = "单项设置"
    summary = "A singleton"
    guide = "9.1"
    model = Singular
    singleton = True


@pytest.fixture
def exotic_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "KINDS", [*registry.KINDS, ExoticKind(), SingularKind()])


def test_every_shape_of_field_survives_a_fresh_import(exotic_registry: None, tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    folder.mkdir()
    (folder / "mktctl.yaml").write_text("""version: 1
name: exotic
language: en
exotic_things:
  - name: plain
  - name: "=SUM(1,2)"
    level: high
    channel: sms
    points: 7
    weight: 0.30000000000000004
    enabled: false
    keywords: ["a, b", " padded ", "中文", ""]
    days: [1, 3, 7]
    steps: [{action: email, template: welcome}, {action: wait, days: 3}, {action: sms}]
    extra: {nested: {deep: [1, "2", null, true]}, "key with space": "$${not a var}"}
    note: ""
  - name: nulls
    note: "null"
    keywords: [x]
singular_setting:
  mode: two
  limit: 0
  tags: [t1]
""", encoding="utf-8")
    original, _warnings = load_playbook(folder)
    for lang in ("zh-CN", "en"):
        from mktctl.deliver.workbook_export import export_playbook

        book = tmp_path / f"exotic-{lang}.xlsx"
        export_playbook(original, book, lang=lang, generated_at=NOW, generator=GENERATOR)
        result = import_workbook(book, tmp_path / f"copy-{lang}", note="test")
        copy, _warnings = load_playbook(tmp_path / f"copy-{lang}")
        assert copy.digest() == original.digest(), lang
        assert result.resources == len(original.resources)
        assert import_workbook(book, folder, note="test").unchanged


def test_a_singleton_with_two_rows_is_an_error(exotic_registry: None, tmp_path: Path) -> None:
    import openpyxl

    from mktctl.deliver.workbook_import import WorkbookError

    content = Content(name="t", language="en", items={"singular_setting": [{"mode": "two", "limit": None,
                                                                            "tags": []}]})
    book = write(content, tmp_path / "s.xlsx", "en")
    workbook = openpyxl.load_workbook(book)
    ws = workbook["Other 9.1"]
    code = next(c for row in ws.iter_rows() for c in row if c.value == "singular_setting.mode")
    ws.cell(code.row + 3, code.column).value = "one"
    workbook.save(book)
    with pytest.raises(WorkbookError, match=r"Other 9.1!A5: singular_setting is one setting: fill in one row only"):
        import_workbook(book, tmp_path / "new", note="test")
