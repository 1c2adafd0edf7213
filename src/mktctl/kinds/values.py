"""Small helpers over kinds' values: the model inside an annotation, depth in a parent chain, the defaults of
a model's fields. (Values as the rows of a manual step, in the client's language: :mod:`mktctl.kinds.wording`.)"""

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


def field_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON form of each field's default, for the fields that have one (required fields have none)."""
    from pydantic import TypeAdapter
    from pydantic_core import PydanticUndefined

    defaults: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            value = info.default_factory()  # type: ignore[call-arg]
        elif info.default is not PydanticUndefined:
            value = info.default
        else:
            continue
        try:
            defaults[name] = TypeAdapter(Any).dump_python(value, mode="json")
        except (TypeError, ValueError):  # pragma: no cover - a default pydantic cannot dump
            defaults[name] = value
    return defaults
