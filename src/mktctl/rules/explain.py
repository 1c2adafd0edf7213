"""Why a person's state is what it is: one or a few sentences per kind of check, from the timeline.

``explain(kind, result, snap, rules) -> list[str]``: for a score, its ledger in one line
(``下载文件 +5 ×3, capped at 10; 观看直播 +10``); for an owner, the assignments and what took the lead
away; for tags, segments and stages, what set them and which conditions hold at that moment; for
messages, the flows entered and left and the sends that were blocked; and so on.
"""

from __future__ import annotations

from collections.abc import Iterable

from mktctl.rules import model as m
from mktctl.rules.attribution import from_rows
from mktctl.rules.clock import label
from mktctl.rules.compile import Rules
from mktctl.rules.model import Change, PersonResult
from mktctl.rules.scoring import explain as explain_score
from mktctl.rules.snapshot import Snapshot
from mktctl.rules.timeline import describe

MAX_LINES = 6


def _changes(result: PersonResult, at: int, kinds: Iterable[str], subject: str | None = None) -> list[Change]:
    wanted = set(kinds)
    return [c for c in result.timeline if c.at <= at and c.kind in wanted and (subject is None or c.subject == subject)]


def _line(change: Change) -> str:
    return f"{label(change.at)} {describe(change)}"


def _tail(lines: list[str]) -> list[str]:
    return lines if len(lines) <= MAX_LINES else [f"... {len(lines) - MAX_LINES} earlier", *lines[-MAX_LINES:]]


def explain(kind: str, result: PersonResult, snap: Snapshot, rules: Rules) -> list[str]:
    at = snap.at
    if result.rejected:
        return [f"rejected by cleaning: {result.rejected} ({result.timeline[0].detail})"]
    if result.merged_into:
        return [f"merged into {result.merged_into} ({result.timeline[0].detail}): expectations about this person "
                f"are about {result.merged_into}"]
    if not snap.exists:
        return [f"not created yet at {label(at)} (created {label(result.created)})"]
    if kind in ("score", "grade"):
        lines = []
        for model in rules.models:
            entries = [e for e in result.ledger if e.at <= at and e.model == model.name]
            text = explain_score(entries)
            if kind == "grade":
                text = f"score {snap.scores.get(model.name, 0)}: {text}; thresholds " + \
                    ", ".join(f"{n} {s}" for n, s in model.thresholds)
            lines.append(f"{model.name}: {text}" if len(rules.models) > 1 else text)
        return lines
    if kind == "mql":
        if snap.mql and snap.mql_at is not None:
            return [_line(c) for c in _changes(result, at, [m.MQL])]
        return [f"not an MQL at {label(at)}: " + "; ".join(rules.mql.failing(snap))] if rules.mql and \
            rules.mql.failing(snap) else ["the playbook declares no mql_definition"]
    if kind in ("owner", "pool"):
        lines = [_line(c) for c in _changes(result, at, [m.OWNER, m.POOL])]
        return _tail(lines) or ["never assigned: no lead_assignment rule set applies"]
    if kind in ("tags", "not_tags"):
        return _tags(result, snap, rules)
    if kind in ("segments", "not_segments"):
        return _segments(result, snap, rules)
    if kind == "stage":
        lines = [_line(c) for c in _changes(result, at, [m.STAGE])]
        for stage in rules.stages:
            failing = stage.failing(snap, at)
            lines.append(f"{stage.name} (order {stage.order}) at {label(at)}: "
                         + ("holds" if not failing else "; ".join(failing)))
        return _tail(lines)
    if kind in ("received", "not_received"):
        lines = [_line(c) for c in _changes(result, at, [m.FLOW_ENTERED, m.FLOW_LEFT, m.MESSAGE, m.UNSUBSCRIBED])]
        return _tail(lines) or ["entered no flow"]
    if kind in ("reminders", "not_reminders"):
        lines = [_line(c) for c in _changes(result, at, [m.OWNER, m.FOLLOW_UP, m.REMINDER, m.CONVERTED])]
        return _tail(lines) or ["no owner and no reminder"]
    if kind == "attribution":
        return _attribution(snap, rules)
    lines = [_line(c) for c in _changes(result, at, [m.FIELD])]
    return _tail(lines) or ["no field changed"]


def _tags(result: PersonResult, snap: Snapshot, rules: Rules) -> list[str]:
    at = snap.at
    lines = [_line(c) for c in _changes(result, at, [m.TAG_ADDED, m.TAG_REMOVED])]
    for group in rules.tags:
        for rule in group.rules:
            lines.append(f"{rule.address} ({rule.tag}) at {label(at)}: {rule.conditions.describe(snap, at)}")
    lines.append(f"tags at {label(at)}: {'、'.join(sorted(snap.tags)) or '(none)'}")
    return _tail(lines)


def _segments(result: PersonResult, snap: Snapshot, rules: Rules) -> list[str]:
    at = snap.at
    lines = [_line(c) for c in _changes(result, at, [m.SEGMENT_JOINED, m.SEGMENT_LEFT])]
    for segment in rules.segments:
        how = segment.refresh if segment.dynamic else "静态人群, refreshed by the test"
        lines.append(f"{segment.name} ({how}) at {label(at)}: {segment.conditions.describe(snap, at)}")
    return _tail(lines)


def _attribution(snap: Snapshot, rules: Rules) -> list[str]:
    model = rules.attribution
    if snap.attribution is None:
        return [f"no conversion by {label(snap.at)}: nothing to attribute"]
    credits = from_rows(snap.attribution)
    shares = ", ".join(f"{label(c.touch.at)} {c.touch.name or '(no source)'} {c.share:.3f}" for c in credits)
    return [f"{model.model} over {model.window_days} days: {shares or 'no touch in the window'}"]
