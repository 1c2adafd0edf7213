"""Loading, phase 2: variables and references. ``${var.NAME}`` from ``variables:``, an overlay and
``--var``; ``${env:NAME}`` and ``${keyring:SERVICE:NAME}`` resolved as secrets (redacted wherever they go);
``$${`` for a literal ``${``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mktctl import secrets
from mktctl.base.suggest import did_you_mean
from mktctl.base.yamlload import Document
from mktctl.errors import Mark, MktctlError
from mktctl.kinds.base import Path_
from mktctl.playbook.problems import Problems

INTERPOLATION = re.compile(r"\$\$\{|\$\{([^}]*)\}")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def declared_variables(document: Document, block: Any, problems: Problems) -> dict[str, Any]:
    """The ``variables:`` mapping of one file, each name checked."""
    if block is None:
        return {}
    if not isinstance(block, dict):
        problems.error(document.mark(("variables",)), "variables must be a mapping of name: value")
        return {}
    result = {}
    for name, value in block.items():
        if not VARIABLE_NAME.match(name):
            problems.error(document.mark(("variables", name), key=True),
                           f"variable name {name!r}: use letters, digits and _")
            continue
        result[name] = value
    return result


class Interpolator:
    """Replaces references in raw values, reporting each unknown one at its position."""

    def __init__(self, variables: dict[str, Any], environ: Mapping[str, str], problems: Problems) -> None:
        self.variables = variables
        self.environ = environ
        self.problems = problems
        self.secrets: dict[str, str] = {}  # every secret value resolved -> the reference it came from

    def error(self, mark: Mark | None, message: str, severity: str = "error") -> None:
        self.problems.error(mark, message, severity)

    def interpolate(self, value: Any, document: Document, path: Path_) -> Any:
        if isinstance(value, dict):
            return {k: self.interpolate(v, document, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.interpolate(v, document, (*path, i)) for i, v in enumerate(value)]
        if not isinstance(value, str) or "$" not in value:
            return value
        whole = INTERPOLATION.fullmatch(value)
        if whole and whole.group(1) is not None:
            return self._lookup(whole.group(1), document, path)

        def replace(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return "${"
            found = self._lookup(match.group(1), document, path)
            return "" if found is None else str(found)

        return INTERPOLATION.sub(replace, value)

    def _lookup(self, expression: str, document: Document, path: Path_) -> Any:
        mark = document.mark(path)
        expression = expression.strip()
        if expression.startswith("var."):
            name = expression[4:]
            if name not in self.variables:
                hint = did_you_mean(name, self.variables)
                self.error(mark, f"undefined variable {name!r}" + (f"; {hint}" if hint else
                                                                    "; define it under variables: or pass --var"))
                return None
            return self.variables[name]
        if expression.startswith(("env:", "keyring:")):
            reference = "${" + expression + "}"
            try:
                value = secrets.resolve(reference, environ=self.environ)
            except MktctlError as error:
                self.error(mark, str(error))
                return None
            self.secrets.setdefault(value, reference)
            return value
        self.error(mark, f"unknown reference ${{{expression}}}; use ${{var.NAME}}, ${{env:NAME}} or "
                         "${keyring:SERVICE:NAME} (write $${ for a literal ${)")
        return None
