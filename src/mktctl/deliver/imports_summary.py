"""Read the ``summary.json`` files that lead imports leave behind, defensively.

The documented shape is counts per status, reason and outcome (``input``, ``accepted``, ``duplicate``,
``rejected``; ``created``, ``updated``, ``unchanged``, ``failed``, ``not_attempted``; reasons such as
``missing_required``), with the invariants ``input = accepted + duplicate + rejected`` and, for imports,
``accepted = created + updated + unchanged + failed + not_attempted``. The counts may sit at the top level
or under a key such as ``counts``; a file that is not such a summary is skipped with a note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl.errors import DataFileError

STATUSES = ("accepted", "duplicate", "rejected")
OUTCOMES = ("created", "updated", "unchanged", "failed", "not_attempted")
KEYS = ("input", *STATUSES, *OUTCOMES)
REASON_KEYS = ("reasons", "by_reason", "rejected_reasons", "rejections", "reason")
MAX_BYTES = 10 * 1024 * 1024


@dataclass
class ImportSummary:
    path: Path
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def is_import(self) -> bool:
        return any(k in self.counts for k in OUTCOMES)

    def count(self, key: str) -> int:
        return self.counts.get(key, 0)


def find(roots: list[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file() and root.name.endswith(".json"):
            found.append(root)
        elif root.is_dir():
            found.extend(sorted(root.rglob("summary.json")))
    return list(dict.fromkeys(p.resolve() for p in found))


def read(path: Path, base: Path | None = None) -> tuple[ImportSummary | None, str | None]:
    """The summary, or None and why the file was skipped."""
    from mktctl.base.inputs import read_bounded

    try:
        data = json.loads(read_bounded(path, what="summary", limit=MAX_BYTES).decode("utf-8-sig"))
    except DataFileError as error:  # missing, too large, or not a regular file (a FIFO would never end)
        return None, f"{error.message}; skipped"
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, f"{path}: not a readable summary ({error}); skipped"
    if not isinstance(data, dict):
        return None, f"{path}: not a summary (expected a JSON object); skipped"
    counts = {key: value for key in KEYS if (value := _find(data, key)) is not None}
    if not counts:
        return None, f"{path}: no counts (input, accepted, rejected, ...) found; skipped"
    name = _name(data, path, base)
    summary = ImportSummary(path=path, name=name, counts=counts, reasons=_reasons(data))
    _invariants(summary)
    return summary, None


def _find(data: Any, key: str, depth: int = 0) -> int | None:
    """An integer count named ``key``: at this level, else one level down in a mapping (``counts``...)."""
    if not isinstance(data, dict) or depth > 2:
        return None
    value = data.get(key)
    if _is_count(value):
        return int(value)
    if isinstance(value, dict):  # {"accepted": {"count": 5}} or {"rejected": {"total": 3, ...}}
        for inner in ("count", "total", "rows"):
            if _is_count(value.get(inner)):
                return int(value[inner])
    for name, child in data.items():
        if name in REASON_KEYS or not isinstance(child, dict):
            continue
        found = _find(child, key, depth + 1)
        if found is not None:
            return found
    return None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _reasons(data: Any, depth: int = 0) -> dict[str, int]:
    if not isinstance(data, dict) or depth > 2:
        return {}
    for key in REASON_KEYS:
        value = data.get(key)
        if isinstance(value, dict):
            reasons = {str(k): int(v) for k, v in value.items() if _is_count(v)}
            if reasons:
                return reasons
    for child in data.values():
        found = _reasons(child, depth + 1)
        if found:
            return found
    return {}


def _name(data: dict[str, Any], path: Path, base: Path | None) -> str:
    for key in ("file", "input_file", "source", "input"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return Path(value).name
        if isinstance(value, dict) and isinstance(value.get("file") or value.get("path"), str):
            return Path(value.get("file") or value.get("path")).name
    parent = path.parent
    if base is not None and parent.is_relative_to(base):
        return str(parent.relative_to(base)) or parent.name
    return parent.name


def _invariants(summary: ImportSummary) -> None:
    counts = summary.counts
    if "input" in counts and all(k in counts for k in STATUSES):
        parts = sum(counts[k] for k in STATUSES)
        if parts != counts["input"]:
            summary.problems.append(f"input {counts['input']} ≠ accepted + duplicate + rejected {parts}")
    if "accepted" in counts and summary.is_import:
        outcomes = sum(counts.get(k, 0) for k in OUTCOMES)
        if outcomes != counts["accepted"]:
            summary.problems.append(f"accepted {counts['accepted']} ≠ created + updated + unchanged + failed + "
                                    f"not_attempted {outcomes}")
