"""Cells and values: every value a field can hold comes back from its cell exactly."""

from __future__ import annotations

import enum
from typing import Literal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from mktctl.deliver.fields import MISSING, CellError, cell_text, columns_of, from_cell, shape_of, to_cell
from mktctl.leads.cells import is_formula_like


class Colour(str, enum.Enum):
    red = "red"
    green = "green"


class Model(BaseModel):
    name: str = Field(description="名称: the key")
    note: str = Field("", description="备注")
    title: str | None = Field("boss", description="a title with a non-empty default")
    count: int = 0
    ratio: float | None = None
    active: bool = True
    colour: Colour = Colour.red
    mode: Literal["a", "b"] = "a"
    tags: list[str] = Field(default_factory=list)
    numbers: list[int] = Field(default_factory=list)
    modes: list[Literal["a", "b"]] = Field(default_factory=list)
    mapping: dict[str, list[str]] = Field(default_factory=dict)
    either: int | str = 0


def column(name: str):  # type: ignore[no-untyped-def]
    return next(c for c in columns_of(Model, key_field="name") if c.name == name)


def roundtrip(name: str, value: object, lang: str = "zh-CN") -> object:
    cell = to_cell(column(name), value, lang)
    text = cell_text(cell)
    return from_cell(column(name), text)


def test_shapes_come_from_annotations() -> None:
    assert shape_of(str).kind == "text"
    assert shape_of(int | None).kind == "int" and shape_of(int | None).nullable
    assert shape_of(Colour).options == ("red", "green")
    assert shape_of(list[Literal["a", "b"]]).item.options == ("a", "b")  # type: ignore[union-attr]
    assert shape_of(dict[str, int]).kind == "json"
    assert shape_of(int | str).kind == "json"


@pytest.mark.parametrize(("name", "value"), [
    ("name", "市场部"), ("name", "  spaces kept  "), ("name", "a, b; c"), ("name", "=HYPERLINK(\"x\")"),
    ("name", '""'), ("name", "null"), ("note", ""), ("note", "line\nbreak"), ("title", None), ("title", ""),
    ("count", 0), ("count", -7), ("count", 2**60), ("ratio", 0.1), ("ratio", 0.30000000000000004), ("ratio", None),
    ("active", True), ("active", False), ("colour", "green"), ("mode", "b"), ("tags", []), ("tags", ["x", "y"]),
    ("tags", ["with, comma", " padded "]), ("tags", [""]), ("numbers", [1, 20, 300]), ("modes", ["b", "a"]),
    ("mapping", {"leads": ["view"], "多": []}), ("either", 5), ("either", "5"),
])
def test_a_value_survives_its_cell(name: str, value: object) -> None:
    back = roundtrip(name, value)
    default = column(name).default
    assert back == value or (back is MISSING and default == value and type(default) is type(value))


@given(st.lists(st.text(min_size=0, max_size=12), max_size=5))
@example(["null"])  # once written as a cell that read back as no list
def test_any_list_of_text_survives(values: list[str]) -> None:
    back = roundtrip("tags", values)
    assert back == values or (back is MISSING and values == [])


@given(st.text(max_size=30).filter(lambda s: s.strip() != ""))
def test_any_text_survives(value: str) -> None:
    assert roundtrip("name", value) == value


def test_booleans_and_choices_accept_both_languages() -> None:
    assert from_cell(column("active"), "否") is False
    assert from_cell(column("active"), "Yes") is True
    assert from_cell(column("colour"), "GREEN") == "green"
    with pytest.raises(CellError, match=r"unknown value 'gren'; did you mean 'green'\?"):
        from_cell(column("colour"), "gren")
    with pytest.raises(CellError, match="expected a whole number, not 'many'"):
        from_cell(column("count"), "many")


def test_picklist_labels_are_shown_in_chinese_and_read_back() -> None:
    labelled = columns_of(Model, labels={"colour": {"red": "红", "green": "绿"}})
    colour = next(c for c in labelled if c.name == "colour")
    assert to_cell(colour, "green", "zh-CN") == "绿"
    assert to_cell(colour, "green", "en") == "green"
    assert from_cell(colour, "绿") == "green"


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil\",\"x\")", "=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(1)",
                                  "\tx", "\rx"])
def test_formula_like_text_is_recognised(text: str) -> None:
    assert is_formula_like(text)
    assert not is_formula_like("市场部")
