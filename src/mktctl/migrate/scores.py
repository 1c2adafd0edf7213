"""Scores: the old system's score carried over, and the playbook's own scoring model run over the migrated
behaviour history.

* carried: every number in the people file's ``score`` column or the scores file goes to its person's lead
  (the field 原系统评分); a person with several (their duplicates') keeps the highest. Not a number:
  ``skipped`` (``not_a_number``); a person who is not migrated: ``rejected``;
* recomputed (``scores: recompute``): each migrated person runs through the rules engine
  (:func:`mktctl.rules.run_person`) from their creation with their migrated activities, on a clock that
  ends at the moment of the migration, so decay counts the time since; the model's score at that moment
  goes to the field 行为积分(迁移重算).

Either way the summary shows both distributions (old and new, in the same bins), so the client sees how
the new model ranks the people the old one ranked.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mktctl.migrate.consent import PersonIndex
    from mktctl.migrate.exports import EntityTable
    from mktctl.migrate.history import Activity

BINS = (0, 1, 10, 20, 30, 50, 80, 100)


@dataclass
class OldScores:
    rows: list[dict[str, Any]] = field(default_factory=list)
    by_person: dict[int, float] = field(default_factory=dict)  # survivor row -> old score


def old_scores(people: EntityTable | None, scores: EntityTable | None, index: PersonIndex,
               survivor_of: dict[int, int | None]) -> OldScores:
    from mktctl.migrate.consent import normalised_addresses
    from mktctl.migrate.values import number

    found = OldScores()
    sources: list[tuple[str, int, int | None, str]] = []  # origin, row, person row, text
    if people is not None and people.has("score"):
        sources += [("people", row, row, text) for row, text in zip(people.rows, people.column("score"), strict=True)
                    if str(text).strip()]
    if scores is not None:
        emails, mobiles = normalised_addresses(scores)
        for row, source_id, email, mobile, text in zip(scores.rows, scores.column("source_id").str.strip(), emails,
                                                       mobiles, scores.column("score"), strict=True):
            sources.append(("scores", row, index.find(source_id, email, mobile), text))
    for origin, row, person, text in sources:
        value = number(text)
        survivor = survivor_of.get(person) if person is not None else None
        status, reason = "migrated", ""
        if person is None:
            status, reason = "rejected", "unknown_person"
        elif survivor is None:
            status, reason = "rejected", "person_not_migrated"
        elif value is None:
            status, reason = "skipped", "not_a_number"
        else:
            found.by_person[survivor] = max(value, found.by_person.get(survivor, value))
        found.rows.append({"source_row": row, "status": status, "reason": reason, "target": "", "detail": "",
                           "from": origin, "score": str(text), "person": "" if survivor is None else str(survivor)})
    return found


def recompute(playbook: Any, people: dict[int, dict[str, str]], activities: list[Activity],
              now: dt.datetime) -> tuple[str | None, dict[int, int]]:
    """(the model's name, survivor row -> its score at ``now``) for ``people`` (survivor row -> lead fields
    with ``create_time``), with their activities. No scoring model: (None, {})."""
    from mktctl.rules import Clock, Event, PersonInput, clean_people, compile_rules, run_person
    from mktctl.rules.identity import Survivor
    from mktctl.rules.model import LEAD, SCORE

    rules = compile_rules(playbook)
    if not rules.models:
        return None, {}
    model = rules.models[0].name
    moments = [_moment(a.at) for a in activities] + [_moment(f.get("create_time", "")) for f in people.values()]
    known = [m for m in moments if m is not None]
    from mktctl.rules.clock import SHANGHAI

    local_now = now.astimezone(SHANGHAI).replace(tzinfo=None) if now.tzinfo else now
    start = min([*known, local_now]).date()
    clock = Clock(start)
    until = clock.minute_of(now)
    by_person: dict[int, list[Event]] = {}
    for activity in activities:
        moment = _moment(activity.at)
        if moment is not None:
            by_person.setdefault(activity.person_row, []).append(Event(
                clock.minute_of(moment), behaviour=activity.behaviour, content=activity.content or None,
                channel=activity.channel or None, campaign=activity.campaign or None))
    rows = sorted(people)
    inputs = []
    for row in rows:
        fields = {k: v for k, v in people[row].items() if k != "create_time" and v}
        events = sorted(by_person.get(row, []), key=lambda event: event.at)
        created = _moment(people[row].get("create_time", ""))
        first = clock.minute_of(created) if created is not None else (events[0].at if events else until)
        inputs.append(PersonInput(str(row), fields, min(first, until), tuple(events)))
    cleaned = clean_people(rules.cleaning, rules.names, inputs)
    scores: dict[int, int] = {}
    for order, (row, person, clean) in enumerate(zip(rows, inputs, cleaned, strict=True)):
        survivor = Survivor(person.id, order, person.created, person.created, LEAD, None, dict(clean.fields),
                            [e for e in person.events if e.at <= until])
        result, _ = run_person(rules, survivor, clock=clock, until=until, qualify_only=True)
        changes = [c for c in result.timeline if c.kind == SCORE and c.subject == model]
        scores[row] = int(changes[-1].value) if changes else 0
    return model, scores


def _moment(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def distribution(values: list[float]) -> dict[str, Any]:
    """Counts per bin (``<0``, ``0``, ``1-9``, ``10-19`` ... ``100+``) and min, median, mean and max."""
    bins: dict[str, int] = {"<0": sum(1 for v in values if v < 0)}
    for low, high in itertools.pairwise(BINS):
        label = str(low) if high - low == 1 else f"{low}-{high - 1}"
        bins[label] = sum(1 for v in values if low <= v < high)
    bins[f"{BINS[-1]}+"] = sum(1 for v in values if v >= BINS[-1])
    stats: dict[str, Any] = {"count": len(values)}
    if values:
        stats.update(min=min(values), median=statistics.median(values), mean=round(statistics.fmean(values), 1),
                     max=max(values))
    return {**stats, "bins": bins}
