"""Lead scoring (行为积分, ``scoring_models``): behaviour and profile rules, caps, decay, floor, maximum, grade.

Semantics (docs/testing.md has them with examples):

* a behaviour event matching a rule (same behaviour; same content when the rule names one) adds the rule's
  ``points``; every matching rule applies; the rule's total for one person never goes past its ``cap``
  (in either direction, for a rule with negative points);
* a profile rule adds its points once while the person's fields match it: it is re-evaluated at creation
  and whenever a field changes, and gives its points back when it stops matching;
* everything that happens within one minute is added up first and the sum applied once, so the order of
  events within a minute never changes a score; the score is then floored at 0 and capped at ``max_score``;
* ``decay``: after ``inactive_days`` full days (× 24 hours) without any behaviour, the score drops by
  ``percent`` % of itself, the drop rounded half up (25 at 50 % drops 13, to 12), and again after each
  further period without a behaviour;
* the grade is the highest threshold whose score is reached; ``weight`` only describes a rule.

:class:`ScoringModel` is the compiled model (plain tuples and dicts); :class:`ScoreState` is one person's
running state under it; :func:`score_minute` and :func:`decay` change it and write :class:`ScoreEntry`
lines to the ledger that explanations read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mktctl.rules.clock import DAY
from mktctl.rules.fields import FieldNames, compare, condition_values
from mktctl.rules.model import Event, ScoreEntry


@dataclass(frozen=True, slots=True)
class BehaviourRule:
    index: int
    behaviour: str
    content: str | None
    points: int
    cap: int | None

    @property
    def label(self) -> str:
        return self.behaviour + (f" {self.content}" if self.content else "")


@dataclass(frozen=True, slots=True)
class ProfileRule:
    index: int
    field: str
    op: str
    values: tuple[str, ...]
    points: int
    label: str

    def matches(self, fields: dict[str, str]) -> bool:
        return compare(self.op, fields.get(self.field, ""), self.values)


@dataclass(frozen=True)
class ScoringModel:
    name: str
    behaviour_rules: tuple[BehaviourRule, ...]
    profile_rules: tuple[ProfileRule, ...]
    decay_after: int | None  # minutes without behaviour before a decay
    decay_percent: int
    max_score: int | None
    thresholds: tuple[tuple[str, int], ...]  # (name, score), lowest first
    by_behaviour: dict[str, tuple[BehaviourRule, ...]] = field(default_factory=dict)

    def grade(self, score: int) -> str | None:
        reached = None
        for name, threshold in self.thresholds:
            if score >= threshold:
                reached = name
        return reached


def compile_model(spec: Any, names: FieldNames) -> ScoringModel:
    rules = tuple(BehaviourRule(i, r.behaviour, r.content, r.points, r.cap) for i, r in enumerate(spec.behaviour_rules))
    by_behaviour: dict[str, list[BehaviourRule]] = {}
    for rule in rules:
        by_behaviour.setdefault(rule.behaviour, []).append(rule)
    profile = []
    for index, rule in enumerate(spec.profile_rules):
        key = names.key(rule.field)
        shown = "、".join(condition_values(rule.value))
        profile.append(ProfileRule(index, key, rule.op, names.values(key, condition_values(rule.value)), rule.points,
                                   f"{rule.field} {rule.op}{' ' + shown if shown else ''}"))
    decay = spec.decay
    thresholds = tuple(sorted(((t.name, t.score) for t in spec.thresholds), key=lambda pair: pair[1]))
    return ScoringModel(spec.name, rules, tuple(profile), decay.inactive_days * DAY if decay else None,
                        decay.percent if decay else 0, spec.max_score, thresholds,
                        {k: tuple(v) for k, v in by_behaviour.items()})


class ScoreState:
    """One person's score under one model."""

    __slots__ = ("decays", "profile_on", "score", "totals")

    def __init__(self, model: ScoringModel) -> None:
        self.score = 0
        self.totals = [0] * len(model.behaviour_rules)
        self.profile_on = [False] * len(model.profile_rules)
        self.decays = 0  # decays since the last behaviour


