"""Lifecycle stages (生命周期阶段), evaluated every day at 00:00: the stage with the lowest ``order`` whose
conditions all hold (declaration order breaks a tie); no stage when none holds.

* ``registered_within_days``: full days since the person was created ≤ N;
* ``purchases_min`` / ``purchases_max``: the number of purchases (``converted: 订单`` events) so far;
* ``interaction``: behaviours in the last 30 days: 低 0-2, 中 3-9, 高 10 or more;
* ``inactive_days``: full days since the last behaviour (or since creation, without one) ≥ N.

Entering a stage with a ``tag`` gives the person that tag. The 进入沉睡期 exit of a flow means entering the
stage named 沉睡期, or, when no stage has that name, a stage with ``inactive_days``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.rules.clock import DAY
from mktctl.rules.conditions import PersonView, normalise_tag
from mktctl.rules.model import STAGE, Cause

if TYPE_CHECKING:
    from mktctl.rules.state import PersonState

INTERACTION_DAYS = 30
INTERACTION_LEVELS = (("高", 10), ("中", 3), ("低", 0))  # behaviours in the last 30 days, at least
DORMANT = "沉睡期"


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    order: int
    index: int
    registered_within: int | None
    purchases_min: int | None
    purchases_max: int | None
    interaction: str | None
    inactive_days: int | None
    tag: str | None

    def holds(self, state: PersonView, now: int) -> bool:
        if self.registered_within is not None and (now - state.created) // DAY > self.registered_within:
            return False
        if self.purchases_min is not None and state.purchases < self.purchases_min:
            return False
        if self.purchases_max is not None and state.purchases > self.purchases_max:
            return False
        if self.inactive_days is not None:
            last = state.last_behaviour if state.last_behaviour is not None else state.created
            if (now - last) // DAY < self.inactive_days:
                return False
        return self.interaction is None or interaction(state, now) == self.interaction

    def failing(self, state: PersonView, now: int) -> list[str]:
        """The conditions that do not hold at ``now``, in words."""
        failed = []
        age = (now - state.created) // DAY
        if self.registered_within is not None and age > self.registered_within:
            failed.append(f"registered {age} days ago (> {self.registered_within})")
        if self.purchases_min is not None and state.purchases < self.purchases_min:
            failed.append(f"{state.purchases} purchases (< {self.purchases_min})")
        if self.purchases_max is not None and state.purchases > self.purchases_max:
            failed.append(f"{state.purchases} purchases (> {self.purchases_max})")
        if self.interaction is not None and interaction(state, now) != self.interaction:
            failed.append(f"interaction {interaction(state, now)} (not {self.interaction})")
        if self.inactive_days is not None:
            idle = (now - (state.last_behaviour if state.last_behaviour is not None else state.created)) // DAY
            if idle < self.inactive_days:
                failed.append(f"{idle} days without behaviour (< {self.inactive_days})")
        return failed

    def describe(self) -> str:
        parts = []
        if self.registered_within is not None:
            parts.append(f"registered ≤ {self.registered_within} days")
        if self.purchases_min is not None:
            parts.append(f"purchases ≥ {self.purchases_min}")
        if self.purchases_max is not None:
            parts.append(f"purchases ≤ {self.purchases_max}")
        if self.interaction is not None:
            parts.append(f"interaction {self.interaction}")
        if self.inactive_days is not None:
            parts.append(f"{self.inactive_days} days without behaviour")
        return ", ".join(parts)


def interaction(state: PersonView, now: int) -> str:
    count = state.count(None, None, now - INTERACTION_DAYS * DAY)
    return next(level for level, least in INTERACTION_LEVELS if count >= least)


def compile_stages(resources: list[Any]) -> tuple[tuple[Stage, ...], frozenset[str]]:
    """The stages, lowest order first, and the names of the dormant ones."""
    stages = [Stage(r.spec.name, r.spec.order, index, r.spec.registered_within_days, r.spec.purchases_min,
                    r.spec.purchases_max, r.spec.interaction, r.spec.inactive_days,
                    normalise_tag(r.spec.tag) if r.spec.tag else None)
              for index, r in enumerate(resources)]
    stages.sort(key=lambda s: (s.order, s.index))
    names = {s.name for s in stages}
    dormant = {DORMANT} if DORMANT in names else {s.name for s in stages if s.inactive_days is not None}
    return tuple(stages), frozenset(dormant)


def evaluate(stages: tuple[Stage, ...], state: PersonState, at: int) -> Stage | None:
    """Set the person's stage at ``at`` (a 00:00); returns the stage entered, if it changed."""
    found = next((s for s in stages if s.holds(state, at)), None)
    name = found.name if found else None
    if name == state.stage:
        return None
    state.stage = name
    why = f"lifecycle_stages/{name}: {found.describe()}" if found else "no stage's conditions hold"
    state.record(at, STAGE, "stage", name, Cause("clock", f"daily evaluation at 00:00: {why}"))
    state.changed = True
    if found is not None:
        state.signals.stage_entered = name
    return found
