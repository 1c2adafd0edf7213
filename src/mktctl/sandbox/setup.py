"""What the sandbox app needs to know about mktctl's kinds: which settings its extension API keeps,
and how to check a setting's spec (with the same models that validate playbooks)."""

from __future__ import annotations

from typing import Any


def app_options() -> dict[str, Any]:
    from mktctl.kinds.registry import extension_kinds, validate_extension_spec

    return {"extension_kinds": extension_kinds(), "spec_validator": validate_extension_spec}
