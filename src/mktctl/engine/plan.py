"""A plan: the actions that bring a tenant to what a playbook declares, in the order they run.

A plan is data. It renders as a table, JSON (schema ``mktctl.plan/v1``, see docs/plan-format.md) or
Markdown, and it can be saved and applied later: the saved plan records the tenant's fingerprint, the
digest of the tenant state it was made from and the playbook digest, so that ``apply PLAN_FILE`` refuses
when anything changed since.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from mktctl.errors import PlanError

SCHEMA = "mktctl.plan/v1"
SYMBOLS = {"create": "+", "update": "~", "delete": "-", "manual": "!", "noop": "="}
OPS = tuple(SYMBOLS)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Manual:
    step: str
    menu_path: str
    values: list[tuple[str, str]]
    verify: str
    who: str
    status: str  # "pending", "changed" (confirmed for other values), "confirmed"
    qr_url: str | None = None
    confirmed_by: str | None = None
    confirmed_at: str | None = None


@dataclass(frozen=True)
class Action:
    op: str
    kind: str
    key: str
    part: str  # "api" or "settings"
    remote_id: str | None = None
    changes: tuple[FieldChange, ...] = ()
    manual: Manual | None = None
    note: str = ""
    digest: str = ""
    renamed_from: str | None = None

    @property
    def address(self) -> str:
        suffix = " (settings)" if self.part == "settings" and self.op != "manual" else ""
        return f"{self.kind}/{self.key}{suffix}"

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.op]


@dataclass
class Plan:
    playbook: dict[str, Any]
    tenant: dict[str, Any]
    actions: list[Action]
    prune: bool = False
    orphans: list[str] = field(default_factory=list)  # owned, undeclared, kept because --prune is off
    created_at: str = ""

    def count(self, op: str) -> int:
        return sum(1 for a in self.actions if a.op == op)

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if a.op in ("create", "update", "delete")]

    @property
    def pending_manual(self) -> list[Action]:
        return [a for a in self.actions if a.op == "manual" and a.manual and a.manual.status != "confirmed"]

    def exit_code(self) -> int:
        """``--detailed-exitcode``: 0 nothing to do, 2 changes, 3 only manual steps pending."""
        if self.changes:
            return 2
        return 3 if self.pending_manual else 0

    def summary(self) -> str:
        parts = [f"{self.count('create')} to create", f"{self.count('update')} to update",
                 f"{self.count('delete')} to delete", f"{len(self.pending_manual)} manual step"
                 + ("s" if len(self.pending_manual) != 1 else "") + " pending",
                 f"{self.count('noop')} unchanged"]
        return "Plan: " + ", ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "created_at": self.created_at,
            "playbook": self.playbook,
            "tenant": self.tenant,
            "prune": self.prune,
            "summary": {op: self.count(op) for op in OPS} | {"manual_pending": len(self.pending_manual)},
            "orphans": self.orphans,
            "actions": [_action_dict(a) for a in self.actions],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Plan:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise PlanError(f"not a plan file: {error}") from None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            found = data.get("schema") if isinstance(data, dict) else None
            raise PlanError(f"not a {SCHEMA} plan file (schema is {found!r})")
        try:
            actions = [_action(a) for a in data["actions"]]
            return cls(playbook=data["playbook"], tenant=data["tenant"], actions=actions, prune=data["prune"],
                       orphans=list(data.get("orphans", [])), created_at=data.get("created_at", ""))
        except (KeyError, TypeError) as error:
            raise PlanError(f"the plan file is damaged: {error}") from None


def _action_dict(action: Action) -> dict[str, Any]:
    data = asdict(action)
    data["changes"] = [asdict(c) for c in action.changes]
    if action.manual is not None:
        data["manual"]["values"] = [list(v) for v in action.manual.values]
    return data


def _action(data: dict[str, Any]) -> Action:
    manual = data.get("manual")
    return Action(op=data["op"], kind=data["kind"], key=data["key"], part=data["part"],
                  remote_id=data.get("remote_id"), note=data.get("note", ""), digest=data.get("digest", ""),
                  renamed_from=data.get("renamed_from"),
                  changes=tuple(FieldChange(**c) for c in data.get("changes", [])),
                  manual=Manual(**{**manual, "values": [tuple(v) for v in manual["values"]]}) if manual else None)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file (documented in docs/plan-format.md)."""
    change = {"type": "object", "required": ["field", "before", "after"],
              "properties": {"field": {"type": "string"}, "before": {}, "after": {}}}
    manual = {"type": ["object", "null"], "required": ["step", "menu_path", "values", "verify", "status"],
              "properties": {"step": {"type": "string"}, "menu_path": {"type": "string"},
                             "values": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                             "verify": {"type": "string"}, "who": {"type": "string"},
                             "status": {"enum": ["pending", "changed", "confirmed"]},
                             "qr_url": {"type": ["string", "null"]}, "confirmed_by": {"type": ["string", "null"]},
                             "confirmed_at": {"type": ["string", "null"]}}}
    action = {"type": "object", "required": ["op", "kind", "key", "part"],
              "properties": {"op": {"enum": list(OPS)}, "kind": {"type": "string"}, "key": {"type": "string"},
                             "part": {"enum": ["api", "settings"]}, "remote_id": {"type": ["string", "null"]},
                             "changes": {"type": "array", "items": change}, "manual": manual,
                             "note": {"type": "string"}, "digest": {"type": "string"},
                             "renamed_from": {"type": ["string", "null"]}}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA, "title": "mktctl plan",
            "type": "object", "required": ["schema", "playbook", "tenant", "actions", "summary"],
            "properties": {"schema": {"const": SCHEMA}, "created_at": {"type": "string"},
                           "playbook": {"type": "object", "properties": {"name": {"type": "string"},
                                                                         "digest": {"type": "string"},
                                                                         "env": {"type": ["string", "null"]}}},
                           "tenant": {"type": "object", "properties": {"name": {"type": "string"},
                                                                       "fingerprint": {"type": "string"},
                                                                       "state_digest": {"type": "string"}}},
                           "prune": {"type": "boolean"},
                           "summary": {"type": "object", "additionalProperties": {"type": "integer"}},
                           "orphans": {"type": "array", "items": {"type": "string"}},
                           "actions": {"type": "array", "items": action}}}
