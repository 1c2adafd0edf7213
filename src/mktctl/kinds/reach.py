"""What a playbook's rules can reach, for the checks that find rules which can never take effect: the most
points a scoring model can give, what sets each tag, which lifecycle stages can ever be entered and which
segments can ever have members.

Pure functions over a loaded :class:`~mktctl.kinds.base.Playbook` (specs read by attribute, so this module
needs none of the kinds that call it). Each answer that says "never" comes with the reason in words, for
the message. Reaching is judged as the rules engine runs the rules (docs/testing.md): a scoring rule's total
stops at its ``cap``, the score at ``max_score``; a stage is the lowest ``order`` whose conditions hold.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mktctl.kinds.base import Finding, Path_, Playbook, Resource
from mktctl.kinds.conditions import split_tag

# ---- scores ------------------------------------------------------------------------------------------------


def reachable_score(spec: Any) -> tuple[float, str]:
    """The most points anyone can have under the scoring model ``spec``, and how that figure comes about.

    Each behaviour rule with positive points gives at most its ``cap`` and each positive profile rule its
    points once; a positive rule without a cap makes the total unbounded; ``max_score`` caps the total.
    """
    profile = sum(r.points for r in spec.profile_rules if r.points > 0)
    positive = [r for r in spec.behaviour_rules if r.points > 0]
    if any(r.cap is None for r in positive):
        total: float = math.inf
        how = "a behaviour rule has no cap"
    else:
        caps = sum(r.cap or 0 for r in positive)
        total = caps + profile
        how = f"caps of the behaviour rules {caps} + profile rules {profile}"
    if spec.max_score is not None and spec.max_score < total:
        total, how = spec.max_score, f"max_score is {spec.max_score}"
    return total, how


def scoring_model(playbook: Playbook, name: str | None) -> Resource[Any] | None:
    """The scoring model named ``name``, or without a name the playbook's only one (None otherwise)."""
    models = playbook.of("scoring_models")
    if name is not None:
        return next((m for m in models if m.key == name), None)
    return models[0] if len(models) == 1 else None


def beyond_reach(score: int, model: Resource[Any]) -> str | None:
    """Why nobody reaches ``score`` under ``model`` (``nobody scores more than 45 in '评分' (max_score is 45)``),
    or None when someone can."""
    most, how = reachable_score(model.spec)
    if score <= most:
        return None
    return f"nobody scores more than {most:g} in {model.key!r} ({how})"


# ---- tags --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagSource:
    """Something in the playbook that sets a tag: a tag rule, a flow step, a stage, or the WeCom connection."""

    what: str  # in words: "a rule of tag group '购买阶段'", "step '标记' of flow '欢迎'" ...
    active: bool = True
    flow: str | None = None  # the flow whose step sets it


def tag_sources(playbook: Playbook) -> dict[str, list[TagSource]]:
    """Every ``组:值`` something in the playbook sets, with what sets it."""
    found: dict[str, list[TagSource]] = {}

    def add(tag: str, source: TagSource) -> None:
        try:
            group, value = split_tag(tag)
        except ValueError:
            return
        found.setdefault(f"{group}:{value}", []).append(source)

    for group in playbook.of("tags"):
        for rule in group.spec.rules:
            add(f"{group.key}:{rule.value}", TagSource(f"a rule of tag group {group.key!r}"))
    for flow in playbook.of("nurture_flows"):
        for step in flow.spec.steps:
            if step.type == "添加标签" and step.tag:
                add(step.tag, TagSource(f"step {step.id!r} of flow {flow.key!r}", flow.spec.active, flow.key))
    for stage in playbook.of("lifecycle_stages"):
        if stage.spec.tag:
            add(stage.spec.tag, TagSource(f"lifecycle stage {stage.key!r}", stage_never_entered(playbook, stage)
                                          is None))
    for wecom in playbook.of("wecom"):
        for tag in wecom.spec.new_contact_tags:
            add(tag, TagSource("wecom new_contact_tags"))
        for code in wecom.spec.live_codes:
            for tag in code.tags:
                add(tag, TagSource(f"wecom live code {code.name!r}"))
    return found


def tag_never_set(playbook: Playbook, tag: str, *, besides_flow: str | None = None) -> str | None:
    """Why nothing in the playbook can set ``tag`` (组:值), or None when something can. The steps of the flow
    ``besides_flow`` do not count (a flow cannot start itself)."""
    group, value = split_tag(tag)
    sources = [s for s in tag_sources(playbook).get(f"{group}:{value}", []) if s.flow is None or s.flow != besides_flow]
    if not sources:
        return (f"nothing in the playbook sets {group}:{value} (no tag rule, flow step, lifecycle stage or WeCom tag); "
                "only a tag set by hand or imported would")
    if not any(s.active for s in sources):
        return f"only {', '.join(s.what for s in sources)} would set {group}:{value}, and none of them ever runs"
    return None


