"""Test files (``DIR/tests/*.yaml``): test people, their events on a virtual clock, and what to expect.

``read_test_file(path, display, rules) -> TestCase`` reads one file with a position for every value and
checks it against the playbook's compiled rules: unknown keys, wrong types, and names the playbook does
not declare (behaviours, flows and their steps, reminders, segments, stages, tags, owners ...) are all
reported at once as :class:`~mktctl.errors.PlaybookError` problems, ``tests/FILE.yaml:LINE:COL: message``,
with did-you-mean. The format is in docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mktctl.base.suggest import did_you_mean
from mktctl.base.yamlload import Document, load_yaml_file
from mktctl.errors import Mark, PlaybookError, Problem
from mktctl.rules.clock import DAY, end_of_day, moment, parse_time
from mktctl.rules.compile import ALL_CHANNELS, Rules
from mktctl.rules.model import CONVERSIONS, LEAD, Event, PersonInput

Path_ = tuple[str | int, ...]
#: the behaviours a condition or a scoring rule can name (营销通's 行为 picklist)
BEHAVIOURS = ("浏览微页面", "浏览文章", "浏览产品", "下载文件", "提交表单", "报名活动", "活动签到", "观看直播",
              "打开邮件", "点击邮件链接", "点击短信链接", "访问官网", "咨询客服", "关注公众号", "添加企业微信",
              "转发内容", "退订")
OBJECTS = ("销售线索", "客户", "联系人", "企业微信客户", "微信用户", "会员")
TOP = ("name", "description", "start", "days", "seed", "people", "expect", "refresh")
PERSON = ("id", "object", "pool", "lead", "created", "events")
EVENT = ("day", "time", "behaviour", "content", "channel", "source", "campaign", "event_type", "set", "follow_up",
         "converted")
EXPECT = ("person", "day", "time", "score", "grade", "mql", "owner", "pool", "tags", "not_tags", "segments",
          "not_segments", "stage", "received", "not_received", "rejected", "merged_into", "reminders",
          "not_reminders", "attribution", "fields")
RECEIVED = ("flow", "step", "day", "time", "subject", "channel", "body")
REMINDERS = ("sla", "day", "time", "number")
REFRESH = ("segment", "day", "time")
REJECTIONS = ("missing_required", "test_data", "competitor", "invalid_contact", "duplicate")


@dataclass(frozen=True)
class Check:
    """One expectation: ``kind`` of ``person`` at ``at`` (None: the end of the test) should be ``want``."""

    person: str
    kind: str
    want: Any
    at: int | None
    when: str  # "day 3", "day 3 10:00" or ""
    mark: Mark

    @property
    def title(self) -> str:
        return f"{self.person}{' ' + self.when if self.when else ''}: {self.kind}"


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
    reader = _Reader(document, rules)
    case = reader.read(path.stem)
    if reader.problems:
        raise PlaybookError(reader.problems)
    return case


class _Reader:
    def __init__(self, document: Document, rules: Rules) -> None:
        self.doc = document
        self.rules = rules
        self.problems: list[Problem] = []
        self.days: list[int] = [0]

    # ---- primitives ------------------------------------------------------------------------------------------

    def error(self, path: Path_, message: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.doc.mark(path, key=key), message))

    def mapping(self, value: Any, path: Path_, keys: Iterable[str], what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, f"{what} is a mapping (key: value)")
            return {}
        allowed = tuple(keys)
        for key in value:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.error((*path, key), f"unknown key {key!r} in {what}" + (f"; {hint}" if hint else
                                                                             f" (keys: {', '.join(allowed)})"),
                           key=True)
        return value

    def sequence(self, value: Any, path: Path_, what: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, f"{what} is a list")
            return []
        return value

    def text(self, value: Any, path: Path_, what: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(path, f"{what} is a text")
            return None
        return str(value)

    def number(self, value: Any, path: Path_, what: str, *, least: int = 0) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            self.error(path, f"{what} is a whole number ≥ {least}, not {value!r}")
            return None
        return value

    def one_of(self, value: Any, path: Path_, choices: Iterable[str], what: str) -> str | None:
        text = self.text(value, path, what)
        options = list(choices)
        if text is not None and text not in options:
            hint = did_you_mean(text, options)
            shown = ", ".join(options[:12]) + (" ..." if len(options) > 12 else "")
            self.error(path, f"unknown {what} {text!r}; " + (hint or f"the playbook has: {shown or '(none)'}"))
            return None
        return text

    def moment(self, item: dict[str, Any], path: Path_, *, required: bool = True, end: bool = False
               ) -> tuple[int | None, str]:
        """(minute, "day 3 10:00") of an item's day and time; without a time 09:00, or with ``end`` the end
        of the day (23:59)."""
        day = self.number(item.get("day"), (*path, "day"), "day")
        if day is None:
            if required and "day" not in item:
                self.error(path, "give the day (0 is the test's start)")
            return None, ""
        self.days.append(day)
        raw = item.get("time")
        if raw is None:
            return (end_of_day(day) if end else moment(day)), f"day {day}"
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < DAY:
            raw = f"{raw // 60:02d}:{raw % 60:02d}"  # YAML 1.1 reads an unquoted 10:00 as 600
        try:
            minute = parse_time(str(raw))
        except ValueError as error:
            self.error((*path, "time"), str(error))
            return None, ""
        return day * DAY + minute, f"day {day} {str(raw).zfill(5)}"

    # ---- the file --------------------------------------------------------------------------------------------

    def read(self, stem: str) -> TestCase:
        from mktctl.rules.expectations import read_expectation  # it builds on this module

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
