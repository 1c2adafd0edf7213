"""Plan files: a plan as the JSON document of schema ``mktctl.plan/v1`` (docs/plan-format.md), the way
``mktctl plan --output json`` prints it and ``mktctl plan --out FILE`` saves it, and a saved plan read back
for ``mktctl apply FILE``.

Personal data stays out: the fields a kind lists in ``pii_fields`` (mobiles, emails) are masked unless
asked for, always in a saved plan. A value that came from a secret is shown as its reference (``${env:NAME}``,
see the planner), and every secret value this process resolved is redacted from the values before they
are encoded, and from the text after.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from mktctl.engine.plan import OPS, Plan
from mktctl.errors import DataFileError, PlanError, PlanFileError

MAX_PLAN_BYTES = 256 * 1024 * 1024  # a plan of every resource a playbook can hold is far smaller


@cache
def _personal_fields() -> dict[str, frozenset[str]]:
    from mktctl.kinds.registry import KINDS

    return {kind.name: kind.pii_fields for kind in KINDS}


def is_personal(kind: str, field: str) -> bool:
    """Whether ``field`` of ``kind`` holds personal data (its kind lists it in ``pii_fields``)."""
    return field in _personal_fields().get(kind, frozenset())


def mask_value(field: str, value: Any) -> Any:
    """A personal value masked for display: emails as ``z***@example.cn``, anything else as a phone."""
    from mktctl.pii import mask_email, mask_phone

    if value in (None, ""):
        return value
    return mask_email(str(value)) if "mail" in field else mask_phone(str(value))


def plan_document(plan: Plan, *, show_pii: bool = False) -> dict[str, Any]:
    """The plan as a JSON-ready dict; personal values masked unless ``show_pii``."""
    document = plan.to_dict()
    if not show_pii:
        for action in document["actions"]:
            for change in action["changes"]:
                if is_personal(action["kind"], change["field"]):
                    change["before"] = mask_value(change["field"], change["before"])
                    change["after"] = mask_value(change["field"], change["after"])
    return document


def plan_json(plan: Plan, *, show_pii: bool = False) -> str:
    """The plan as JSON text, personal values masked unless ``show_pii`` and secret values redacted."""
    from mktctl.secrets import redacted_json

    return redacted_json(plan_document(plan, show_pii=show_pii), ensure_ascii=False, indent=2) + "\n"


def save_plan(plan: Plan, path: Path) -> None:
    """Write the plan to ``path`` (atomically), personal values masked and secret values redacted."""
    from mktctl.base.files import write_atomic

    try:
        write_atomic(path, plan_json(plan, show_pii=False))
    except OSError as error:
        raise PlanFileError(f"cannot write the plan file {path}: {error.strerror}", file=str(path)) from None


def load_plan(path: Path) -> Plan:
    """Read a plan saved with :func:`save_plan`. A file that is missing, unreadable, not JSON, of another
    schema or damaged raises :class:`PlanFileError` naming it."""
    from mktctl.base.inputs import read_bounded

    try:
        text = read_bounded(path, what="plan file", limit=MAX_PLAN_BYTES).decode("utf-8")
    except DataFileError as error:
        raise PlanFileError(f"cannot read the plan file {path}: {error.message.removeprefix(f'{path}: ')}",
                            file=str(path), hint=error.hint) from None
    except UnicodeDecodeError:
        raise PlanFileError(f"not a plan file: {path} is not UTF-8 text", file=str(path)) from None
    try:
        plan = Plan.from_json(text)
    except PlanError as error:
        raise PlanFileError(str(error), file=str(path), hint=error.hint) from None
    problem = _damage(plan)
    if problem:
        raise PlanFileError(f"the plan file is damaged: {problem}", file=str(path))
    return plan


def _damage(plan: Plan) -> str | None:
    """What makes a parsed plan unusable by apply, if anything."""
    if not isinstance(plan.playbook, dict) or not isinstance(plan.tenant, dict):
        return "'playbook' and 'tenant' must be objects"
    for key in ("root", "env"):
        if not isinstance(plan.playbook.get(key), (str, type(None))):
            return f"playbook.{key} must be text"
    if not isinstance(plan.prune, bool):
        return "'prune' must be true or false"
    unknown = sorted({a.op for a in plan.actions if a.op not in OPS}, key=str)
    if unknown:
        return f"unknown action {unknown[0]!r}"
    return None
