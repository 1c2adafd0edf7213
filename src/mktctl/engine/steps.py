"""Manual steps: what no API can set (a QR-code authorisation, a setting only in the admin UI), listed for a
person with the exact menu path and values, and done when that person confirms it.

A confirmation is kept in the ledger with who, when, a note and the digest of the values it was made for:
when the playbook's values change later, the step shows as ``changed`` and wants confirming again.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Literal

from mktctl.engine.ledger import Confirmation

if TYPE_CHECKING:
    from mktctl.engine.plan import Action, Manual, Plan
    from mktctl.engine.session import Session
    from mktctl.kinds.base import Playbook


class Selection(Enum):
    ALL_PENDING = "all pending"


ALL_PENDING = Selection.ALL_PENDING
"""Pass as ``steps`` to :func:`confirm_steps` to confirm every step that is not confirmed yet."""


def manual_steps(plan: Plan, *, include_confirmed: bool = False) -> list[Manual]:
    """The plan's manual steps in plan order: pending and changed ones, and confirmed ones too if asked."""
    return [action.manual for action in _manual_actions(plan).values() if action.manual is not None
            and (include_confirmed or action.manual.status != "confirmed")]


def possible_steps(playbook: Playbook) -> list[str]:
    """The name of every manual step the playbook can ask of a tenant without the extension API (a real
    tenant), in plan order: one per resource whose kind keeps settings. A function of the playbook alone,
    so that completing ``mktctl confirm STEP`` in a shell reads no tenant."""
    from mktctl.engine.planner import kinds_in_order
    from mktctl.engine.progress import step_id
    from mktctl.kinds.registry import KINDS

    return [step_id(kind.name, resource.key) for kind in kinds_in_order(KINDS) if not kind.job
            for resource in kind.order(playbook.of(kind.name)) if kind.settings_state(resource.spec) is not None]


def confirm_steps(session: Session, steps: Sequence[str] | Literal[Selection.ALL_PENDING], *, by: str, at: str,
                  note: str = "") -> dict[str, Confirmation]:
    """Record that ``steps`` (names as :func:`manual_steps` gives them, or ``ALL_PENDING``) were done by ``by``
    at ``at``, and save the ledger. Returns the confirmations made, by step name, in the order asked.

    A name that is not a manual step of the session's plan raises :class:`UnknownNameError` (with the closest
    name as a hint) before anything is recorded.
    """
    actions = _manual_actions(session.plan)
    if steps is ALL_PENDING:
        chosen = [name for name, action in actions.items()
                  if action.manual is not None and action.manual.status != "confirmed"]
    else:
        chosen = list(dict.fromkeys(steps))
        for name in chosen:
            if name not in actions:
                raise _unknown(name, list(actions))
    made = {name: Confirmation(digest=actions[name].digest, by=by, at=at, note=note) for name in chosen}
    session.tenant_ledger.confirmations.update(made)
    session.ledger.save()
    return made


def _manual_actions(plan: Plan) -> dict[str, Action]:
    return {action.manual.step: action for action in plan.actions
            if action.op == "manual" and action.manual is not None}


def _unknown(name: str, known: list[str]) -> Exception:
    from mktctl.base.suggest import did_you_mean
    from mktctl.errors import UnknownNameError

    hint = did_you_mean(name, known) or (f"steps: {', '.join(known[:8])}" if known
                                         else "this tenant has no manual steps for the playbook")
    return UnknownNameError(f"no manual step {name!r}", name=name, known=known, hint=hint)
