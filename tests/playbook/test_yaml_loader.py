"""The YAML loader: a position for every value, standard types only, bounded work on hostile input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktctl.base.yamlload import load_yaml_file, load_yaml_text
from mktctl.errors import Mark, PlaybookError

# YAML allows only printable characters in a stream (no C0/C1 controls, surrogates, private use)
PRINTABLE = st.characters(max_codepoint=0xFFFF, exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf"))


def test_every_value_and_key_has_its_line_and_column() -> None:
    document = load_yaml_text("users:\n  - name: 张三\n    mobile: '139'\n", "p.yaml")

    assert document.data == {"users": [{"name": "张三", "mobile": "139"}]}
    assert document.marks[("users", 0, "name")] == Mark("p.yaml", 2, 11)
    assert document.key_marks[("users", 0, "mobile")] == Mark("p.yaml", 3, 5)


def test_scalars_get_the_standard_types_and_timestamps_stay_text() -> None:
    document = load_yaml_text("a: 1\nb: 1.5\nc: true\nd: null\ne: 2026-11-23\nf: '007'\ng: 0x1F\n", "p.yaml")

    assert document.data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "2026-11-23", "f": "007", "g": 31}


def test_merge_keys_work_and_explicit_keys_win() -> None:
    document = load_yaml_text("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n", "p.yaml")

    assert document.data["item"] == {"x": 1, "y": 3}


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['id']", "!!python/name:os.system",
                                 "!custom value", "!!binary aGVsbG8="])
def test_no_tag_can_construct_an_object(tag: str) -> None:
    text = f"a: {tag}\n"
    if tag.startswith("!!binary"):
        assert load_yaml_text(text, "p.yaml").data == {"a": "aGVsbG8="}
        return
    with pytest.raises(PlaybookError, match="is not allowed in a playbook"):
        load_yaml_text(text, "p.yaml")


def test_an_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        previous, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    started = time.perf_counter()

    with pytest.raises(PlaybookError, match="alias bomb"):
        load_yaml_text("\n".join(lines), "bomb.yaml")
    assert time.perf_counter() - started < 10  # a ceiling for a hang, not a speed test


def test_very_deep_nesting_is_refused() -> None:
    with pytest.raises(PlaybookError, match="nesting is too deep"):
        load_yaml_text("a: " + "[" * 5000 + "]" * 5000, "deep.yaml")


def test_a_file_that_is_not_utf8_says_so(tmp_path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("name: 市场部\n".encode("gbk"))

    with pytest.raises(PlaybookError, match="not UTF-8 text"):
        load_yaml_file(path)


def test_a_bom_is_accepted(tmp_path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: 市场部\n".encode())

    assert load_yaml_file(path).data == {"name": "市场部"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_either_loads_or_fails_with_a_positioned_playbook_error(text: str) -> None:
    try:
        load_yaml_text(text, "fuzz.yaml")
    except PlaybookError as error:
        assert all(p.mark is None or p.mark.file == "fuzz.yaml" for p in error.problems)


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(PRINTABLE, max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(PRINTABLE, min_size=1,
                                                                                        max_size=8),
                                                                                inner, max_size=4), max_leaves=20))
def test_json_documents_load_to_the_same_data(value) -> None:
    import json

    assert load_yaml_text(json.dumps(value, ensure_ascii=False), "v.yaml").data == value
