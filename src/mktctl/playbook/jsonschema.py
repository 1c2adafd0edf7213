"""The JSON Schema of the playbook format, and field tables, from the kinds' pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic_core import PydanticUndefined

from mktctl.kinds.base import Kind, Spec
from mktctl.kinds.guide import sections_text
from mktctl.playbook.load import LANGUAGES

SCHEMA_ID = "https://mktctl.dev/schema/playbook-v1.json"
DIALECT = "http://json-schema.org/draft-07/schema#"
_QUALIFIED = re.compile(r"\bmktctl(?:\.[a-z_]+)+\.(?=[A-Z])")  # mktctl.kinds.tags.TagRule -> TagRule


def channel(kind: Kind[Any]) -> str:
    from mktctl.kinds.registry import settings_fields

    settings = settings_fields(kind)
    if kind.job:
        return "a job apply runs (public API)"
    if kind.has_api and settings:
        return "public API + settings (manual on a real tenant)"
    if kind.has_api:
        return "public API"
    return "settings (manual on a real tenant)"


def item_schema(kind: Kind[Any]) -> dict[str, Any]:
    schema: dict[str, Any] = kind.model.model_json_schema(mode="validation")
    return kind.extend_schema(schema)


def kind_schema(kind: Kind[Any]) -> dict[str, Any]:
    """The JSON Schema of one kind's section: its item, or a list of items."""
    item = _references_allowed(item_schema(kind))
    definitions = item.pop("$defs", {})
    body = item if kind.singleton else {"type": "array", "items": item}
    return _document({"title": f"{kind.name}: {kind.summary}", **body}, definitions)


def playbook_schema() -> dict[str, Any]:
    """The JSON Schema of a playbook file: the entry file and every file it includes.

    No section is required, so a file that holds only some sections (an included file, a shared fragment)
    validates on its own. Editors read it through the YAML language server (see :mod:`mktctl.playbook.editor`).
    """
    from mktctl.kinds.registry import KINDS

    definitions: dict[str, Any] = {}
    properties: dict[str, Any] = {
        "version": {"const": 1, "description": "playbook format version"},
        "name": {"type": "string", "description": "the rollout's name, e.g. the client company"},
        "description": {"type": "string"},
        "language": {"enum": list(LANGUAGES), "description": "language of workbooks and reports"},
        "variables": {"type": "object", "description": "values for ${var.NAME}"},
        "include": {"type": "array", "items": {"type": "string"},
                    "description": "files to include, relative to this file, inside the playbook folder"},
    }
    for kind in KINDS:
        item = _references_allowed(item_schema(kind))
        for name, definition in item.pop("$defs", {}).items():
            definitions[name] = definition
        item["description"] = f"{kind.title}: {kind.summary} (guide {sections_text(kind.sections)})"
        properties[kind.name] = item if kind.singleton else {"type": "array", "items": item,
                                                            "description": item["description"]}
    return _document({"$id": SCHEMA_ID, "title": "mktctl playbook", "type": "object", "additionalProperties": False,
                      "properties": properties}, definitions)


def _document(body: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """A whole schema document in draft 7, the draft that editors' YAML language servers implement. Every
    ``$ref`` points into the document's own ``$defs``; a ``$ref`` with a description beside it is wrapped in
    ``allOf``, because draft 7 ignores what stands beside a ``$ref`` (and editors would lose the description)."""
    document = {"$schema": DIALECT, **body}
    if definitions:
        document["$defs"] = definitions
    converted: dict[str, Any] = _draft7(document)
    return converted


REFERENCE = {"type": "string", "pattern": r"^\$\{[^}]+\}$",
             "description": "a reference: ${var.NAME}, ${env:NAME} or ${keyring:SERVICE:NAME}"}
_ANNOTATIONS = ("title", "description", "default", "examples")


def _references_allowed(node: Any) -> Any:
    """In a kind's items, a value that is only a reference (``${var.limit}``) takes the type of what it refers
    to: where a number, a yes/no or a choice is expected, the schema accepts a reference too, as mktctl does."""
    if isinstance(node, list):
        return [_references_allowed(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _references_allowed(value) for key, value in node.items()}
    if result.get("type") in ("integer", "number", "boolean") or "enum" in result:
        annotations = {key: result.pop(key) for key in _ANNOTATIONS if key in result}
        return {**annotations, "anyOf": [result, REFERENCE]}
    return result


def _draft7(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _draft7(value) for key, value in node.items()}
    if "$ref" in result and len(result) > 1:
        ref = result.pop("$ref")
        result["allOf"] = [{"$ref": ref}, *result.get("allOf", [])]
    return result


def field_rows(kind: Kind[Any]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    model: type[Spec] = kind.model
    for name, field in model.model_fields.items():
        annotation = _type_name(field.annotation)
        required = "yes" if field.is_required() else ""
        if field.default is PydanticUndefined or field.default is None:
            default = ""
        elif hasattr(field.default, "value"):
            default = str(field.default.value)
        else:
            default = str(field.default)
        if field.default_factory is not None:
            default = str(field.default_factory())  # type: ignore[call-arg]
        marker = " (key)" if name == kind.key_field else ""
        rows.append((name + marker, annotation, required, default, field.description or ""))
    return rows


def _type_name(annotation: Any) -> str:
    """``list[Condition] | None``: models by their class name, wherever in mktctl they are defined."""
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    return text or _QUALIFIED.sub("", str(annotation).replace("typing.", ""))
