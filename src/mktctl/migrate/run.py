"""``migrate(playbook_dir, options, tenant) -> MigrationResult``: the whole migration, in this order.

1. read and decide (:mod:`mktctl.migrate.prepare`): no tenant; a dry run stops here and writes the results;
2. the consent records, before anyone is imported: a migration that cannot record every opt-out imports
   nobody (:class:`MigrationStopped`);
3. the lead fields the migration fills (defined on a tenant with mktctl's extension API), the people
   through the lead import (resumable: ``RESULTS/people/journal.jsonl``), then each lead's old id, tags,
   stage and scores (added, never overwritten);
4. members (and their points checked), content;
5. the check that no opted-out person is reachable, and the results (:mod:`mktctl.migrate.results`).

Every step can be repeated: a rerun finds everything in place and changes nothing. One migration at a time
runs in a result folder (``RESULTS/migrate.lock``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.migrate import consent, leadfields, results
from mktctl.migrate import content as content_step
from mktctl.migrate import members as members_step
from mktctl.migrate import people as people_step
from mktctl.migrate.prepare import Prepared, prepare
from mktctl.migrate.state import Applied, MigrateOptions, MigrationStopped

__all__ = ["Applied", "MigrateOptions", "MigrationStopped", "migrate"]

if TYPE_CHECKING:
    from mktctl.leads.progress import Progress
    from mktctl.tenant.connect import Tenant


def migrate(playbook_dir: Path, options: MigrateOptions, tenant: Tenant | None = None,
            progress: Progress | None = None) -> results.MigrationResult:
    from mktctl.base.lock import RunLock
    from mktctl.leads.private import private_dir
    from mktctl.migrate.mapfile import load_map, preset_map
    from mktctl.playbook.load import load_playbook

    if not options.dry_run and tenant is None:
        raise ValueError("a migration that is not a dry run needs a tenant")
    playbook, _warnings = load_playbook(playbook_dir)
    mapping = load_map(options.map_file) if options.map_file else preset_map(options.preset)
    score_mode = options.scores or mapping.scores
    extension = bool(tenant is not None and tenant.capabilities())
    out = options.out
    private_dir(out)
    with RunLock(out, "migrate", "mktctl migrate"), \
            tempfile.TemporaryDirectory(prefix=".mktctl-leads-", dir=out) as work:
        ready = prepare(playbook, mapping, options.source, Path(work), out, score_mode=score_mode,
                        extension=extension if not options.dry_run else True, dry_run=options.dry_run)
        applied = Applied(extension=extension)
        if not options.dry_run:
            assert tenant is not None
            _apply(tenant, ready, applied, options, progress)
        elif score_mode == "recompute" or ready.history is not None:
            _recompute(ready, applied, options.now)
        return results.finish(ready, applied, options, playbook_dir)


def _apply(tenant: Tenant, ready: Prepared, applied: Applied, options: MigrateOptions,
           progress: Progress | None) -> None:
    out = options.out
    applied.tenant = {"name": tenant.name, "kind": tenant.settings.describe(), "extension_api": applied.extension}
    # 1. opt-outs first: nobody is imported before every opt-out is recorded
    if ready.records:
        if applied.extension:
            applied.consent_written = consent.write_records(tenant, ready.records, ready.mapping.system)
            if applied.consent_written.failed:
                first = next(iter(applied.consent_written.failed.values()))
                raise MigrationStopped(f"{len(applied.consent_written.failed)} opt-out(s) could not be recorded on "
                                       f"the tenant ({first}); nobody was imported",
                                       hint="fix the cause and run the same command again")
        else:
            path = consent.write_file(ready.records, out, ready.mapping.system)
            applied.consent_written = consent.Written(file=path)
            applied.manual.append({"entity": "consent", "where": consent.CONSENT_MENU,
                                   "step": f"import {path.name} ({len(ready.records)} opted-out addresses) as the "
                                           "unsubscribe list BEFORE any marketing message is sent"})
    # 2. people
    if ready.people is not None and ready.staged is not None and ready.check is not None:
        _people(tenant, ready, applied, options, progress)
    if applied.stopped:
        return
    # 3. scores recomputed, then the values of every lead
    _recompute(ready, applied, options.now)
    _lead_values(tenant, ready, applied, options.workers)
    # 4. members and content
    if ready.members is not None and ready.members.upserts:
        if applied.extension:
            applied.members_failed = members_step.write(tenant, ready.members, applied.lead_of_row)
            applied.points = members_step.check_points(ready.members, members_step.on_tenant(tenant),
                                                       applied.members_failed)
        else:
            path = members_step.write_file(ready.members, out)
            applied.manual.append({"entity": "members", "where": members_step.MEMBERS_MENU,
                                   "step": f"import {path.name} ({len(ready.members.upserts)} members with tier and "
                                           "points), then compare the points total with summary.json"})
    if ready.content is not None and ready.content.uploads and applied.extension:
        applied.content_failed = content_step.upload(tenant, ready.content.uploads)
    # 5. the opt-out invariant, asked of the tenant
    if applied.extension:
        applied.verification = consent.verify(tenant, ready.facts, applied.lead_of_row)
    else:
        applied.verification = consent.Verification(verified=False, note="the tenant has no consent records API: "
                                                                         f"import {consent.CONSENT_FILE}")


def _people(tenant: Tenant, ready: Prepared, applied: Applied, options: MigrateOptions,
            progress: Progress | None) -> None:
    from mktctl.kinds.imports import cleaning_rules

    assert ready.people is not None and ready.staged is not None and ready.check is not None
    field_name = ready.mapping.source_id_field
    wanted = _wanted_fields(ready)
    applied.fields = leadfields.prepare_fields(tenant, wanted, field_name, extension=applied.extension)
    applied.manual += leadfields.manual_field_steps(applied.fields, field_name)
    people_dir = options.out / "people"
    if field_name in applied.fields.available:
        old_ids = dict(zip(ready.people.rows, ready.people.column("source_id").str.strip().tolist(), strict=True))
        existing = people_step.leads_by_old_id(tenant, field_name, list(old_ids.values()))
        applied.seeded = people_step.seed_journal(tenant, people_dir, ready.check, old_ids, existing)
    imported = people_step.import_people(tenant, ready.staged, people_dir, rules=cleaning_rules(ready.playbook),
                                         workers=options.workers, progress=progress)
    applied.stopped = imported.stopped
    applied.import_summary = imported.summary.as_json()
    applied.outcomes = people_step.read_outcomes(people_dir)
    for row in applied.outcomes.itertuples(index=False):
        if row.record_id and row.outcome in ("created", "updated", "unchanged", ""):
            applied.lead_of_row[int(row.source_row)] = str(row.record_id)


def _wanted_fields(ready: Prepared) -> list[str]:
    wanted = [ready.mapping.source_id_field] if ready.people is not None and ready.people.has("source_id") else []
    if ready.tags.values:
        wanted.append(leadfields.TAGS_FIELD)
    if ready.stages.values:
        wanted.append(leadfields.STAGE_FIELD)
    if ready.old_scores.by_person:
        wanted.append(leadfields.SOURCE_SCORE_FIELD)
    if ready.score_mode == "recompute":
        wanted.append(leadfields.MODEL_SCORE_FIELD)
    return wanted


def _recompute(ready: Prepared, applied: Applied, now: dt.datetime) -> None:
    from mktctl.migrate import scores

    if not ready.playbook.of("scoring_models"):
        return
    people = ready.lead_fields()
    if applied.lead_of_row:
        people = {row: fields for row, fields in people.items() if row in applied.lead_of_row}
    activities = ready.history.activities if ready.history else []
    applied.model, applied.new_scores = scores.recompute(ready.playbook, people, activities, now)


def _lead_values(tenant: Tenant, ready: Prepared, applied: Applied, workers: int) -> None:
    if applied.fields is None or ready.people is None:
        return
    desired: dict[str, dict[str, Any]] = {}
    ids = dict(zip(ready.people.rows, ready.people.column("source_id").str.strip().tolist(), strict=True))
    for row, lead in applied.lead_of_row.items():
        if ready.survivor_of.get(row) != row:
            continue  # a duplicate's values are its survivor's
        values: dict[str, Any] = {ready.mapping.source_id_field: ids.get(row, "")}
        values[leadfields.TAGS_FIELD] = ready.tags.values.get(row, [])
        values[leadfields.STAGE_FIELD] = (ready.stages.values.get(row) or [""])[0]
        old = ready.old_scores.by_person.get(row)
        values[leadfields.SOURCE_SCORE_FIELD] = None if old is None else old
        if ready.score_mode == "recompute":
            values[leadfields.MODEL_SCORE_FIELD] = applied.new_scores.get(row)
        desired[lead] = values
    applied.values = leadfields.write_values(tenant, desired, applied.fields.available, workers=workers)
