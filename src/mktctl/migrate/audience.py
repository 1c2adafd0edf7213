"""Tags and lifecycle stages: each person's old values translated onto the playbook's (:mod:`.tables`).

Tags come from the people file's ``tags`` cells (several values in a cell: ``a;b``, ``a, b``), its lead
status (through the ``lead_status`` table) and the tags file's rows. Each value is one row of ``tags.csv``:
``migrated`` (translated, its person migrated), ``skipped`` (``unmapped_tag``, ``unmapped_lead_status``) or
``rejected`` (``unknown_person``, ``person_not_migrated``). A person's tags are those of all their rows (a
duplicate's go to the person it duplicates). Stages likewise, one row per person with a stage; a person
with several keeps the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mktctl.migrate.consent import PersonIndex
    from mktctl.migrate.exports import EntityTable
    from mktctl.migrate.tables import Translator


@dataclass
class Assigned:
    rows: list[dict[str, Any]] = field(default_factory=list)
    values: dict[int, list[str]] = field(default_factory=dict)  # survivor row -> its values, in order


def _status(person: int | None, survivor: int | None, value: str | None, unmapped: str) -> tuple[str, str]:
    if person is None:
        return "rejected", "unknown_person"
    if survivor is None:
        return "rejected", "person_not_migrated"
    if value is None:
        return "skipped", unmapped
    return "migrated", ""


def tags(people: EntityTable | None, tags_table: EntityTable | None, index: PersonIndex, translator: Translator,
         survivor_of: dict[int, int | None]) -> Assigned:
    from mktctl.migrate.consent import normalised_addresses
    from mktctl.migrate.values import split_multi

    found = Assigned()
    cells: list[tuple[str, int, int | None, str, str]] = []  # origin, row, person, text, table
    if people is not None:
        for row, text, status in zip(people.rows, people.column("tags"), people.column("lead_status"), strict=True):
            cells += [("people", row, row, value, "tags") for value in split_multi(text)]
            if str(status).strip():
                cells.append(("people", row, row, str(status).strip(), "lead_status"))
    if tags_table is not None:
        emails, mobiles = normalised_addresses(tags_table)
        for row, source_id, email, mobile, text in zip(tags_table.rows, tags_table.column("source_id").str.strip(),
                                                       emails, mobiles, tags_table.column("tags"), strict=True):
            person = index.find(source_id, email, mobile)
            cells += [("tags", row, person, value, "tags") for value in split_multi(text)]
    for origin, row, person, old, table in cells:
        survivor = survivor_of.get(person) if person is not None else None
        new = translator.tag(old, table) if survivor is not None else None
        status, reason = _status(person, survivor, new, "unmapped_tag" if table == "tags" else "unmapped_lead_status")
        found.rows.append({"source_row": row, "status": status, "reason": reason, "target": "", "detail": "",
                           "from": origin if table == "tags" else "people (lead status)", "old_value": old,
                           "tag": new or "", "person": "" if survivor is None else str(survivor)})
        if status == "migrated" and survivor is not None and new is not None:
            values = found.values.setdefault(survivor, [])
            if new not in values:
                values.append(new)
    return found


def stages(people: EntityTable | None, translator: Translator, survivor_of: dict[int, int | None]) -> Assigned:
    found = Assigned()
    if people is None or not people.has("lifecycle_stage"):
        return found
    for row, old in zip(people.rows, people.column("lifecycle_stage").str.strip(), strict=True):
        if not old:
            continue
        survivor = survivor_of.get(row)
        new = translator.stage(old) if survivor is not None else None
        status, reason = _status(row, survivor, new, "unmapped_stage")
        found.rows.append({"source_row": row, "status": status, "reason": reason, "target": "", "detail": "",
                           "old_value": old, "stage": new or "", "person": "" if survivor is None else str(survivor)})
        if status == "migrated" and survivor is not None and new is not None:
            found.values.setdefault(survivor, [new])
    return found
