"""Each kind of expectation against a replayed state: ``check(item, snap, rules) -> (passed, got)``.

Lists are "includes" and their ``not_*`` twins "has none of"; a message matches when every key the test
gives matches (``day``: sent that day; ``time`` with it: at that minute; ``body``: contained in it); only
messages actually sent count as received. Attribution shares match to 0.001, by source, else by campaign.
"""

from __future__ import annotations

from typing import Any

from mktctl.rules.attribution import from_rows, totals
from mktctl.rules.clock import DAY, label
from mktctl.rules.compile import Rules
from mktctl.rules.model import Message, Reminder
from mktctl.rules.snapshot import Snapshot
from mktctl.rules.testreader import Check

TOLERANCE = 0.001


def check(item: Check, snap: Snapshot, rules: Rules) -> tuple[bool, str]:
    kind, want = item.kind, item.want
    if kind == "score":
        got = {model: snap.scores.get(model, 0) for model in want}
        return got == want, _values(got)
    if kind == "grade":
        got_grades = {model: snap.grades.get(model) for model in want}
        return got_grades == want, _values(got_grades)
    if kind == "mql":
        return snap.mql == want, "true" if snap.mql else "false"
    if kind == "owner":
        return snap.owner == want, snap.owner or "(none)"
    if kind == "pool":
        return snap.pool == want, snap.pool or "(none)"
    if kind == "stage":
        return snap.stage == want, snap.stage or "(none)"
    if kind in ("tags", "not_tags"):
        present = [t for t in want if t is not None and _has_tag(snap.tags, t)]
        passed = len(present) == len([t for t in want if t is not None]) if kind == "tags" else not present
        return passed, "、".join(sorted(snap.tags)) or "(none)"
    if kind in ("segments", "not_segments"):
        present = [s for s in want if s in snap.segments]
        passed = len(present) == len(want) if kind == "segments" else not present
        return passed, "、".join(sorted(snap.segments)) or "(none)"
    if kind in ("received", "not_received"):
        sent = [message for message in snap.messages if message.sent]
        found = [w for w in want if any(_message_matches(w, message) for message in sent)]
        passed = len(found) == len(want) if kind == "received" else not found
        return passed, "; ".join(_message(message) for message in sent) or "no message"
    if kind in ("reminders", "not_reminders"):
        found = [w for w in want if any(_reminder_matches(w, r) for r in snap.reminders)]
        passed = len(found) == len(want) if kind == "reminders" else not found
        return passed, "; ".join(f"{r.sla} #{r.number} {label(r.at)}" for r in snap.reminders) or "no reminder"
    if kind == "rejected":
        passed = snap.rejected is not None if want is True else snap.rejected is None if want is False \
            else snap.rejected == want
        return passed, snap.rejected or "(not rejected)"
    if kind == "merged_into":
        return snap.merged_into == want, snap.merged_into or "(not merged)"
    if kind == "attribution":
        return _attribution(want, snap)
    got_fields = {key: snap.fields.get(key, "") for key in want}
    passed = all(got_fields[key] == rules.names.value(key, value) for key, (_, value) in want.items())
    return passed, ", ".join(f"{want[key][0]}={value or '(empty)'}" for key, value in got_fields.items())


def _values(values: dict[str, Any]) -> str:
    shown = {k: "(none)" if v is None else str(v) for k, v in values.items()}
    return next(iter(shown.values())) if len(shown) == 1 else ", ".join(f"{k} {v}" for k, v in shown.items())


def _has_tag(tags: set[str], wanted: str) -> bool:
    if ":" in wanted:
        return wanted in tags
    return any(t.partition(":")[2] == wanted for t in tags)


def _message_matches(want: dict[str, Any], message: Message) -> bool:
    if want["flow"] != message.flow or (want["step"] is not None and want["step"] != message.step):
        return False
    if want["day"] is not None and message.at // DAY != want["day"]:
        return False
    if want["at"] is not None and message.at != want["at"]:
        return False
    if want["subject"] is not None and want["subject"] != message.subject:
        return False
    if want["channel"] is not None and want["channel"] != message.channel:
        return False
    return want["body"] is None or want["body"] in (message.body or "")


def _message(message: Message) -> str:
    subject = f" {message.subject!r}" if message.subject else ""
    return f"{message.flow}/{message.step} {label(message.at)}{subject}"


def _reminder_matches(want: dict[str, Any], reminder: Reminder) -> bool:
    if want["sla"] != reminder.sla:
        return False
    if want["day"] is not None and reminder.at // DAY != want["day"]:
        return False
    if want["at"] is not None and reminder.at != want["at"]:
        return False
    return want["number"] is None or want["number"] == reminder.number


def _attribution(want: dict[str, float], snap: Snapshot) -> tuple[bool, str]:
    credits = from_rows(snap.attribution or [])
    by_source, by_campaign = totals(credits, "source"), totals(credits, "campaign")
    passed = snap.attribution is not None
    for name, share in want.items():
        got = by_source.get(name, by_campaign.get(name, 0.0))
        passed &= abs(got - share) <= TOLERANCE
    shown = ", ".join(f"{k} {round(v, 3):g}" for k, v in by_source.items())
    return passed, shown or ("no touch" if snap.attribution is not None else "no conversion")
