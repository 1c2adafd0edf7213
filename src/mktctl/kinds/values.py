"""Small helpers over kinds' values: the model inside an annotation, depth in a parent chain, and values as
the rows of a manual-step table (by field name, or labelled with the platform's words)."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside a field's annotation (``list[Step] | None`` -> ``Step``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def depth_in_chain(key: str, parent_of: dict[str, str | None]) -> int:
    """How many links up a parent chain ``key`` is (parents outside the mapping end it; cycles are cut)."""
    count, walk = 0, parent_of.get(key)
    while walk in parent_of and count < len(parent_of):
        count, walk = count + 1, parent_of[walk]
    return count


def flatten_values(state: Any, prefix: str = "") -> list[tuple[str, str]]:
    """``{"a": {"b": 1}, "c": [1, 2]}`` -> ``[("a.b", "1"), ("c", "1, 2")]``, for manual-step tables."""
    if isinstance(state, dict):
        rows: list[tuple[str, str]] = []
        for name, value in state.items():
            rows.extend(flatten_values(value, f"{prefix}.{name}" if prefix else str(name)))
        return rows
    if isinstance(state, list):
        if all(not isinstance(v, dict | list) for v in state):
            return [(prefix, ", ".join(text(v) for v in state))]
        rows = []
        for index, value in enumerate(state):
            rows.extend(flatten_values(value, f"{prefix}[{index + 1}]"))
        return rows
    return [(prefix, text(state))]


def text(value: Any) -> str:
    """A value as a manual step shows it: 是/否 for booleans, — for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def labelled_values(model: type[BaseModel], state: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``state`` as (label, value) rows, labelled with each field's Chinese ``title``; empty values left out.

    Nested models become ``线索推送 > 线索池`` and lists of models ``规则[1] > 负责人``.
    """
    rows: list[tuple[str, str]] = []
    for name, value in state.items():
        if value is None or value == [] or value == {} or value == "":
            continue
        field = model.model_fields.get(name)
        label = (field.title if field is not None and field.title else name)
        label = f"{prefix} > {label}" if prefix else label
        inner = model_in(field.annotation) if field is not None else None
        if isinstance(value, dict) and inner is not None:
            rows.extend(labelled_values(inner, value, label))
        elif isinstance(value, list) and inner is not None and all(isinstance(v, dict) for v in value):
            for position, item in enumerate(value, start=1):
                rows.extend(labelled_values(inner, item, f"{label}[{position}]"))
        elif isinstance(value, dict):
            rows.append((label, "; ".join(f"{k} → {text(v)}" for k, v in value.items())))
        elif isinstance(value, list):
            rows.append((label, "、".join(text(v) for v in value)))
        else:
            rows.append((label, text(value)))
    return rows