def _award(rule: BehaviourRule, total: int) -> int:
    if rule.cap is None:
        return rule.points
    if rule.points > 0:
        return max(0, min(rule.points, rule.cap - total))
    return min(0, max(rule.points, -rule.cap - total))


def score_minute(model: ScoringModel, state: ScoreState, at: int, behaviours: Sequence[Event],
                 fields: dict[str, str] | None, ledger: list[ScoreEntry]) -> int:
    """Apply one minute: the behaviours of that minute and, when ``fields`` is given (creation or a field
    change), the profile rules. Returns the score's change."""
    delta = 0
    for event in behaviours:
        if event.behaviour is not None:
            state.decays = 0
        for rule in model.by_behaviour.get(event.behaviour or "", ()):
            if rule.content is not None and rule.content != event.content:
                continue
            awarded = _award(rule, state.totals[rule.index])
            state.totals[rule.index] += awarded
            delta += awarded
            ledger.append(ScoreEntry(at, model.name, "behaviour", rule.label, rule.points, awarded, rule.cap))
    if fields is not None:
        for profile in model.profile_rules:
            now = profile.matches(fields)
            if now != state.profile_on[profile.index]:
                state.profile_on[profile.index] = now
                points = profile.points if now else -profile.points
                delta += points
                ledger.append(ScoreEntry(at, model.name, "profile", profile.label, profile.points, points))
    return _settle(model, state, at, delta, ledger)


def _settle(model: ScoringModel, state: ScoreState, at: int, delta: int, ledger: list[ScoreEntry]) -> int:
    before = state.score
    raw = before + delta
    after = max(0, raw)
    if after != raw:
        ledger.append(ScoreEntry(at, model.name, "floor", "floored at 0", 0, after - raw))
    if model.max_score is not None and after > model.max_score:
        ledger.append(ScoreEntry(at, model.name, "max", f"capped at max_score {model.max_score}", model.max_score,
                                 model.max_score - after))
        after = model.max_score
    state.score = after
    return after - before


def decay_drop(score: int, percent: int) -> int:
    """``percent`` % of ``score``, rounded half up: 25 at 50 % -> 13."""
    return (score * percent + 50) // 100


def next_decay(model: ScoringModel, state: ScoreState, anchor: int) -> int | None:
    """When the next decay falls due: ``anchor`` (the last behaviour, or the lead's creation) plus one
    period per decay already applied since then, plus one."""
    if model.decay_after is None:
        return None
    return anchor + model.decay_after * (state.decays + 1)


def decay(model: ScoringModel, state: ScoreState, at: int, ledger: list[ScoreEntry]) -> int:
    """Apply the decay due at ``at``; returns the score's change."""
    state.decays += 1
    drop = decay_drop(state.score, model.decay_percent)
    if drop == 0:
        return 0
    days = model.decay_after // DAY if model.decay_after else 0
    ledger.append(ScoreEntry(at, model.name, "decay", f"decay {model.decay_percent}% after {days} days without "
                             "behaviour", state.score, -drop))
    state.score -= drop
    return -drop


def explain(entries: Iterable[ScoreEntry]) -> str:
    """The ledger in one line: ``下载文件 产品白皮书 +5 ×3, capped at 10; 观看直播 +10; decay −13``."""
    parts: dict[tuple[str, str], list[ScoreEntry]] = {}
    for entry in entries:
        parts.setdefault((entry.kind, entry.label), []).append(entry)
    texts = []
    for (kind, label), group in parts.items():
        awarded = sum(e.awarded for e in group)
        if kind == "behaviour":
            first = group[0]
            text = f"{label} {first.points:+d}" + (f" ×{len(group)}" if len(group) > 1 else "")
            if awarded != first.points * len(group):
                text += f", capped at {first.cap}" if first.cap is not None else f" = {awarded:+d}"
        elif kind == "profile":
            text = f"{label} {awarded:+d}" if awarded else f"{label} {group[0].points:+d} then back"
        elif kind == "decay":
            text = f"{label} ×{len(group)}: {awarded:+d}" if len(group) > 1 else f"{label}: {awarded:+d}"
        else:
            text = f"{label} ({awarded:+d})"
        texts.append(text.replace("+-", "-"))
    return "; ".join(texts) if texts else "no rule of the model matched"
