"""An object's fields as the tenant describes them (``object/describe``), typed: what the lead pipeline
needs to map a column to a field by its api name or its label, and to write a value the field accepts.

``ObjectInfo.from_describe(describe)`` reads the answer's ``data.describe``; every field has its api name,
label, type (the platform's words: ``text``, ``number``, ``date``, ``select_one``, ...), whether it is
required, whether it is the tenant's own (``define_type: custom``, api names ending in ``__c``) and a
picklist's options as (value, label) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CUSTOM_SUFFIX = "__c"


@dataclass(frozen=True)
class FieldInfo:
    api_name: str
    label: str
    type: str
    required: bool = False
    custom: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, label), in the tenant's order
    target: str | None = None  # the object an object_reference field points at
    help_text: str = ""

    @property
    def option_labels(self) -> list[str]:
        return [label for _, label in self.options]

    def option_value(self, text: str) -> str | None:
        """The option ``text`` names, by its label first, else by its value; None when it is no option."""
        by_label = {label: value for value, label in self.options}
        if text in by_label:
            return by_label[text]
        return text if any(text == value for value, _ in self.options) else None

    @classmethod
    def from_describe(cls, api_name: str, raw: dict[str, Any]) -> FieldInfo:
        options = tuple((str(o.get("value")), str(o.get("label"))) for o in raw.get("options") or ()
                        if isinstance(o, dict) and o.get("value") is not None)
        custom = raw.get("define_type") == "custom" or api_name.endswith(CUSTOM_SUFFIX)
        return cls(api_name=api_name, label=str(raw.get("label") or api_name), type=str(raw.get("type") or ""),
                   required=raw.get("is_required") is True, custom=custom, options=options,
                   target=raw.get("target_api_name"), help_text=str(raw.get("help_text") or ""))


@dataclass(frozen=True)
class ObjectInfo:
    api_name: str
    display_name: str
    fields: dict[str, FieldInfo] = field(default_factory=dict)

    @property
    def custom_fields(self) -> list[FieldInfo]:
        """The tenant's own fields, in the order the tenant lists them."""
        return [f for f in self.fields.values() if f.custom]

    def field(self, name: str) -> FieldInfo | None:
        """The field called ``name``: by api name, else by label (a label two fields share names none)."""
        if name in self.fields:
            return self.fields[name]
        labelled = [f for f in self.fields.values() if f.label == name]
        return labelled[0] if len(labelled) == 1 else None

    @classmethod
    def from_describe(cls, describe: dict[str, Any]) -> ObjectInfo:
        fields = describe.get("fields") or {}
        return cls(api_name=str(describe.get("api_name") or ""),
                   display_name=str(describe.get("display_name") or describe.get("label") or ""),
                   fields={str(name): FieldInfo.from_describe(str(name), raw) for name, raw in fields.items()
                           if isinstance(raw, dict)})
