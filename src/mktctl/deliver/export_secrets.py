"""What a tenant export writes where the tenant holds a secret: a reference, never the value.

A tenant's values are plain data; which of them came from a secret is known only where this process has
met the secret:

* a value resolved from a reference in this process: the tenant profile's ``${env:NAME}``, and the playbook
  an export with ``--force`` writes over (:func:`learn_references` loads it);
* a value of the exporting environment (``mktctl apply`` resolved ``${env:NAME}`` from the same environment;
  playbooks treat every ``${env:...}`` value as a secret): a variable of at least
  :data:`MIN_ENVIRONMENT_VALUE` characters whose value is inside an exported text, apart from the shell's
  own variables (``PATH``, ``HOME``, ``LANG``, ...).

Those are written as their reference (``desc ${env:TOKEN} tail``). Any other secret this process knows (the
access token) and every value of a field a kind declares a credential (``Kind.secret_fields``: an
authorisation link) become a new reference ``${env:MKTCTL_SECRET_<KIND>_<FIELD>}``, with a warning that says
which variable to set before planning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl import secrets
from mktctl.errors import MktctlError

if TYPE_CHECKING:
    from mktctl.kinds.base import Kind

MIN_ENVIRONMENT_VALUE = 8
_SHELL_VARIABLES = re.compile(r"^(PATH|HOME|PWD|OLDPWD|SHELL|SHLVL|USER|LOGNAME|HOSTNAME|MAIL|EDITOR|VISUAL|PAGER|"
                              r"TERM|TERM_.*|COLORTERM|LANG|LANGUAGE|LC_.*|TZ|TMPDIR|TEMP|TMP|DISPLAY|XDG_.*|"
                              r"SSH_.*|PYTHON.*|VIRTUAL_ENV|CONDA_.*|MKTCTL_TENANT_URL|_)$")


def learn_references(playbook_dir: Path, environ: Mapping[str, str]) -> None:
    """Load the playbook of ``playbook_dir`` for its secret references: resolving one registers its value
    with the reference it came from. A playbook that does not load teaches nothing."""
    from mktctl.playbook.load import load_playbook

    try:
        load_playbook(playbook_dir, environ=environ)
    except MktctlError:
        return


@dataclass
class SecretGuard:
    """Turns the tenant's values into what an exported playbook may hold, and says what it did."""

    environ: Mapping[str, str]
    placeholders: dict[str, str] = field(default_factory=dict)  # new variable -> the tenant's value
    warnings: list[str] = field(default_factory=list)
    _candidates: dict[str, str] | None = None

    def candidates(self) -> dict[str, str]:
        """Value -> ``${env:NAME}`` for the variables of the environment that may hold a secret."""
        if self._candidates is None:
            self._candidates = {}
            for name, value in sorted(self.environ.items()):
                if len(value) >= MIN_ENVIRONMENT_VALUE and not _SHELL_VARIABLES.match(name):
                    self._candidates.setdefault(value, f"${{env:{name}}}")
        return self._candidates

    def item(self, kind: Kind[Any], key: str, number: int | None, raw: dict[str, Any]) -> dict[str, Any]:
        """The fields of one exported item (``number``: its position among the kind's items)."""
        return {name: self._value(value, _Where(kind, key, number, name, name in kind.secret_fields))
                for name, value in raw.items()}

    def _value(self, value: Any, where: _Where) -> Any:
        from mktctl.playbook.write import playbook_text

        if isinstance(value, dict):
            return {k: self._value(v, where.inside(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._value(v, where.inside(i)) for i, v in enumerate(value)]
        if not isinstance(value, str) or not value:
            return value
        for candidate, reference in self.candidates().items():
            if candidate in value:
                secrets.REDACTOR.add(candidate, reference)
        known = secrets.REDACTOR.references()
        held = [secret for secret in secrets.REDACTOR.values() if secret in value]
        if held and all(secret in known for secret in held):
            return playbook_text(secrets.parse_references(secrets.with_references(value, known)))
        if held or where.credential:
            name = where.variable()
            self.placeholders[name] = value
            self.warnings.append(f"{where.kind.name}/{where.key}: {where.path} holds a secret; it was written as "
                                 f"${{env:{name}}}: set {name} before `mktctl plan`")
            return playbook_text([secrets.Reference(f"${{env:{name}}}")])
        return value


@dataclass(frozen=True)
class _Where:
    kind: Kind[Any]
    key: str
    number: int | None
    path: str
    credential: bool  # a field of Kind.secret_fields, or inside one

    def inside(self, part: str | int) -> _Where:
        return _Where(self.kind, self.key, self.number, f"{self.path}.{part}", self.credential)

    def variable(self) -> str:
        parts = [self.kind.name, *([str(self.number)] if self.number else []), self.path]
        return "MKTCTL_SECRET_" + re.sub(r"[^A-Z0-9]+", "_", "_".join(parts).upper()).strip("_")
