"""Each entity's report: one row per source row with its final status, from what was decided before the
tenant was touched (:mod:`.prepare`) and what the tenant did (:class:`mktctl.migrate.run.Applied`).

A value that goes into a lead field (tags, stage, score) is ``migrated`` once written (in a dry run: it
would be); ``failed`` when its person's lead could not be made or updated; ``skipped`` (``field_missing``)
on a real tenant whose lead lacks the field (a manual step says which). On a tenant without mktctl's
extension API, opt-outs and members are ``skipped`` (``manual_import``): they are in the files to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mktctl.migrate import leadfields
from mktctl.migrate.consent import report_rows
from mktctl.migrate.outcome import EntityReport, report_frame

if TYPE_CHECKING:
    from mktctl.migrate.prepare import Prepared
    from mktctl.migrate.state import Applied

ENTITY_ORDER = ("people", "consent", "tags", "lifecycle_stages", "scores", "behaviour", "members", "content")


def build_reports(ready: Prepared, applied: Applied, dry_run: bool) -> dict[str, EntityReport]:
    reports: dict[str, EntityReport] = {}
    tables = ready.tables
    if ready.statuses is not None:
        reports["people"] = EntityReport("people", _file(ready, "people"), _people(ready, applied, dry_run))
    if ready.facts:
        rows = report_rows(ready.facts)
        if not dry_run and not applied.extension:
            for row in rows:
                if row["status"] == "migrated":
                    row.update(status="skipped", reason="manual_import", detail="in 退订名单.xlsx")
        reports["consent"] = EntityReport("consent", _file(ready, "opt_outs"), report_frame(rows))
    if ready.tags.rows:
        reports["tags"] = EntityReport("tags", _file(ready, "tags"), report_frame(
            _values(ready.tags.rows, ready, applied, leadfields.TAGS_FIELD, dry_run)))
    if ready.stages.rows:
        reports["lifecycle_stages"] = EntityReport("lifecycle_stages", _file(ready, "people"), report_frame(
            _values(ready.stages.rows, ready, applied, leadfields.STAGE_FIELD, dry_run)))
    if ready.old_scores.rows:
        reports["scores"] = EntityReport("scores", _file(ready, "scores") or _file(ready, "people"), report_frame(
            _values(ready.old_scores.rows, ready, applied, leadfields.SOURCE_SCORE_FIELD, dry_run)))
    if ready.history is not None:
        rows = ready.history.rows
        for row in rows:
            survivor = ready.survivor_of.get(int(row["person_row"])) if row["person_row"] else None
            if row["status"] == "migrated" and survivor is not None:
                row["target"] = applied.lead_of_row.get(survivor, "")
                if not dry_run and not row["target"]:
                    row.update(status="failed", reason="person_not_imported")
        reports["behaviour"] = EntityReport("behaviour", _file(ready, "behaviour"), report_frame(rows))
    if ready.members is not None:
        rows = ready.members.rows
        for row in rows:
            if row["status"] != "migrated" or dry_run:
                continue
            if row["member_no"] in applied.members_failed:
                row.update(status="failed", reason="tenant_refused", detail=applied.members_failed[row["member_no"]])
            elif not applied.extension:
                row.update(status="skipped", reason="manual_import", detail="in 会员导入.xlsx")
        reports["members"] = EntityReport("members", _file(ready, "members"), report_frame(rows))
    if ready.content is not None:
        rows = ready.content.rows
        for row in rows:
            if row["status"] == "migrated" and row["target"] in applied.content_failed:
                row.update(status="failed", reason="tenant_refused", detail=applied.content_failed[row["target"]])
        reports["content"] = EntityReport("content", _file(ready, "content"), report_frame(rows))
    del tables
    return {name: reports[name] for name in ENTITY_ORDER if name in reports}


def _file(ready: Prepared, entity: str) -> str | None:
    table = ready.tables.get(entity)
    return table.path.name if table is not None else None


def _people(ready: Prepared, applied: Applied, dry_run: bool) -> Any:
    assert ready.statuses is not None and ready.people is not None
    checks = {int(r["source_row"]): r for r in ready.statuses.to_dict("records")}
    outcomes = ({int(r["source_row"]): r for r in applied.outcomes.to_dict("records")}
                if applied.outcomes is not None else None)
    ids = dict(zip(ready.people.rows, ready.people.column("source_id").str.strip().tolist(), strict=True))
    owners = dict(zip(ready.people.rows, ready.people.column("owner").tolist(), strict=True))
    rows = []
    for row in ready.people.rows:
        check = checks[row]
        status = {"accepted": "migrated", "duplicate": "duplicate", "rejected": "rejected"}[str(check["status"])]
        reason, detail = str(check["reason"]), ""
        survivor = ready.survivor_of.get(row)
        if outcomes is not None and row in outcomes and status == "migrated":
            outcome = outcomes[row]
            detail = str(outcome["outcome"])
            if detail not in ("created", "updated", "unchanged"):
                status, reason, detail = "failed", detail or "not_attempted", str(outcome["error"])
        elif not dry_run and status == "migrated":
            status, reason = "failed", "not_attempted"
        old = ready.old_scores.by_person.get(survivor) if survivor is not None else None
        new = applied.new_scores.get(survivor) if survivor is not None else None
        rows.append({"source_row": row, "status": status, "reason": reason, "target": applied.lead_of_row.get(row, ""),
                     "detail": detail, "source_id": ids.get(row, ""),
                     "duplicate_of": str(check["duplicate_of"] or "") if status == "duplicate" else "",
                     "mobile_e164": str(check["mobile_e164"]), "email": str(check["email"]),
                     "old_owner": owners.get(row, ""),
                     "lifecycle_stage": ";".join(ready.stages.values.get(survivor, [])) if survivor else "",
                     "tags": ";".join(ready.tags.values.get(survivor, [])) if survivor else "",
                     "old_score": "" if old is None else f"{old:g}", "new_score": "" if new is None else str(new)})
    return report_frame(rows)


def _values(rows: list[dict[str, Any]], ready: Prepared, applied: Applied, field: str,
            dry_run: bool) -> list[dict[str, Any]]:
    """Rows of values written to a lead field, with the outcome of the write."""
    if dry_run:
        return rows
    failed = applied.values.failed if applied.values is not None else {}
    available = applied.fields.available if applied.fields is not None else set()
    for row in rows:
        if row["status"] != "migrated":
            continue
        person = _person_of(row)
        lead = applied.lead_of_row.get(person) if person is not None else None
        if not lead:
            row.update(status="failed", reason="person_not_imported")
        elif field not in available:
            row.update(status="skipped", reason="field_missing", detail=f"the lead has no field {field}")
        elif lead in failed:
            row.update(status="failed", reason="tenant_refused", detail=failed[lead])
        else:
            row["target"] = lead
    return rows


def _person_of(row: dict[str, Any]) -> int | None:
    """The row of the person's lead (``person``: the survivor's row in the people file)."""
    found = row.get("person")
    return int(found) if found not in (None, "") else None
