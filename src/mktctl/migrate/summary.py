"""The content of ``summary.json``: what was found, what became of every row, and whether the invariants
hold. Counts, names and masked addresses only: no personal data in the clear.

Invariants (``true``, ``false``, or ``null`` while a manual step is pending or in a dry run):

* per entity: ``source = migrated + rejected + duplicate + skipped + failed``;
* the lead import's own (``input = accepted + duplicate + rejected`` ...);
* ``no opted-out person is reachable on a channel they opted out of`` (asked of the tenant after the run);
* ``members: the points on the tenant equal the points in the source``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from mktctl.migrate import consent, members, scores
from mktctl.migrate.outcome import RECONCILED, EntityReport
from mktctl.migrate.prepare import describe_tables, now_in_shanghai

if TYPE_CHECKING:
    from mktctl.migrate.prepare import Prepared
    from mktctl.migrate.state import Applied, MigrateOptions


KIND = "mktctl-migration"  # what mktctl report looks for (mktctl.deliver.migration_report)
STATE_FILE = "migration.json"  # the copy of the summary in the playbook's .mktctl/


def reconciled_name(entity: str) -> str:
    return f"{entity}: {RECONCILED}"


def build_summary(ready: Prepared, applied: Applied, options: MigrateOptions, reports: dict[str, EntityReport],
                  playbook: dict[str, Any]) -> dict[str, Any]:
    mapping = ready.mapping
    invariants: dict[str, bool | None] = {reconciled_name(name): r.reconciled for name, r in reports.items()}
    for name, holds in (applied.import_summary.get("invariants") or {}).items():
        invariants[f"people (lead import): {name}"] = bool(holds)
    verification = applied.verification
    invariants[consent.INVARIANT] = verification.holds if verification is not None else None
    if ready.members is not None and ready.members.upserts:
        invariants[members.INVARIANT] = applied.points["holds"] if applied.points is not None else None
    tables = describe_tables(ready)
    return {
        "kind": KIND, "version": 1, "system": mapping.system, "map": mapping.describe(),
        "source": str(options.source), "results": str(options.out), "dry_run": options.dry_run,
        "at": now_in_shanghai(options.now), "tenant": applied.tenant or None, "stopped": applied.stopped,
        "files": tables,
        "unknown_columns": [{"entity": entity, "file": info["file"], "header": header}
                            for entity, info in tables.items() for header in info["unknown"]],
        "entities": {name: report.describe() for name, report in reports.items()},
        "invariants": invariants,
        "unmapped_values": ready.translator.describe_unmapped(),
        "missing_tag_values": ready.translator.describe_missing(),
        "playbook": playbook,
        "consent": _consent(ready, applied),
        "people": _people(applied),
        "scores": _scores(ready, applied),
        "members": applied.points or ({"points_source": ready.members.points} if ready.members else None),
        "content": _content(ready),
        "manual_steps": _manual(ready, applied),
    }


def _consent(ready: Prepared, applied: Applied) -> dict[str, Any]:
    from mktctl.pii import mask_email, mask_phone

    by_channel = Counter(r.channel for r in ready.records)
    written = applied.consent_written
    verification = applied.verification
    return {
        "facts": len(ready.facts), "unclear_flags": sum(1 for f in ready.facts if f.unclear),
        "records": len(ready.records), "by_channel": dict(by_channel),
        "written": None if written is None else {"new": written.created, "changed": written.updated,
                                                 "same": written.unchanged,
                                                 "file": written.file.name if written.file else None},
        "check": None if verification is None else {
            "verified": verification.verified, "addresses_checked": verification.checked, "note": verification.note,
            "reachable": [{"channel": c, "address": mask_email(a) if "@" in a else mask_phone(a), "source_row": r}
                          for c, a, r in verification.reachable[:100]],
            "reachable_count": len(verification.reachable)},
    }


def _people(applied: Applied) -> dict[str, Any] | None:
    imported = applied.import_summary
    fields = applied.fields
    values = applied.values
    if not imported and fields is None:
        return None
    return {"outcomes": imported.get("outcomes"), "seeded_by_old_id": applied.seeded,
            "lead_fields": None if fields is None else {"created": fields.created, "missing": fields.missing},
            "lead_values": None if values is None else {"leads_written": values.updated,
                                                        "leads_already_set": values.unchanged,
                                                        "leads_refused": len(values.failed)}}


def _scores(ready: Prepared, applied: Applied) -> dict[str, Any]:
    old = list(ready.old_scores.by_person.values())
    new = [float(v) for v in applied.new_scores.values()]
    return {"mode": ready.score_mode, "model": applied.model, "old": scores.distribution(old),
            "new": scores.distribution(new) if applied.model else None}


def _content(ready: Prepared) -> dict[str, Any] | None:
    run = ready.content
    if run is None:
        return None
    actions = Counter(row["type"] for row in run.rows if row["status"] == "migrated")
    return {"uploaded_by_type": dict(actions), "manual": sum(1 for row in run.rows if row["status"] == "skipped"),
            "rewritten_files": [p.name for p in run.rewritten_files]}


def _manual(ready: Prepared, applied: Applied) -> list[dict[str, str]]:
    steps = list(applied.manual)
    if ready.content is not None:
        steps += ready.content.manual
    failed = [f for f in ready.facts if f.status == "rejected"]
    if failed:
        steps.append({"entity": "consent", "where": consent.CONSENT_MENU,
                      "step": f"{len(failed)} opt-out(s) have no usable email or mobile (consent.csv, reason "
                              "no_address): find the person's address and record the opt-out by hand"})
    return steps
