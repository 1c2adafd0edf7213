"""Score thresholds of the lead rules that can never be reached, or that disagree with each other.

A playbook says what an MQL is in up to three places: ``mql_definition.min_score``, the scoring model's
grade named like the MQL stage (``thresholds: [{name: MQL, score: 30}]``), and the ``min_score`` of the
rules of the hand-off rule set. When they differ, a lead graded MQL is not an MQL, or an MQL handed off
matches no rule that was meant for it: two fragments that say it differently (a scoring fragment's grade, a
lead-rules fragment's definition) cannot be included together. Each is an error at the value, naming where
the other one is; a threshold nobody can reach is a lint warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mktctl.kinds.base import Finding, Playbook, Resource
from mktctl.kinds.reach import beyond_reach, scoring_model


def mql_model(playbook: Playbook) -> Resource[Any] | None:
    """The model whose score counts for the MQL and for assignment: the one the MQL names, else the only one."""
    found = playbook.of("mql_definition")
    name = found[0].spec.scoring_model if found else None
    return scoring_model(playbook, name)


def mql_findings(spec: Any, playbook: Playbook) -> Iterator[Finding]:
    """``mql_definition.min_score`` against the model's reachable maximum and its grade of the same name."""
    model = scoring_model(playbook, spec.scoring_model)
    if spec.min_score is None or model is None:
        return
    reason = beyond_reach(spec.min_score, model)
    if reason is not None:
        yield Finding(("min_score",), f"no lead can ever qualify as {spec.stage_label}: {reason}", severity="warning")
    for index, threshold in enumerate(model.spec.thresholds):
        if threshold.name == spec.stage_label and threshold.score != spec.min_score:
            yield Finding(("min_score",), f"two {spec.stage_label} thresholds disagree: leads qualify as "
                                          f"{spec.stage_label} at {spec.min_score} points here, but scoring model "
                                          f"{model.key!r} grades {threshold.name} from {threshold.score} "
                                          f"({model.mark(('thresholds', index, 'score'))}); make them the same")


def assignment_findings(resource: Resource[Any], playbook: Playbook) -> Iterator[Finding]:
    """Score conditions of assignment rules: beyond the model's reach, or at odds with the MQL they hand off."""
    spec = resource.spec
    model = mql_model(playbook)
    mql = playbook.of("mql_definition")
    qualifies = mql and mql[0].spec.hand_off == spec.name and mql[0].spec.min_score is not None
    hand_off = mql[0] if qualifies else None
    for index, rule in enumerate(spec.rules):
        low, high = rule.when.min_score, rule.when.max_score
        reason = beyond_reach(low, model) if low is not None and model is not None else None
        if reason is not None:
            yield Finding(("rules", index, "when", "min_score"), f"rule {rule.name!r} can never match: {reason}",
                          severity="warning")
        if hand_off is None:
            continue
        qualified, label = hand_off.spec.min_score, hand_off.spec.stage_label
        where = hand_off.mark(("min_score",))
        if low is not None and low > qualified and reason is None:
            yield Finding(("rules", index, "when", "min_score"),
                          f"two {label} thresholds disagree: rule {rule.name!r} of the hand-off rule set needs {low} "
                          f"points, but leads are handed off the moment they reach {qualified} ({where}): it only "
                          f"matches a lead that jumps past {low} at once")
        if high is not None and high <= qualified:
            yield Finding(("rules", index, "when", "max_score"),
                          f"rule {rule.name!r} of the hand-off rule set never matches a lead handed off as {label}: "
                          f"it takes scores below {high}, and such a lead has at least {qualified} ({where})")
