"""Conditions (条件) of tag rules, segments and flow branches, compiled once into plain matchers.

A condition is one of: a behaviour (optionally of one content, at least ``times`` times, within the last
``within_days`` days), a field compared with a value, a tag the person has, the person's lifecycle stage,
or a scoring model's score at least ``min_score``. A behaviour window ends at the moment of evaluation and
reaches back exactly ``within_days`` × 24 hours: ``(now - within_days days, now]``.

``compile_conditions(specs, names, match)`` -> :class:`Conditions`; ``Conditions.holds(state, now)``.
The person is a :class:`PersonView`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from mktctl.rules.clock import DAY
from mktctl.rules.fields import FieldNames, compare, condition_values
from mktctl.rules.matchers import Matcher, compile_matcher

ALL = "全部满足"


class PersonView(Protocol):
    """What conditions, stages and the MQL definition read of a person: the running state
    (:class:`mktctl.rules.state.PersonState`) or a replayed one (:class:`mktctl.rules.snapshot.Snapshot`)."""

    created: int
    purchases: int
    last_behaviour: int | None
    fields: dict[str, str]
    scores: dict[str, int]
    stage: str | None

    @property
    def tags(self) -> Any: ...

    def count(self, behaviour: str | None, content: str | None, since: int | None) -> int: ...


@dataclass(frozen=True, slots=True)
class Condition:
    kind: str  # behaviour | field | tag | stage | score
    text: str  # how explanations name it: "打开邮件 欢迎邮件 ≥1 within 7 days"
    behaviour: str | None = None
    content: str | None = None
    window: int | None = None  # minutes
    times: int = 1
    field: str | None = None
    op: str | None = None
    values: tuple[str, ...] = ()
    tag: str | None = None  # 组:值
    stage: str | None = None
    model: str | None = None
    min_score: int = 0

    def holds(self, state: PersonView, now: int) -> bool:
        kind = self.kind
        if kind == "behaviour":
            assert self.behaviour is not None
            since = now - self.window if self.window is not None else None
            return state.count(self.behaviour, self.content, since) >= self.times
        if kind == "field":
            assert self.field is not None and self.op is not None
            return compare(self.op, state.fields.get(self.field, ""), self.values)
        if kind == "tag":
            return self.tag in state.tags
        if kind == "stage":
            return state.stage == self.stage
        assert self.model is not None
        return state.scores.get(self.model, 0) >= self.min_score


@dataclass(frozen=True)
class Conditions:
    items: tuple[Condition, ...]
    match_all: bool = True

    @cached_property
    def matcher(self) -> Matcher:
        """The conditions as one function (:mod:`mktctl.rules.matchers`), compiled at its first use."""
        return compile_matcher(self.items, self.match_all)

    def holds(self, state: PersonView, now: int) -> bool:
        return self.matcher(state, now)

    def holds_each(self, state: PersonView, now: int) -> bool:
        """:meth:`holds` condition by condition: the reference the compiled matcher is tested against."""
        if not self.items:
            return False
        if self.match_all:
            return all(c.holds(state, now) for c in self.items)
        return any(c.holds(state, now) for c in self.items)

    def __getstate__(self) -> dict[str, Any]:
        return {"items": self.items, "match_all": self.match_all}  # a compiled matcher is made again

    def describe(self, state: PersonView, now: int) -> str:
        """Each condition with ✓ or ✗ at ``now``: ``打开邮件 within 7 days ✓; 点击邮件链接 产品介绍 ✗``."""
        marks = [f"{c.text} {'✓' if c.holds(state, now) else '✗'}" for c in self.items]
        joiner = "; " if self.match_all else " or "
        return joiner.join(marks)


def normalise_tag(text: str) -> str:
    """``行业：制造业`` -> ``行业:制造业``."""
    group, _, value = text.replace("：", ":").partition(":")
    return f"{group.strip()}:{value.strip()}"


def compile_condition(spec: Any, names: FieldNames) -> Condition:
    """One condition spec (read by attribute) as a matcher."""
    if spec.behaviour is not None:
        window = spec.within_days * DAY if spec.within_days else None
        times = spec.times or 1
        text = spec.behaviour + (f" {spec.content}" if spec.content else "")
        text += (f" ≥{times}" if times > 1 else "") + (f" within {spec.within_days} days" if window else "")
        return Condition("behaviour", text, behaviour=spec.behaviour, content=spec.content, window=window,
                         times=times)
    if spec.field is not None:
        key = names.key(spec.field)
        values = names.values(key, condition_values(spec.value))
        shown = "、".join(condition_values(spec.value))
        return Condition("field", f"{spec.field} {spec.op}{' ' + shown if shown else ''}", field=key, op=spec.op,
                         values=values)
    if spec.tag is not None:
        tag = normalise_tag(spec.tag)
        return Condition("tag", f"tag {tag}", tag=tag)
    if spec.stage is not None:
        return Condition("stage", f"stage {spec.stage}", stage=spec.stage)
    return Condition("score", f"{spec.scoring_model} ≥ {spec.min_score}", model=spec.scoring_model,
                     min_score=spec.min_score)


def compile_conditions(specs: Iterable[Any], names: FieldNames, match: str = ALL) -> Conditions:
    return Conditions(tuple(compile_condition(s, names) for s in specs), match_all=match == ALL)
