"""The ledger, ``DIR/mktctl.lock.yaml``: what mktctl knows about each tenant it applied to.

For every resource: the natural key, the remote id, whether mktctl created it (``owned``: only owned
resources are ever pruned) and the digest of the values last applied (to tell drift from a playbook
change). Confirmed manual steps with who confirmed them, when, and for which values.

Tenants are keyed by their fingerprint (:mod:`mktctl.tenant.identity`: the tenant's address and corp), not by
the profile that reached them: two profiles of one tenant (``sandbox`` and ``sandbox-public`` share the
embedded sandbox) share its entry. The entry keeps the name of the profile that made it, and lists every
profile that has written to it (``profiles``, when there is more than one), so that a profile finds its
tenant from the files alone (:meth:`Ledger.of_profile`) and no profile renames the entry of another.

No secrets and no personal data: keys are names and employee numbers, values are only digests, and a
value that came from a secret enters a digest as its reference, never as itself (see
:meth:`mktctl.kinds.base.Playbook.state_digest`). Written atomically (temp file, fsync, rename) and in a
fixed order so that it diffs cleanly in git.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl.base.files import write_atomic
from mktctl.errors import MktctlError
from mktctl.secrets import REDACTOR

LEDGER_FILE = "mktctl.lock.yaml"
_HEADER = ("# mktctl ledger: which tenant resources this playbook manages. Written by mktctl after each\n"
           "# successful step; commit it with the playbook. Holds no secrets and no personal data.\n")


@dataclass
class Entry:
    id: str
    owned: bool
    digest: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "owned": self.owned, "digest": self.digest}


@dataclass
class Confirmation:
    digest: str
    by: str
    at: str
    note: str = ""


@dataclass
class TenantLedger:
    name: str  # the profile that made the entry
    resources: dict[str, dict[str, Entry]] = field(default_factory=dict)  # "kind" or "kind#settings" -> key
    confirmations: dict[str, Confirmation] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)  # every profile that reached this tenant, sorted

    def __post_init__(self) -> None:
        self.profiles = sorted({self.name, *self.profiles})

    def entry(self, kind: str, key: str, part: str = "api") -> Entry | None:
        return self.resources.get(_section(kind, part), {}).get(key)

    def record(self, kind: str, key: str, part: str, entry: Entry) -> None:
        self.resources.setdefault(_section(kind, part), {})[key] = entry

    def forget(self, kind: str, key: str, part: str = "api") -> None:
        section = self.resources.get(_section(kind, part), {})
        section.pop(key, None)
        if not section:
            self.resources.pop(_section(kind, part), None)

    def entries(self, part: str = "api") -> list[tuple[str, str, Entry]]:
        found = []
        for section, entries in self.resources.items():
            kind, _, suffix = section.partition("#")
            if (suffix or "api") == part:
                found.extend((kind, key, entry) for key, entry in entries.items())
        return found


def _section(kind: str, part: str) -> str:
    return kind if part == "api" else f"{kind}#{part}"


class Ledger:
    def __init__(self, path: Path, tenants: dict[str, TenantLedger] | None = None) -> None:
        self.path = path
        self.tenants = tenants or {}

    def for_tenant(self, fingerprint: str, profile: str) -> TenantLedger:
        """The entry of the tenant ``fingerprint``, reached through ``profile``: made and named after the profile
        the first time, then shared by every profile of that tenant (each is listed, none renames it)."""
        ledger = self.tenants.get(fingerprint)
        if ledger is None:
            ledger = self.tenants[fingerprint] = TenantLedger(name=profile)
        elif profile not in ledger.profiles:
            ledger.profiles = sorted({*ledger.profiles, profile})
        return ledger

    def of_profile(self, profile: str) -> list[tuple[str, TenantLedger]]:
        """The fingerprint and entry of each tenant ``profile`` has written to: one, unless the profile was
        pointed at another tenant since."""
        return [(fingerprint, ledger) for fingerprint, ledger in self.tenants.items() if profile in ledger.profiles]

    @classmethod
    def load(cls, directory: Path) -> Ledger:
        path = directory / LEDGER_FILE
        if not path.is_file():
            return cls(path)
        from mktctl.base.yamlload import load_yaml_file
        from mktctl.errors import PlaybookError

        try:
            data = load_yaml_file(path, display=LEDGER_FILE).data or {}
        except PlaybookError as error:
            raise MktctlError(f"the ledger {LEDGER_FILE} is damaged: {error}",
                              hint="restore it from version control") from None
        try:
            tenants = {}
            for fingerprint, raw in (data.get("tenants") or {}).items():
                resources = {section: {key: Entry(id=str(e["id"]), owned=bool(e["owned"]),
                                                  digest=str(e.get("digest", "")))
                                       for key, e in (entries or {}).items()}
                             for section, entries in (raw.get("resources") or {}).items()}
                confirmations = {step: Confirmation(digest=str(c["digest"]), by=str(c["by"]), at=str(c["at"]),
                                                    note=str(c.get("note") or ""))
                                 for step, c in (raw.get("confirmations") or {}).items()}
                tenants[str(fingerprint)] = TenantLedger(name=str(raw.get("name", "")), resources=resources,
                                                         confirmations=confirmations,
                                                         profiles=[str(p) for p in raw.get("profiles") or []])
        except (AttributeError, KeyError, TypeError) as error:
            raise MktctlError(f"the ledger {LEDGER_FILE} is damaged: missing {error}",
                              hint="restore it from version control") from None
        return cls(path, tenants)

    def to_dict(self) -> dict[str, Any]:
        tenants: dict[str, Any] = {}
        for fingerprint in sorted(self.tenants):
            ledger = self.tenants[fingerprint]
            tenants[fingerprint] = {
                "name": ledger.name,
                **({"profiles": list(ledger.profiles)} if ledger.profiles != [ledger.name] else {}),
                "resources": {section: {key: ledger.resources[section][key].to_dict()
                                        for key in sorted(ledger.resources[section])}
                              for section in sorted(ledger.resources)},
                "confirmations": {step: {"digest": c.digest, "by": c.by, "at": c.at, "note": c.note}
                                  for step, c in sorted(ledger.confirmations.items())},
            }
        return {"version": 1, "tenants": tenants}

    def save(self) -> None:
        from io import StringIO

        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        yaml.allow_unicode = True
        yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
        buffer = StringIO()
        yaml.dump(self.to_dict(), buffer)
        write_atomic(self.path, _HEADER + REDACTOR.redact(buffer.getvalue()))  # keys and notes never hold one


