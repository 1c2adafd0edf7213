"""Conditions compiled into one plain Python function each: the engine evaluates tag rules, segments and
branches at every moment a person changes, so :meth:`mktctl.rules.conditions.Conditions.holds` runs one
function with every condition inlined instead of a method per condition.

``compile_matcher(conditions, match_all) -> Matcher``; the function holds exactly when every condition's
:meth:`~mktctl.rules.conditions.Condition.holds` does (or, for 任一满足, any of them), which stays the
reference: explanations use it, and a test compares the two on generated people. This module knows the
conditions by their attributes only (``kind``, ``behaviour``, ``field`` ...): it sits below
:mod:`mktctl.rules.conditions`, which imports it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from mktctl.rules.fields import compare as _compare

compare = lru_cache(maxsize=1 << 16)(_compare)  # the same few values, compared at every moment

Matcher = Callable[[Any, int], bool]  # (a person view, the moment) -> holds
Reader = Callable[[Any, int], tuple[Any, ...]]  # (a person view, the moment) -> what conditions read of it
_EQUAL = ("等于", "属于")
_NOT_EQUAL = ("不等于", "不属于")


def compile_matcher(conditions: Sequence[Any], match_all: bool) -> Matcher:
    """``conditions``: :class:`~mktctl.rules.conditions.Condition` items."""
    names = _Names({"bisect_right": bisect_right, "compare": compare, "NONE": ()})
    tests = [_holds(condition, names, _ON_STATE) for condition in conditions]
    if not tests:
        body = ["    return False"]
    elif match_all:
        body = [f"    if not {test}:\n        return False" for test in tests] + ["    return True"]
    else:
        body = [f"    if {test}:\n        return True" for test in tests] + ["    return False"]
    source = "def matcher(state, now):\n" + "\n".join(body) + "\n"
    exec(compile(source, "<mktctl conditions>", "exec"), names.namespace)  # the constants are names, never source
    matcher: Matcher = names.namespace["matcher"]
    return matcher


def compile_reader(conditions: Sequence[Any], group: str) -> Reader:
    """A function giving whether each of ``conditions`` holds for a person at a moment, and the version of
    their tags of tag group ``group``: while it gives the same tuple, rules of those conditions give the same
    answers."""
    return _compile_reading([(conditions, group)], "reader", single=True)


def compile_readers(groups: Sequence[tuple[Sequence[Any], str]]) -> Reader:
    """One function giving, for each (conditions, tag group) of ``groups``, what :func:`compile_reader`'s
    function gives: a tuple of their tuples, read in one call."""
    return _compile_reading(groups, "readers", single=False)


_READ_LOCALS = ("    fields = state.fields.get\n    versions = state.tag_versions.get\n"
                "    behaviours = state.behaviours.get\n    by_content = state.by_content.get\n    tags = state.tags\n")


def _compile_reading(groups: Sequence[tuple[Sequence[Any], str]], name: str, single: bool) -> Reader:
    names = _Names({"NONE": (), "bisect_right": bisect_right, "compare": compare})
    readings = [_reading(conditions, group, names) for conditions, group in groups]
    result = readings[0] if single else "(" + "".join(f"{reading}, " for reading in readings) + ")"
    source = f"def {name}(state, now):\n{_READ_LOCALS}    return {result}\n"
    exec(compile(source, f"<mktctl condition {name}>", "exec"), names.namespace)  # values are names, never source
    reader: Reader = names.namespace[name]
    return reader


class _Names:
    """The constants of generated code, one name per distinct value (so equal reads are one expression)."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.known: dict[tuple[str, Any], str] = {}

    def __call__(self, kind: str, value: Any) -> str:
        name = self.known.get((kind, value))
        if name is None:
            name = self.known[(kind, value)] = f"{kind}{len(self.known)}"
            self.namespace[name] = value
        return name


def _reading(conditions: Sequence[Any], group: str, names: _Names) -> str:
    """The tuple expression of what ``conditions`` read, and the version of the group's tags."""
    parts = [f"versions({names('GROUP', group)}, 0)",
             *(_read(condition, names) for condition in conditions)]
    return "(" + ", ".join(dict.fromkeys(parts)) + ",)"


def _read(condition: Any, names: _Names) -> str:
    """What a reader reads of ``condition``: whether it holds, or, of a field, the field's value (as telling,
    one lookup for all the conditions on that field)."""
    if condition.kind == "field":
        return f"{_ON_LOCALS['fields']}({names('FIELD', condition.field)}, '')"
    return _holds(condition, names, _ON_LOCALS)


# how generated code reaches a person's state: through ``state`` (a matcher), or through the locals that
# _READ_LOCALS binds once per call (a reader, which reads many conditions)
_ON_STATE = {"fields": "state.fields.get", "behaviours": "state.behaviours.get",
             "by_content": "state.by_content.get", "tags": "state.tags"}
_ON_LOCALS = {name: name for name in _ON_STATE}


def _holds(condition: Any, names: _Names, access: dict[str, str]) -> str:
    """The expression that is true when ``condition`` holds; its values are bound by ``names``. It is all that
    a rule's outcome depends on (a count that changes without crossing ``times``, a score that stays on one
    side of ``min_score``, read the same)."""
    kind = condition.kind
    if kind == "behaviour":
        if condition.content is not None:
            key = names("KEY", (condition.behaviour, condition.content))
            times = f"{access['by_content']}({key}, NONE)"
        else:
            key = names("BEHAVIOUR", condition.behaviour)
            times = f"{access['behaviours']}({key}, NONE)"
        least = names("TIMES", condition.times)
        if condition.window is None:
            return f"(len({times}) >= {least})"
        window = names("WINDOW", condition.window)
        return f"(len(_{key}_{window} := {times}) - bisect_right(_{key}_{window}, now - {window}) >= {least})"
    if kind == "field":
        actual = f"{access['fields']}({names('FIELD', condition.field)}, '')"
        values = names("VALUES", condition.values)
        if condition.op in _EQUAL:
            return f"({actual} in {values})"
        if condition.op in _NOT_EQUAL:
            return f"({actual} not in {values})"
        if condition.op == "为空":
            return f"({actual} == '')"
        if condition.op == "不为空":
            return f"({actual} != '')"
        return f"compare({names('OP', condition.op)}, {actual}, {values})"
    if kind == "tag":
        return f"({names('TAG', condition.tag)} in {access['tags']})"
    if kind == "stage":
        return f"(state.stage == {names('STAGE', condition.stage)})"
    return f"(state.scores.get({names('MODEL', condition.model)}, 0) >= {names('SCORE', condition.min_score)})"
