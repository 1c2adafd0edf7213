"""The plain data of a migration run: its options, what the tenant side did, and the error that stops it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl.errors import MktctlError
from mktctl.migrate import consent, leadfields


class MigrationStopped(MktctlError):
    """The migration stopped before the people were imported (the opt-outs could not all be recorded)."""


@dataclass(frozen=True)
class MigrateOptions:
    source: Path  # --from: the folder of the old system's exports
    out: Path  # --out: the result folder
    now: dt.datetime  # the moment of the migration (scores decay up to it)
    preset: str | None = None
    map_file: Path | None = None
    dry_run: bool = False
    write_playbook: bool = False
    scores: str | None = None  # carry | recompute; default: the map's
    workers: int = 4


@dataclass
class Applied:
    """What the tenant side did."""

    extension: bool = False
    tenant: dict[str, Any] = field(default_factory=dict)
    lead_of_row: dict[int, str] = field(default_factory=dict)  # people row -> its lead (a duplicate: its survivor's)
    outcomes: Any = None  # people/results.csv
    import_summary: dict[str, Any] = field(default_factory=dict)
    stopped: str | None = None
    consent_written: consent.Written | None = None
    verification: consent.Verification | None = None
    fields: leadfields.FieldState | None = None
    values: leadfields.ValueWrites | None = None
    seeded: int = 0
    new_scores: dict[int, int] = field(default_factory=dict)
    model: str | None = None
    members_failed: dict[str, str] = field(default_factory=dict)
    points: dict[str, Any] | None = None
    content_failed: dict[str, str] = field(default_factory=dict)
    manual: list[dict[str, str]] = field(default_factory=list)
