"""Make a plan: compare what the playbook declares with what the tenant has. A pure function of the
playbook, the observation and the ledger; it calls nothing.

Digests (an action's, the tenant state's) are :meth:`Playbook.state_digest`: a value that came from a
secret counts as its reference, never as itself. A ledger written before that still matches
(:meth:`Playbook.digest_matches`), and ``apply`` rewrites its digests in the new form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mktctl.base.clock import now_iso
from mktctl.engine.plan import Action, FieldChange, Manual, Plan
from mktctl.engine.progress import job_progress, settings_progress, step_id

if TYPE_CHECKING:
    from mktctl.engine.ledger import TenantLedger
    from mktctl.engine.observe import Observation
    from mktctl.kinds.base import Kind, Playbook, Resource
    from mktctl.kinds.wording import Words


def kinds_in_order(kinds: list[Kind[Any]]) -> list[Kind[Any]]:
    """Topological order by ``depends_on``, keeping the registry order among equals."""
    from mktctl.errors import PlanError

    names = {k.name: k for k in kinds}
    done: list[Kind[Any]] = []
    visiting: set[str] = set()

    def visit(kind: Kind[Any]) -> None:
        if kind in done:
            return
        if kind.name in visiting:
            raise PlanError(f"kinds depend on each other in a cycle through {kind.name}")
        visiting.add(kind.name)
        for dependency in kind.depends_on:
            if dependency in names:
                visit(names[dependency])
        visiting.discard(kind.name)
        done.append(kind)

    for kind in kinds:
        visit(kind)
    return done


def make_plan(playbook: Playbook, observation: Observation, ledger: TenantLedger, *, tenant: dict[str, Any],
              kinds: list[Kind[Any]], prune: bool = False) -> Plan:
    """The plan; its manual steps are said in the playbook's language (``playbook.language``)."""
    from mktctl.kinds.wording import Words

    words = Words.of(playbook)
    actions: list[Action] = []
    for kind in kinds:
        for resource in kind.order(playbook.of(kind.name)):
            if kind.job:
                actions.append(_job_action(resource, ledger, playbook))
            else:
                actions.extend(_resource_actions(resource, observation, ledger, playbook, words))
    deletes, orphans = _deletes(playbook, observation, ledger, kinds)
    if prune:
        actions.extend(deletes)
    actions = [_shown(action, playbook.secrets) for action in actions]
    return Plan(playbook={"name": playbook.name, "root": str(playbook.root), "digest": playbook.digest(),
                          "env": playbook.env, "language": playbook.language},
                tenant={**tenant, "state_digest": observation.state_digest(playbook.secrets)}, actions=actions,
                prune=prune,
                orphans=[] if prune else orphans, created_at=now_iso())


def _resource_actions(resource: Resource[Any], observation: Observation, ledger: TenantLedger,
                      playbook: Playbook, words: Words) -> list[Action]:
    kind, key, spec = resource.kind, resource.key, resource.spec
    actions: list[Action] = []
    old = resource.renamed_from
    if kind.has_api:
        desired = kind.api_state(spec)
        current = observation.api.get(kind.name, {}).get(key)
        wanted = playbook.state_digest(desired)
        if current is not None and (kind.name, key, "api") in observation.renamed:
            changes = (FieldChange(kind.key_field, old, key), *_changes(current.state, desired))
            actions.append(Action("update", kind.name, key, "api", remote_id=current.id, changes=changes,
                                  note=f"renamed from {old}", digest=wanted, renamed_from=old))
        elif current is None:
            actions.append(Action("create", kind.name, key, "api", changes=_changes({}, desired), digest=wanted))
        else:
            changes = _changes(current.state, desired)
            entry = ledger.entry(kind.name, key)
            note = ""
            if changes and entry is not None and playbook.digest_matches(entry.digest, desired):
                note = "changed on the tenant since the last apply (drift)"
            actions.append(Action("update" if changes else "noop", kind.name, key, "api", remote_id=current.id,
                                  changes=changes, note=note, digest=wanted))
    state = kind.settings_state(spec)
    if state is not None:
        wanted = playbook.state_digest(state)
        if kind.name in observation.extension_kinds:
            setting = observation.settings.get(kind.name, {}).get(key)
            if setting is not None and (kind.name, key, "settings") in observation.renamed:
                changes = (FieldChange(kind.key_field, old, key),
                           *_changes(setting.spec, kind.compared(key, state, setting.spec)))
                actions.append(Action("update", kind.name, key, "settings", remote_id=setting.id,
                                      changes=changes, note=f"renamed from {old}", digest=wanted, renamed_from=old))
            elif setting is None:
                actions.append(Action("create", kind.name, key, "settings", changes=_changes({}, state),
                                      digest=wanted))
            else:
                changes = _changes(setting.spec, kind.compared(key, state, setting.spec))
                entry = ledger.entry(kind.name, key, "settings")
                note = ""
                if changes and entry is not None and entry.digest == wanted:
                    note = "changed on the tenant since the last apply (drift)"
                actions.append(Action("update" if changes else "noop", kind.name, key, "settings",
                                      remote_id=setting.id, changes=changes, note=note, digest=wanted))
        else:
            actions.append(_without_extension(kind, key, state, playbook, ledger, words.about(resource)))
    return actions


