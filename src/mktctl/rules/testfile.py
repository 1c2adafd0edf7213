"""Test files (``DIR/tests/*.yaml``): test people, their events on a virtual clock, and what to expect.

``read_test_file(path, display, rules) -> TestCase`` reads one file with a position for every value and
checks it against the playbook's compiled rules: unknown keys, wrong types, and names the playbook does
not declare (behaviours, flows and their steps, reminders, segments, stages, tags, owners ...) are all
reported at once as :class:`~mktctl.errors.PlaybookError` problems, ``tests/FILE.yaml:LINE:COL: message``,
with did-you-mean. The format is in docs/testing.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mktctl.base.yamlload import load_yaml_file
from mktctl.errors import PlaybookError
from mktctl.rules.clock import end_of_day, moment
from mktctl.rules.compile import ALL_CHANNELS, Rules
from mktctl.rules.expectations import read_expectation
from mktctl.rules.model import CONVERSIONS, LEAD, Event, PersonInput
from mktctl.rules.testreader import BEHAVIOURS, EVENT, OBJECTS, PERSON, REFRESH, TOP, Check, Path_, Reader


@dataclass
class TestCase:
    __test__ = False  # not a pytest class

    file: str
    name: str
    start: date
    until: int
    seed: int = 0
    people: list[PersonInput] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    refreshes: list[tuple[int, str]] = field(default_factory=list)


def read_test_file(path: Path, display: str, rules: Rules) -> TestCase:
    document = load_yaml_file(path, display=display)
    reader = _TestFileReader(document, rules)
    case = reader.read(path.stem)
    if reader.problems:
        raise PlaybookError(reader.problems)
    return case


class _TestFileReader(Reader):
    """Reads the people, events and refreshes of a test file; the expectations go to expectations.py."""

    # ---- the file --------------------------------------------------------------------------------------------

    def read(self, stem: str) -> TestCase:
        top = self.mapping(self.doc.data if self.doc.data is not None else {}, (), TOP, "a test file")
        name = self.text(top.get("name"), ("name",), "name") or stem
        start = self._start(top)
        seed = self.number(top.get("seed"), ("seed",), "seed") or 0
        case = TestCase(self.doc.file, name, start, 0, seed)
        people = self.sequence(top.get("people"), ("people",), "people")
        if not people:
            self.error(("people",) if "people" in top else (), "a test needs people: a list of test people")
        ids: list[str] = []
        for index, raw in enumerate(people):
            person = self._person(raw, ("people", index), ids)
            if person is not None:
                case.people.append(person)
        for index, raw in enumerate(self.sequence(top.get("refresh"), ("refresh",), "refresh")):
            item = self.mapping(raw, ("refresh", index), REFRESH, "a refresh")
            at, _ = self.moment(item, ("refresh", index))
            segment = self.one_of(item.get("segment"), ("refresh", index, "segment"),
                                  [s.name for s in self.rules.segments], "segment")
            if at is not None and segment is not None:
                case.refreshes.append((at, segment))
        for index, raw in enumerate(self.sequence(top.get("expect"), ("expect",), "expect")):
            case.checks.extend(read_expectation(self, raw, ("expect", index), ids))
        days = self.number(top.get("days"), ("days",), "days")
        case.until = end_of_day(days if days is not None else max(self.days))
        return case

    def _start(self, top: dict[str, Any]) -> date:
        raw = top.get("start")
        if raw is None:
            self.error((), "give start: the date of day 0, e.g. start: 2026-03-02")
            return date(2026, 1, 1)
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            self.error(("start",), f"start is a date such as 2026-03-02, not {raw!r}")
            return date(2026, 1, 1)

    def _person(self, raw: Any, path: Path_, ids: list[str]) -> PersonInput | None:
        item = self.mapping(raw, path, PERSON, "a test person")
        person_id = self.text(item.get("id"), (*path, "id"), "id")
        if person_id is None:
            self.error(path, "a test person needs an id (how expectations name them)")
            return None
        if person_id in ids:
            self.error((*path, "id"), f"two test people are called {person_id!r}")
        ids.append(person_id)
        lead = item.get("lead") or {}
        if not isinstance(lead, dict):
            self.error((*path, "lead"), "lead is a mapping of lead fields (姓名: 王芳)")
            lead = {}
        fields = {str(k): str(v) for k, v in lead.items() if v is not None}
        created = self.mapping(item.get("created", {}), (*path, "created"), ("day", "time"), "created")
        at = self.moment(created, (*path, "created"), required=False)[0] if created else None
        obj = self.one_of(item.get("object", LEAD), (*path, "object"), self._objects(), "object") or LEAD
        pool = self.one_of(item["pool"], (*path, "pool"), self.rules.pools, "lead pool") if "pool" in item else None
        events = [e for index, raw_event in enumerate(self.sequence(item.get("events"), (*path, "events"), "events"))
                  if (e := self._event(raw_event, (*path, "events", index), index)) is not None]
        return PersonInput(person_id, fields, at if at is not None else moment(0), tuple(events), obj, pool)

    def _objects(self) -> list[str]:
        return list(OBJECTS)

    def _event(self, raw: Any, path: Path_, index: int) -> Event | None:
        item = self.mapping(raw, path, EVENT, "an event")
        at, _ = self.moment(item, path)
        behaviour = self.one_of(item["behaviour"], (*path, "behaviour"), BEHAVIOURS, "behaviour") \
            if "behaviour" in item else None
        channel = self.one_of(item["channel"], (*path, "channel"), ALL_CHANNELS, "channel") if "channel" in item \
            else None
        converted = self.one_of(item["converted"], (*path, "converted"), CONVERSIONS, "conversion") \
            if "converted" in item else None
        changes: list[tuple[str, str]] = []
        if "set" in item:
            values = item["set"]
            if isinstance(values, dict):
                changes = [(self.rules.names.key(str(k)), "" if v is None else str(v)) for k, v in values.items()]
            else:
                self.error((*path, "set"), "set is a mapping of fields to their new values")
        follow_up = item.get("follow_up", False)
        if not isinstance(follow_up, bool):
            self.error((*path, "follow_up"), "follow_up is true or false")
        if not ({"behaviour", "set", "follow_up", "converted"} & set(item)):
            self.error(path, "an event is a behaviour, set, follow_up or converted")
        if at is None:
            return None
        texts = {k: self.text(item.get(k), (*path, k), k) for k in ("content", "source", "campaign", "event_type")}
        return Event(at, index, behaviour, texts["content"], channel, texts["source"], texts["campaign"],
                     texts["event_type"], tuple(changes), follow_up is True, converted)
