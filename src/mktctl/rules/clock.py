"""The virtual clock: a moment is a whole number of minutes since 00:00 of day 0, Asia/Shanghai.

China keeps one offset all year (UTC+8, no daylight saving), so minute arithmetic on local time is exact:
day ``d`` at ``HH:MM`` is ``d * 1440 + HH * 60 + MM``. A :class:`Clock` ties minute 0 to a calendar date,
which the ``定时`` flow triggers need (每周一, 每月1日) and which the timeline shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

DAY = 1440
HOUR = 60
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
DEFAULT_TIME = "09:00"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_time(text: str) -> int:
    """``"09:30"`` -> 570 minutes after midnight; a ValueError for anything else."""
    found = _TIME.match(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not a time of day such as 09:30")
    return int(found.group(1)) * HOUR + int(found.group(2))


def moment(day: int, time: str | None = None) -> int:
    """The minute of ``day`` at ``time`` (default 09:00, the working day's start)."""
    return day * DAY + parse_time(time or DEFAULT_TIME)


def end_of_day(day: int) -> int:
    """The last minute of ``day`` (23:59): "the state at the end of that day"."""
    return day * DAY + DAY - 1


def day_of(at: int) -> int:
    return at // DAY


def next_boundary(at: int, step: int) -> int:
    """The first multiple of ``step`` at or after ``at`` (the next full hour or the next 00:00)."""
    return -(-at // step) * step


def label(at: int) -> str:
    """``day 3 10:00``."""
    minutes = at % DAY
    return f"day {at // DAY} {minutes // HOUR:02d}:{minutes % HOUR:02d}"


@dataclass(frozen=True)
class Clock:
    """Minute 0 is 00:00 of ``start`` in Asia/Shanghai."""

    start: date

    def date_of(self, at: int) -> date:
        return self.start + timedelta(days=at // DAY)

    def datetime_of(self, at: int) -> datetime:
        base = datetime(self.start.year, self.start.month, self.start.day, tzinfo=SHANGHAI)
        return base + timedelta(minutes=at)

    def minute_of(self, when: datetime) -> int:
        """The moment of an aware or Shanghai-local ``when`` (seconds are dropped)."""
        local = when.astimezone(SHANGHAI) if when.tzinfo else when.replace(tzinfo=SHANGHAI)
        base = datetime(self.start.year, self.start.month, self.start.day, tzinfo=SHANGHAI)
        return int((local - base).total_seconds() // 60)

    def describe(self, at: int) -> str:
        """``day 3 (2026-03-05) 10:00``."""
        minutes = at % DAY
        return f"day {at // DAY} ({self.date_of(at).isoformat()}) {minutes // HOUR:02d}:{minutes % HOUR:02d}"
