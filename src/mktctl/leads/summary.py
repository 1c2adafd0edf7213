"""What a check found, and what an import did, as one value: the content of ``summary.json``.

The check builds a :class:`CheckSummary` (counts per status and reason, warnings, the column mapping, the
file, the options and cleaning rules, timings); an import adds an :class:`ImportReport` (the outcome of
every accepted row, the tenant, calls and speed); the result files add their own timings. The CLI renders
it, the result workbook's summary sheet and ``summary.json`` are written from it (:meth:`CheckSummary.as_json`),
and nothing reads the file back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mktctl.leads.rules import DUPLICATE, INVALID_VALUE, REASONS

STATUSES = ("accepted", "duplicate", "rejected")
OUTCOMES = ("created", "updated", "unchanged", "failed", "not_attempted")
ROWS_INVARIANT = "input = accepted + duplicate + rejected"
OUTCOMES_INVARIANT = "accepted = created + updated + unchanged + failed + not_attempted"


@dataclass(frozen=True)
class ImportReport:
    """What an import did: one outcome per accepted row, and how the run went."""

    outcomes: Mapping[str, int]  # per outcome, every one of OUTCOMES
    tenant_name: str
    tenant_kind: str  # the tenant settings, described without secrets
    options: Mapping[str, Any]  # the import's options (source, event, pool, on_existing, ...)
    journal: str
    stopped: str | None = None  # why the import stopped early, if it did
    tenant_seconds: float = 0.0
    write_calls: int = 0
    fields_not_on_tenant: tuple[str, ...] = ()

    @property
    def rows_per_second(self) -> float | None:
        if self.tenant_seconds > 0 and self.write_calls:
            return round(self.write_calls / self.tenant_seconds, 1)
        return None


@dataclass(frozen=True)
class CheckSummary:
    file: Mapping[str, Any]  # the file as it was read: format, encoding, sheet, header row, ragged rows
    options: Mapping[str, Any]  # the check's options, with the cleaning rules used
    counts: Mapping[str, int]  # input, and the rows per status
    blank_rows_skipped: int
    reasons: Mapping[str, int]  # rows per reason, "duplicate" included
    duplicate_groups: int
    warnings: Mapping[str, int]
    mapping: Mapping[str, Any]  # mapped: field → headers; ignored: header and why
    timings: Mapping[str, float] = field(default_factory=dict)  # seconds per phase
    imported: ImportReport | None = None

    @property
    def invariants(self) -> dict[str, bool]:
        """Every row has exactly one status; for an import, every accepted row exactly one outcome."""
        checks = {ROWS_INVARIANT: self.counts.get("input", 0) == sum(self.counts.get(s, 0) for s in STATUSES)}
        if self.imported is not None:
            checks[OUTCOMES_INVARIANT] = self.counts.get("accepted", 0) == sum(self.imported.outcomes.values())
        return checks

    def with_import(self, report: ImportReport) -> CheckSummary:
        return replace(self, imported=report)

    def with_timings(self, timings: Mapping[str, float]) -> CheckSummary:
        """These timings added to (or replacing those of the same name in) the summary's."""
        return replace(self, timings={**self.timings, **timings})

    def as_json(self) -> dict[str, Any]:
        """The content of summary.json, keys in their documented order."""
        data: dict[str, Any] = {
            "file": dict(self.file),
            "options": dict(self.options),
            "counts": dict(self.counts),
            "blank_rows_skipped": self.blank_rows_skipped,
            "reasons": {r: self.reasons.get(r, 0) for r in (*REASONS, INVALID_VALUE, DUPLICATE)
                        if r != INVALID_VALUE or r in self.reasons},  # invalid_value: when custom fields are fed
            "duplicate_groups": self.duplicate_groups,
            "warnings": dict(self.warnings),
            "mapping": dict(self.mapping),
        }
        report = self.imported
        if report is not None:
            data["outcomes"] = {o: report.outcomes.get(o, 0) for o in OUTCOMES}
        data["invariants"] = self.invariants
        if report is not None:
            data["tenant"] = {"name": report.tenant_name, "kind": report.tenant_kind,
                              "on_existing": report.options.get("on_existing")}
            data["import"] = {**report.options, "stopped": report.stopped, "journal": report.journal,
                              "tenant_seconds": round(report.tenant_seconds, 3), "write_calls": report.write_calls,
                              "rows_per_second": report.rows_per_second,
                              "fields_not_on_tenant": list(report.fields_not_on_tenant)}
        data["timings_s"] = {k: round(v, 3) for k, v in self.timings.items()}
        return data
