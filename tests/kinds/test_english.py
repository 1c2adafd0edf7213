"""The platform's words in English (mktctl/kinds/english.py) cover every word a kind shows a client: its
title, its menu path, every option of its picklists and the modules and actions of a role's permissions; a
new option without an English word fails here, before an English client reads it in Chinese."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Literal, get_args, get_origin

import pytest

from mktctl.kinds import english
from mktctl.kinds.events import BUILTIN_OWNERS
from mktctl.kinds.registry import KINDS
from mktctl.kinds.reports import PLACE_MENUS
from mktctl.kinds.roles import ACTIONS, MODULES
from mktctl.kinds.values import model_in
from mktctl.kinds.wording import Words
from tests.playbooks.client_texts import spec_texts

_CJK = re.compile(r"[\u3400-\u9fff]")


def options(annotation: Any) -> set[str]:
    if get_origin(annotation) is Literal:
        return {a for a in get_args(annotation) if isinstance(a, str)}
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return {str(m.value) for m in annotation}
    return {o for arg in get_args(annotation) for o in options(arg)}


def picklist_words() -> set[str]:
    seen: set[type] = set()
    words: set[str] = set()

    def walk(model: Any) -> None:
        if model in seen:
            return
        seen.add(model)
        for info in model.model_fields.values():
            words.update(o for o in options(info.annotation) if _CJK.search(o))
            inner = model_in(info.annotation)
            if inner is not None:
                walk(inner)

    for kind in KINDS:
        walk(kind.model)
    return words


def menu_words() -> set[str]:
    paths = [kind.menu_path for kind in KINDS if kind.menu_path] + list(PLACE_MENUS.values())
    return {part.strip() for path in paths for part in path.split(" > ") if _CJK.search(part)}


def test_every_word_a_kind_shows_a_client_has_an_english_word() -> None:
    words = picklist_words() | menu_words() | {kind.title for kind in KINDS} | set(MODULES.values()) | set(
        ACTIONS.values())

    missing = sorted(w for w in words if english.english(w) is None)

    assert missing == []
    assert not [w for w in words if _CJK.search(english.english(w) or "")]


def test_a_field_label_is_its_name_spelt_out_with_the_platforms_acronyms() -> None:
    assert english.field_label("required_fields") == "Required fields"
    assert english.field_label("dmarc_policy") == "DMARC policy"
    assert english.field_label("sms_keyword") == "SMS keyword"
    assert english.field_label("recycle_after_hours") == "Take back after (hours)"


@pytest.mark.parametrize("kind", [k for k in KINDS if k.example() is not None and not k.job], ids=lambda k: k.name)
def test_the_manual_step_of_every_kinds_example_reads_in_english(kind) -> None:
    raw, _, derived = next(iter(kind.expand(kind.example(), (kind.name,))))
    spec = kind.model.model_validate({**raw, **derived})
    state = kind.settings_state(spec)
    if state is None:
        pytest.skip("the public API sets all of it")
    key = kind.name if kind.singleton else kind.key(spec)
    data = {key, *spec_texts(kind.model, spec.model_dump(mode="json"))} - english.BUILT_IN

    step = kind.manual_step(key, state, Words(lang="en"))

    shown = [step.menu_path, step.who, step.verify, *(f"{label}: {value}" for label, value in step.values)]
    for text in shown:
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, "")
        assert not _CJK.search(text), text


def test_every_name_the_platform_has_built_in_is_shown_in_english() -> None:
    built_in = {key for kind in KINDS for key in kind.builtin_keys if _CJK.search(key)} | set(BUILTIN_OWNERS)

    assert built_in <= english.BUILT_IN
    assert all(english.english(name) for name in english.BUILT_IN)
    assert Words(lang="en").quote("全公司") == "'Whole company'" and Words().quote("全公司") == "“全公司”"
