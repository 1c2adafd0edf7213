"""The catalog the sandbox's extension API is handed: every kind with settings, and their JSON Schema.

The sandbox is the platform's emulator and knows nothing of the kinds (see ``mktctl.sandbox.catalog``), so
what it keeps is generated from them here and shipped inside the sandbox package as ``catalog.json``:

    python -m mktctl.kinds.catalog            # bring src/mktctl/sandbox/catalog.json up to date
    python -m mktctl.kinds.catalog --check    # exit 1 when it is out of date (a test does the same)
    python -m mktctl.kinds.catalog --out FILE # write a catalog elsewhere, e.g. to edit and hand in

A kind's settings are its model's fields less the ones the public API sets and its natural key; a job
(an import) has none. Their schema is the model's JSON Schema cut down to those fields, so it requires
no api field and no key. What the models check in Python (cross-field rules, formats checked by
validators) is not in it: the sandbox checks only what a schema can say.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from mktctl.kinds.base import Kind
from mktctl.kinds.registry import KINDS, settings_fields

COMMAND = "python -m mktctl.kinds.catalog"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
CATALOG_VERSION = 1


def settings_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of a kind's settings: its model's schema with only the settings fields."""
    keep = settings_fields(kind)
    full = kind.model.model_json_schema(mode="validation")
    properties = {name: _standard(value) for name, value in full.get("properties", {}).items() if name in keep}
    schema: dict[str, Any] = {"$schema": SCHEMA_DIALECT, "title": f"{kind.name} settings", "type": "object",
                              "properties": properties, "additionalProperties": False}
    required = [name for name in full.get("required", []) if name in keep]
    if required:
        schema["required"] = required
    definitions = {name: _standard(value) for name, value in _reachable(properties, full.get("$defs", {})).items()}
    if definitions:
        schema["$defs"] = definitions
    return schema


def extension_catalog(kinds: Iterable[Kind] | None = None) -> dict[str, Any]:
    """The catalog of every kind with settings (default: every kind of the registry), by kind name."""
    entries = {kind.name: {"summary": kind.summary, "schema": settings_schema(kind)}
               for kind in (KINDS if kinds is None else kinds) if settings_fields(kind)}
    return {"version": CATALOG_VERSION, "generated_by": COMMAND,
            "kinds": {name: entries[name] for name in sorted(entries)}}


def render(catalog: dict[str, Any] | None = None) -> str:
    """The catalog as the shipped file holds it."""
    return json.dumps(catalog if catalog is not None else extension_catalog(), ensure_ascii=False, indent=1) + "\n"


def shipped_file() -> Path:
    """Where the sandbox reads its default catalog from."""
    import mktctl.sandbox
    from mktctl.sandbox.catalog import DEFAULT_CATALOG

    return Path(mktctl.sandbox.__file__).parent / DEFAULT_CATALOG


def is_stale(path: Path, text: str) -> bool:
    return not path.is_file() or path.read_text(encoding="utf-8") != text


# pydantic writes a bound on a union (``int | float = Field(ge=0)``) under its own name; JSON Schema's is:
_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties", "dependentSchemas")
_SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
_SCHEMAS = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames")


def _standard(schema: Any) -> Any:
    """``schema`` with pydantic's leftover bound names as JSON Schema keywords, so that validators apply them."""
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _BOUNDS and _BOUNDS[key] not in schema:
            result[_BOUNDS[key]] = value
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: _standard(item) for name, item in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            result[key] = [_standard(item) for item in value]
        elif key in _SCHEMAS:
            result[key] = _standard(value)
        else:
            result[key] = value
    return result


def _reachable(node: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    """The ``$defs`` that ``node`` refers to, directly or through each other, in their original order."""
    wanted: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name not in wanted and name in definitions:
                    wanted.add(name)
                    pending.append(definitions[name])
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return {name: value for name, value in definitions.items() if name in wanted}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description="Generate the sandbox's catalog of setting kinds "
                                                               "from the kinds' models.")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when the file is out of date")
    parser.add_argument("--out", type=Path, default=None,
                        help="the file (default: the catalog shipped with the sandbox)")
    options = parser.parse_args(argv)
    path: Path = options.out or shipped_file()
    text = render()
    if options.check:
        if is_stale(path, text):
            sys.stderr.write(f"out of date: {path}\nrun `{COMMAND}` and commit the result\n")
            return 1
        return 0
    if not is_stale(path, text):
        sys.stdout.write(f"{path} is up to date\n")
        return 0
    path.write_text(text, encoding="utf-8")
    sys.stdout.write(f"{path} written\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
