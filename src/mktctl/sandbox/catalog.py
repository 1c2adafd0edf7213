"""The catalog of the extension API: which settings it keeps, and what a valid one looks like.

The sandbox is the platform, so it knows nothing of mktctl's kinds. It is handed a catalog when it starts:
for each setting kind, a one-line summary and the JSON Schema of the settings it accepts. An upsert whose
spec the schema refuses is refused. The default catalog is ``catalog.json`` beside this module, generated
from mktctl's kinds (``python -m mktctl.kinds.catalog``); another one can be handed in as a file
(``mktctl sandbox serve --catalog FILE``) or built in Python (``Catalog.from_dict``).

The catalog file is JSON::

    {"version": 1, "kinds": {"tags": {"summary": "...", "schema": {"type": "object", ...}}, ...}}

The validator (``jsonschema``) is imported the first time a spec is checked, not when the sandbox starts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mktctl.errors import DataFileError, SettingsError

__all__ = ["CATALOG_VERSION", "DEFAULT_CATALOG", "Catalog", "SettingKind", "default_catalog", "read_catalog"]

CATALOG_VERSION = 1
DEFAULT_CATALOG = "catalog.json"  # the file's name inside this package
MAX_CATALOG_BYTES = 16 * 1024 * 1024  # the shipped catalog of every kind is about 100 KB
MAX_REASON = 300  # characters of a validator's message kept in an error (it may quote the whole value)
# JSON Schema formats are only notes unless asserted; these are asserted (the standard library checks them)
ASSERTED_FORMATS = ("date", "email", "ipv4", "ipv6", "uuid")


@dataclass(frozen=True)
class SettingKind:
    """One kind of setting: what it is, in a line, and the JSON Schema of its settings."""

    summary: str
    schema: dict[str, Any]


class Catalog:
    """The setting kinds an extension API keeps, by name."""

    def __init__(self, kinds: Mapping[str, SettingKind]) -> None:
        self.kinds: dict[str, SettingKind] = dict(kinds)
        self._validators: dict[str, Any] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.kinds

    def names(self) -> list[str]:
        return sorted(self.kinds)

    @classmethod
    def from_dict(cls, data: Any) -> Catalog:
        """A catalog from its JSON form; ValueError names what is wrong with the shape."""
        if not isinstance(data, dict):
            raise ValueError("a catalog is a JSON object")
        version = data.get("version", CATALOG_VERSION)
        if version != CATALOG_VERSION:
            raise ValueError(f"catalog version {version!r} is not supported (expected {CATALOG_VERSION})")
        kinds = data.get("kinds")
        if not isinstance(kinds, dict):
            raise ValueError("a catalog has 'kinds': an object of setting kinds by name")
        found: dict[str, SettingKind] = {}
        for name, entry in kinds.items():
            if not name or not isinstance(entry, dict):
                raise ValueError(f"kinds.{name}: expected an object with 'summary' and 'schema'")
            summary, schema = entry.get("summary", ""), entry.get("schema", {})
            if not isinstance(summary, str):
                raise ValueError(f"kinds.{name}.summary: expected a string")
            if not isinstance(schema, dict):
                raise ValueError(f"kinds.{name}.schema: expected a JSON Schema object")
            found[name] = SettingKind(summary, schema)
        return cls(found)

    def check_schemas(self) -> None:
        """Raise ValueError when a kind's schema is not a valid JSON Schema (draft 2020-12)."""
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        for name in self.names():
            try:
                Draft202012Validator.check_schema(self.kinds[name].schema)
            except SchemaError as error:
                raise ValueError(f"kinds.{name}.schema is not a valid JSON Schema: {error.message}") from None

    def check(self, kind: str, spec: Any) -> None:
        """Raise ValueError, with the first reason the schema gives, when ``spec`` is not a valid setting."""
        from jsonschema.exceptions import best_match

        error = best_match(self._validator(kind).iter_errors(spec))
        if error is not None:
            raise ValueError(_reason(error))

    def _validator(self, kind: str) -> Any:
        validator = self._validators.get(kind)
        if validator is None:
            from jsonschema import Draft202012Validator, FormatChecker

            validator = Draft202012Validator(self.kinds[kind].schema,
                                             format_checker=FormatChecker(formats=ASSERTED_FORMATS))
            self._validators[kind] = validator
        return validator


def _reason(error: Any) -> str:
    """``threshold: 'high' is not of type 'integer'``; a field the schema does not know is named as such."""
    path = list(error.absolute_path)
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        unknown = sorted(str(name) for name in error.instance if name not in known)
        if unknown:
            what = "setting" if not path else "field"
            return f"{where + ': ' if where else ''}unknown {what} {unknown[0]!r}"
    message = str(error.message)
    if len(message) > MAX_REASON:
        message = message[:MAX_REASON - 1] + "…"
    return f"{where}: {message}" if where else message


@functools.lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog shipped with the sandbox: every setting kind of mktctl, as it was generated."""
    text = resources.files(__package__).joinpath(DEFAULT_CATALOG).read_text(encoding="utf-8")
    return Catalog.from_dict(json.loads(text))


def read_catalog(path: Path | str) -> Catalog:
    """A catalog from a file a person hands in: its shape and every schema checked before the sandbox starts."""
    from mktctl.base.inputs import read_bounded

    where = Path(path)
    try:
        data = json.loads(read_bounded(where, what="catalog", limit=MAX_CATALOG_BYTES).decode("utf-8"))
    except DataFileError as exc:
        raise SettingsError(f"cannot read the catalog {where}: {exc.message.removeprefix(f'{where}: ')}",
                            hint=exc.hint) from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise SettingsError(f"the catalog {where} is not JSON in UTF-8: {exc}") from None
    try:
        catalog = Catalog.from_dict(data)
        catalog.check_schemas()
    except ValueError as exc:
        raise SettingsError(f"the catalog {where}: {exc}",
                            hint="generate one with `python -m mktctl.kinds.catalog --out FILE` and edit it") from None
    return catalog
