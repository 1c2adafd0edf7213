"""What happened to every row of every entity: one status per source row, reconciled.

Each entity's report is a frame with one row per source row (``source_row``, ``status``, ``reason``,
``target``, ``detail`` and the entity's own columns). The statuses:

* ``migrated``: on the tenant (or, in a dry run, would be);
* ``rejected``: not migrated for a reason that names what is wrong with the row (no contact, an unknown
  tier, a file that is missing, ...);
* ``duplicate``: the same as an earlier row (a person, an event, a member, a content item);
* ``skipped``: deliberately not migrated: a value without a mapping (listed with counts), content the
  platform's API cannot take (a manual step);
* ``failed``: the tenant refused it, or the run stopped before it; run the migration again.

The invariant of each entity: source = migrated + rejected + duplicate + skipped + failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

STATUSES = ("migrated", "rejected", "duplicate", "skipped", "failed")
RECONCILED = "source = migrated + rejected + duplicate + skipped + failed"
BASE_COLUMNS = ("source_row", "status", "reason", "target", "detail")


@dataclass
class EntityReport:
    entity: str
    file: str | None
    frame: pd.DataFrame  # BASE_COLUMNS first, then the entity's own
    facts: dict[str, Any] = field(default_factory=dict)  # what else the summary says about the entity

    @property
    def counts(self) -> dict[str, int]:
        counted = self.frame["status"].value_counts() if len(self.frame) else {}
        return {"source": len(self.frame), **{s: int(counted.get(s, 0)) for s in STATUSES}}

    @property
    def reasons(self) -> dict[str, int]:
        if not len(self.frame):
            return {}
        found = self.frame.loc[self.frame["reason"] != "", "reason"].value_counts()
        return {str(k): int(v) for k, v in found.items()}

    @property
    def reconciled(self) -> bool:
        counts = self.counts
        return counts["source"] == sum(counts[s] for s in STATUSES)

    def describe(self) -> dict[str, Any]:
        return {"file": self.file, "counts": self.counts, "reasons": self.reasons, **self.facts}


def report_frame(rows: Sequence[Mapping[str, Any]], columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A report frame from row dicts: every value text, the base columns first, ``source_row`` an integer."""
    import pandas as pd

    names = list(BASE_COLUMNS) + [c for c in columns if c not in BASE_COLUMNS]
    for row in rows:
        for key in row:
            if key not in names:
                names.append(key)
    frame = pd.DataFrame([{k: row.get(k, "") for k in names} for row in rows], columns=names)
    for name in names:
        if name == "source_row":
            frame[name] = pd.to_numeric(frame[name], errors="coerce").fillna(0).astype("int64")
        else:
            frame[name] = frame[name].fillna("").astype("str")
    return frame
