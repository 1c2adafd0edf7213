"""What the delivery report says of each resource and each manual step of one profile's tenant: read from the
ledger through :mod:`mktctl.engine.progress`, as ``mktctl plan`` reads it, so that the two agree on what is
pending. The report calls no tenant: what is on the tenant is what the ledger recorded of the last apply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.secrets import mark_references

if TYPE_CHECKING:
    from mktctl.engine.progress import ProfileTenant
    from mktctl.kinds.base import Kind, Playbook, Resource


@dataclass
class ManualRow:
    step: str
    where: str
    who: str
    values: list[tuple[str, str]]
    status: str  # confirmed | pending | changed
    by: str = ""
    at: str = ""
    note: str = ""


def is_manual(kind: Kind[Any], tenant: ProfileTenant) -> bool:
    """Whether a person sets the kind's settings on this tenant: it has no extension API for the kind (a
    tenant at a URL is taken for the real platform, which has none)."""
    return tenant.extension_kinds is None or kind.name not in tenant.extension_kinds


def status(resource: Resource[Any], tenant: ProfileTenant, playbook: Playbook) -> str:
    """applied | confirmed | pending (a manual step) | changed (since applied or confirmed) | not_applied."""
    from mktctl.engine.progress import job_progress, settings_progress

    kind, key, spec = resource.kind, resource.key, resource.spec
    ledger = tenant.ledger
    if kind.job:
        ran = job_progress(playbook, ledger, resource)[0]
        return {"done": "applied", "changed": "changed"}.get(ran, "not_applied")
    parts: list[str] = []
    if kind.has_api:
        entry = ledger.entry(kind.name, key) if ledger is not None else None
        parts.append("not_applied" if entry is None else
                     "applied" if entry.digest == "" or playbook.digest_matches(entry.digest, kind.api_state(spec))
                     else "changed")
    state = kind.settings_state(spec)
    if state is not None:
        manual = is_manual(kind, tenant)
        progress = settings_progress(playbook, ledger, kind, key, state, by_person=manual).status
        parts.append(progress if progress != "pending" or manual else "not_applied")
    for worst in ("not_applied", "changed", "pending"):
        if worst in parts:
            return worst
    return "confirmed" if "confirmed" in parts else "applied"


def manual_rows(playbook: Playbook, tenant: ProfileTenant, lang: str | None = None) -> list[ManualRow]:
    """The manual steps of the profile's tenant, as its plan lists them: every setting a person sets there,
    said in ``lang`` (default: the playbook's language)."""
    from mktctl.engine.progress import settings_progress, step_id
    from mktctl.kinds.wording import Words

    words = Words.of(playbook, lang)
    rows = []
    for resource in playbook.resources:
        kind, key = resource.kind, resource.key
        state = kind.settings_state(resource.spec)
        if state is None or not is_manual(kind, tenant):
            continue
        progress = settings_progress(playbook, tenant.ledger, kind, key, state, by_person=True)
        # shown: a secret as its reference
        step = kind.manual_step(key, mark_references(state, playbook.secrets), words.about(resource))
        confirmation = progress.confirmation
        rows.append(ManualRow(step=step_id(kind.name, key), where=step.menu_path, who=step.who,
                              values=[(str(a), str(b)) for a, b in step.values][:12], status=progress.status,
                              by=confirmation.by if confirmation else "", at=confirmation.at if confirmation else "",
                              note=confirmation.note if confirmation else ""))
    return rows
