"""All kinds, in the order a playbook presents them, and what the sandbox's extension API keeps."""

from __future__ import annotations

from typing import Any


def extension_kinds() -> dict[str, str]:
    """Kind name -> one-line description, for every kind that has settings beyond the public API."""
    return {}


def validate_extension_spec(kind: str, spec: dict[str, Any]) -> None:
    """Raise ValueError when ``spec`` is not a valid setting of ``kind``."""
