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
from typing import Any

from mktctl.rules.fields import compare

Matcher = Callable[[Any, int], bool]  # (a person view, the moment) -> holds
Reader = Callable[[Any, int], tuple[Any, ...]]  # (a person view, the moment) -> what conditions read of it
_EQUAL = ("等于", "属于")
_NOT_EQUAL = ("不等于", "不属于")


def compile_matcher(conditions: Sequence[Any], match_all: bool) -> Matcher:
    """``conditions``: :class:`~mktctl.rules.conditions.Condition` items."""
    namespace: dict[str, Any] = {"bisect_right": bisect_right, "compare": compare, "NONE": ()}
    tests = [_test(condition, index, namespace) for index, condition in enumerate(conditions)]
    if not tests:
        body = ["    return False"]
    elif match_all:
        body = [f"    if not ({test}):\n        return False" for test in tests] + ["    return True"]
    else:
        body = [f"    if {test}:\n        return True" for test in tests] + ["    return False"]
    source = "def matcher(state, now):\n" + "\n".join(body) + "\n"
    exec(compile(source, "<mktctl conditions>", "exec"), namespace)  # the constants are names, never source text
    matcher: Matcher = namespace["matcher"]
    return matcher


def _test(condition: Any, index: int, namespace: dict[str, Any]) -> str:
    """The expression that is true when ``condition`` holds; its values are bound in ``namespace``."""
    def bind(name: str, value: object) -> str:
        namespace[f"{name}{index}"] = value
        return f"{name}{index}"

    kind = condition.kind
    if kind == "behaviour":
        if condition.content is not None:
            times = f"state.by_content.get({bind('KEY', (condition.behaviour, condition.content))}, NONE)"
        else:
            times = f"state.behaviours.get({bind('BEHAVIOUR', condition.behaviour)}, NONE)"
        least = bind("TIMES", condition.times)
        if condition.window is None:
            return f"len({times}) >= {least}"
        window = bind("WINDOW", condition.window)
        return f"len(_t := {times}) - bisect_right(_t, now - {window}) >= {least}"
    if kind == "field":
        actual = f"state.fields.get({bind('FIELD', condition.field)}, '')"
        values = bind("VALUES", condition.values)
        if condition.op in _EQUAL:
            return f"{actual} in {values}"
        if condition.op in _NOT_EQUAL:
            return f"{actual} not in {values}"
        if condition.op == "为空":
            return f"{actual} == ''"
        if condition.op == "不为空":
            return f"{actual} != ''"
        return f"compare({bind('OP', condition.op)}, {actual}, {values})"
    if kind == "tag":
        return f"{bind('TAG', condition.tag)} in state.tags"
    if kind == "stage":
        return f"state.stage == {bind('STAGE', condition.stage)}"
    return f"state.scores.get({bind('MODEL', condition.model)}, 0) >= {bind('SCORE', condition.min_score)}"


def compile_reader(conditions: Sequence[Any], group: str) -> Reader:
    """A function giving everything ``conditions`` read of a person at a moment (a behaviour window: the
    count inside it), and the version of their tags of tag group ``group``: while it gives the same tuple,
    the conditions give the same answers."""
    namespace: dict[str, Any] = {"NONE": (), "bisect_right": bisect_right}
    source = "def reader(state, now):\n    return " + _reading(conditions, group, namespace, "") + "\n"
    exec(compile(source, "<mktctl condition reader>", "exec"), namespace)  # values are names, never source
    reader: Reader = namespace["reader"]
    return reader


def compile_readers(groups: Sequence[tuple[Sequence[Any], str]]) -> Reader:
    """One function giving, for each (conditions, tag group) of ``groups``, what :func:`compile_reader`'s
    function gives: a tuple of their tuples, read in one call."""
    namespace: dict[str, Any] = {"NONE": (), "bisect_right": bisect_right}
    parts = [_reading(conditions, group, namespace, f"g{index}_") for index, (conditions, group) in enumerate(groups)]
    source = "def readers(state, now):\n    return (" + "".join(f"{part}, " for part in parts) + ")\n"
    exec(compile(source, "<mktctl condition readers>", "exec"), namespace)  # values are names, never source
    readers: Reader = namespace["readers"]
    return readers


def _reading(conditions: Sequence[Any], group: str, namespace: dict[str, Any], prefix: str) -> str:
    """The tuple expression of what ``conditions`` read, its names prefixed with ``prefix``."""
    parts = [f"state.tag_versions.get({_bind(namespace, prefix + 'GROUP', 0, group)}, 0)"]
    for index, condition in enumerate(conditions):
        parts.append(_read(condition, index, namespace, prefix))
    return "(" + ", ".join(dict.fromkeys(parts)) + ",)"


def _bind(namespace: dict[str, Any], name: str, index: int, value: object) -> str:
    namespace[f"{name}{index}"] = value
    return f"{name}{index}"


def _read(condition: Any, index: int, namespace: dict[str, Any], prefix: str) -> str:
    kind = condition.kind
    if kind == "behaviour":
        if condition.content is not None:
            key = _bind(namespace, prefix + "KEY", index, (condition.behaviour, condition.content))
            times = f"state.by_content.get({key}, NONE)"
        else:
            times = f"state.behaviours.get({_bind(namespace, prefix + 'BEHAVIOUR', index, condition.behaviour)}, NONE)"
        if condition.window is None:
            return f"len({times})"
        window = _bind(namespace, prefix + "WINDOW", index, condition.window)
        return f"len(_t{prefix}{index} := {times}) - bisect_right(_t{prefix}{index}, now - {window})"
    if kind == "field":
        return f"state.fields.get({_bind(namespace, prefix + 'FIELD', index, condition.field)}, '')"
    if kind == "tag":
        return f"({_bind(namespace, prefix + 'TAG', index, condition.tag)} in state.tags)"
    if kind == "stage":
        return "state.stage"
    return f"state.scores.get({_bind(namespace, prefix + 'MODEL', index, condition.model)}, 0)"
