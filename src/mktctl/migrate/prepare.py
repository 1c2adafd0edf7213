"""The first half of a migration, which touches no tenant: read every export, check the people, and decide
what each row of each entity becomes. A dry run is this and the result files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.errors import PlaybookError, Problem
from mktctl.migrate import audience, consent, scores
from mktctl.migrate import content as content_step
from mktctl.migrate import history as history_step
from mktctl.migrate import members as members_step
from mktctl.migrate.exports import EntityTable, find_files, read_entity
from mktctl.migrate.mapfile import MigrationMap
from mktctl.migrate.tables import Translator, Vocabulary, check_against_playbook, vocabulary

if TYPE_CHECKING:
    import pandas as pd

    from mktctl.kinds.base import Playbook
    from mktctl.leads.check import CheckRun
    from mktctl.migrate.people import Staged

DATE_FIELDS = {"people": "create_time", "opt_outs": "opted_out_at", "behaviour": "at", "members": "joined_at"}


@dataclass
class Prepared:
    """Everything decided before the tenant is touched."""

    playbook: Playbook
    mapping: MigrationMap
    vocab: Vocabulary
    translator: Translator
    score_mode: str
    tables: dict[str, EntityTable]
    times: dict[str, pd.Series]
    invalid_dates: dict[str, int]
    staged: Staged | None = None
    check: CheckRun | None = None
    statuses: pd.DataFrame | None = None  # the lead check's status of each people row
    survivor_of: dict[int, int | None] = field(default_factory=dict)  # people row -> row of its lead, or None
    index: consent.PersonIndex = field(default_factory=consent.PersonIndex)
    history: history_step.History | None = None
    facts: list[consent.OptOut] = field(default_factory=list)
    records: list[consent.Record] = field(default_factory=list)
    old_scores: scores.OldScores = field(default_factory=scores.OldScores)
    tags: audience.Assigned = field(default_factory=audience.Assigned)
    stages: audience.Assigned = field(default_factory=audience.Assigned)
    members: members_step.Members | None = None
    content: content_step.ContentRun | None = None

    @property
    def people(self) -> EntityTable | None:
        return self.tables.get("people")

    def lead_fields(self) -> dict[int, dict[str, str]]:
        """survivor row -> its lead fields as staged (for the scoring model's profile rules)."""
        people = self.people
        if people is None:
            return {}
        from mktctl.migrate.people import STAGED_HEADERS, full_names

        values = {key: people.column(key).tolist() for key in STAGED_HEADERS}
        values["name"] = full_names(people).tolist()
        values["create_time"] = self.times["people"].tolist()
        return {row: {key: str(values[key][i]) for key in STAGED_HEADERS}
                for i, row in enumerate(people.rows) if self.survivor_of.get(row) == row}


def prepare(playbook: Playbook, mapping: MigrationMap, source: Path, work_dir: Path, out_dir: Path, *,
            score_mode: str, extension: bool, dry_run: bool) -> Prepared:
    from mktctl.kinds.imports import cleaning_rules
    from mktctl.migrate import people as people_step
    from mktctl.migrate.values import parse_dates

    vocab = vocabulary(playbook)
    check_against_playbook(mapping, vocab)
    if score_mode == "recompute" and not playbook.of("scoring_models"):
        raise PlaybookError([Problem(mapping.marks.get("score_mode"), "score_mode: recompute needs the playbook's "
                                                                      "scoring model (a scoring_models entry); use "
                                                                      "carry, or declare the model first")])
    tables = {entity: read_entity(path, entity, mapping) for entity, path in find_files(source, mapping).items()}
    times: dict[str, pd.Series] = {}
    invalid: dict[str, int] = {}
    for entity, read in tables.items():
        name = DATE_FIELDS.get(entity)
        if name:
            parsed, bad = parse_dates(read.column(name))
            times[entity], invalid[entity] = parsed, int(bad.sum())
    ready = Prepared(playbook=playbook, mapping=mapping, vocab=vocab, translator=Translator(mapping, vocab),
                     score_mode=score_mode, tables=tables, times=times, invalid_dates=invalid)
    table = tables.get("people")
    if table is not None:
        ready.staged = people_step.stage(table, work_dir, times["people"])
        ready.check, ready.statuses = people_step.check(ready.staged, work_dir, cleaning_rules(playbook))
        for row in ready.statuses.itertuples(index=False):
            ready.survivor_of[int(row.source_row)] = (int(row.source_row) if row.status == "accepted" else
                                                      int(row.duplicate_of) if row.status == "duplicate" else None)
    ready.index = consent.person_index(table, ready.statuses)
    behaviour = tables.get("behaviour")
    if behaviour is not None:
        ready.history = history_step.build(behaviour, times["behaviour"], ready.index, ready.translator,
                                           ready.survivor_of)
    ready.facts = consent.collect(table, tables.get("opt_outs"), ready.history.unsubscribes if ready.history else [],
                                  ready.index, times)
    ready.records = consent.records(ready.facts)
    ready.old_scores = scores.old_scores(table, tables.get("scores"), ready.index, ready.survivor_of)
    ready.tags = audience.tags(table, tables.get("tags"), ready.index, ready.translator, ready.survivor_of)
    ready.stages = audience.stages(table, ready.translator, ready.survivor_of)
    if "members" in tables:
        ready.members = members_step.build(tables["members"], times["members"], ready.index, ready.translator)
    if "content" in tables:
        ready.content = content_step.build(tables["content"], source, mapping, out_dir, extension=extension,
                                      dry_run=dry_run)
    return ready


def now_in_shanghai(now: dt.datetime) -> str:
    from mktctl.rules.clock import SHANGHAI

    return (now.astimezone(SHANGHAI) if now.tzinfo else now).strftime("%Y-%m-%d %H:%M:%S")


def describe_tables(ready: Prepared) -> dict[str, Any]:
    return {entity: {**table.describe(), "rows": len(table), "blank_rows": table.blank_rows,
                     "invalid_dates": ready.invalid_dates.get(entity, 0)} for entity, table in ready.tables.items()}