# ---- lifecycle stages ----------------------------------------------------------------------------------------

_BEHAVIOURS_FOR_INTERACTION = {"中": 3, "高": 10}  # behaviours in the last 30 days an interaction level needs
_INTERACTION_DAYS = 30


def stage_contradiction(spec: Any) -> str | None:
    """Why the stage's own conditions can never hold together, or None."""
    inactive, registered = spec.inactive_days, spec.registered_within_days
    if inactive is not None and registered is not None and inactive > registered:
        return (f"inactive_days {inactive} needs at least {inactive} days since the last behaviour, but "
                f"registered_within_days {registered} allows at most {registered} days since creation")
    if inactive is not None and inactive >= _INTERACTION_DAYS and spec.interaction in _BEHAVIOURS_FOR_INTERACTION:
        return (f"interaction {spec.interaction} needs {_BEHAVIOURS_FOR_INTERACTION[spec.interaction]} behaviours "
                f"within {_INTERACTION_DAYS} days, but inactive_days {inactive} allows none")
    return None


def _implies(narrow: Any, broad: Any) -> bool:
    """Whenever the conditions of stage ``narrow`` hold, so do those of ``broad``."""

    def within(field: str, tighter: Any) -> bool:
        theirs, ours = getattr(broad, field), getattr(narrow, field)
        return theirs is None or (ours is not None and tighter(ours, theirs))

    return (within("registered_within_days", lambda ours, theirs: ours <= theirs)
            and within("purchases_min", lambda ours, theirs: ours >= theirs)
            and within("purchases_max", lambda ours, theirs: ours <= theirs)
            and within("interaction", lambda ours, theirs: ours == theirs)
            and within("inactive_days", lambda ours, theirs: ours >= theirs))


def stage_shadowed_by(playbook: Playbook, stage: Resource[Any]) -> Resource[Any] | None:
    """An earlier stage (lower ``order``, same object) that holds whenever ``stage`` does, so that ``stage`` is
    never the one chosen; or None."""
    spec = stage.spec
    for other in playbook.of("lifecycle_stages"):
        theirs = other.spec
        if other is stage or theirs.object != spec.object or theirs.order >= spec.order:
            continue
        if stage_contradiction(theirs) is None and _implies(spec, theirs):
            return other
    return None


def stage_never_entered(playbook: Playbook, stage: Resource[Any]) -> str | None:
    """Why nobody ever enters ``stage``, or None."""
    contradiction = stage_contradiction(stage.spec)
    if contradiction is not None:
        return contradiction
    earlier = stage_shadowed_by(playbook, stage)
    if earlier is not None:
        return (f"stage {earlier.key!r} (order {earlier.spec.order}) holds whenever it does, and the lowest order "
                "wins")
    return None


# ---- conditions and segments -----------------------------------------------------------------------------------


def condition_never_holds(playbook: Playbook, condition: Any) -> str | None:
    """Why a condition (of a tag rule, a segment or a branch) can never hold, or None."""
    if condition.scoring_model is not None and condition.min_score is not None:
        model = scoring_model(playbook, condition.scoring_model)
        return beyond_reach(condition.min_score, model) if model is not None else None
    if condition.stage is not None:
        stage = playbook.find("lifecycle_stages", condition.stage)
        return stage_never_entered(playbook, stage) if stage is not None else None
    if condition.tag is not None:
        return tag_never_set(playbook, condition.tag)
    return None


def segment_never_filled(playbook: Playbook, segment: Resource[Any]) -> str | None:
    """Why a 动态人群 can never have members (its conditions can never hold together), or None."""
    spec = segment.spec
    if spec.type != "动态人群" or not spec.conditions:
        return None
    reasons = list(_reasons(playbook, spec.conditions))
    if spec.match == "全部满足" and reasons:
        index, reason = reasons[0]
        return f"its condition {index + 1} can never hold: {reason}"
    if spec.match == "任一满足" and len(reasons) == len(spec.conditions):
        return "none of its conditions can ever hold: " + "; ".join(reason for _, reason in reasons)
    return None


def _reasons(playbook: Playbook, conditions: list[Any]) -> Iterator[tuple[int, str]]:
    for index, condition in enumerate(conditions):
        reason = condition_never_holds(playbook, condition)
        if reason is not None:
            yield index, reason


def score_condition_findings(path: Path_, conditions: list[Any], playbook: Playbook) -> Iterator[Finding]:
    """A warning at each score condition whose ``min_score`` nobody can reach."""
    for index, condition in enumerate(conditions):
        if condition.scoring_model is None or condition.min_score is None:
            continue
        model = scoring_model(playbook, condition.scoring_model)
        reason = beyond_reach(condition.min_score, model) if model is not None else None
        if reason is not None:
            yield Finding((*path, index, "min_score"), f"the condition can never hold: {reason}", severity="warning")
