"""What reading a test file is made of: its vocabulary (the keys of each part, the behaviours and objects
a test may name), :class:`Check` (one expectation, at its position), and :class:`Reader`, the positioned
primitives (a mapping with known keys, a list, a text, a number, one of some choices, a day and time) that
report each problem at its value. :mod:`~mktctl.rules.testfile` reads the people and events with them,
:mod:`~mktctl.rules.expectations` the ``expect:`` items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.base.suggest import did_you_mean
from mktctl.errors import Mark, Problem
from mktctl.rules.clock import DAY, end_of_day, moment, parse_time

if TYPE_CHECKING:
    from mktctl.base.yamlload import Document
    from mktctl.rules.compile import Rules

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


class Reader:
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