def _job_action(resource: Resource[Any], ledger: TenantLedger, playbook: Playbook) -> Action:
    """A job (an import) runs until it has finished for exactly this input; then it is unchanged."""
    kind, key = resource.kind, resource.key
    progress, wanted = job_progress(playbook, ledger, resource)
    entry = ledger.entry(kind.name, key)
    if progress == "done" and entry is not None:
        return Action("noop", kind.name, key, "api", remote_id=entry.id, digest=wanted)
    desired = {k: v for k, v in resource.spec.model_dump(mode="json").items() if v not in (None, [], "")}
    note = "the file or its options changed since the last run" if progress == "changed" else ""
    return Action("update" if progress == "changed" else "create", kind.name, key, "api",
                  changes=_changes({}, desired), note=note, digest=wanted)


def _shown(action: Action, secrets: dict[str, str]) -> Action:
    """The action as a plan shows and saves it: a value that came from a secret is shown as its reference
    (``${env:NAME}``), before and after. Apply takes its values from the playbook, never from here."""
    if not secrets:
        return action
    from dataclasses import replace

    from mktctl.secrets import mark_references

    changes = tuple(FieldChange(c.field, mark_references(c.before, secrets), mark_references(c.after, secrets))
                    for c in action.changes)
    manual = action.manual
    if manual is not None:
        manual = replace(manual, values=[(label, mark_references(value, secrets)) for label, value in manual.values])
    return replace(action, changes=changes, manual=manual)


def _without_extension(kind: Kind[Any], key: str, state: dict[str, Any], playbook: Playbook,
                       ledger: TenantLedger, words: Words) -> Action:
    """The settings of a kind this tenant has no extension API for: a manual step, said with ``words`` (the
    playbook's language), done when a person confirmed these values
    (:func:`mktctl.engine.progress.settings_progress`, which ``mktctl report`` reads too)."""
    progress = settings_progress(playbook, ledger, kind, key, state, by_person=True)
    step = kind.manual_step(key, state, words)
    confirmation = progress.confirmation
    manual = Manual(step=step_id(kind.name, key), menu_path=step.menu_path,
                    values=[(str(a), str(b)) for a, b in step.values], verify=step.verify, who=step.who,
                    status=progress.status, qr_url=step.qr_url,
                    confirmed_by=confirmation.by if confirmation else None,
                    confirmed_at=confirmation.at if confirmation else None)
    note = "the values changed since the step was confirmed" if progress.status == "changed" else ""
    return Action("manual", kind.name, key, "settings", manual=manual, note=note,
                  digest=playbook.state_digest(state))


def _deletes(playbook: Playbook, observation: Observation, ledger: TenantLedger, kinds: list[Kind[Any]]
             ) -> tuple[list[Action], list[str]]:
    declared = {(r.kind.name, r.key) for r in playbook.resources}
    declared |= {(r.kind.name, r.renamed_from) for r in playbook.resources if r.renamed_from}
    actions: list[Action] = []
    for kind in reversed(kinds):
        for part in ("settings", "api"):
            for kind_name, key, entry in sorted(ledger.entries(part)):
                if kind_name != kind.name or (kind_name, key) in declared or not entry.owned:
                    continue
                if part == "api":
                    current = observation.api.get(kind_name, {}).get(key)
                    if current is None:
                        continue
                    actions.append(Action("delete", kind_name, key, "api", remote_id=current.id,
                                          changes=_changes(current.state, {})))
                elif kind_name in observation.extension_kinds:
                    setting = observation.settings.get(kind_name, {}).get(key)
                    if setting is None:
                        continue
                    actions.append(Action("delete", kind_name, key, "settings", remote_id=setting.id,
                                          changes=_changes(setting.spec, {})))
    orphans = sorted({f"{a.kind}/{a.key}" for a in actions})
    return actions, orphans


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if _normal(old) != _normal(new):
            changes.append(FieldChange(name, old, new))
    return tuple(changes)


def _normal(value: Any) -> Any:
    """Empty text and null are the same to the platform."""
    if value in ("", None, [], {}):
        return None
    return value
