"""Load a playbook folder: the entry file, its includes, an environment overlay, variables, and every
resource validated by its kind's model, with all problems reported at once and each at its position.

Layout::

    DIR/mktctl.yaml          the entry file
    DIR/*.yaml, DIR/**/      files named by ``include:`` (never outside DIR)
    DIR/envs/NAME.yaml       an overlay selected with ``--env NAME``

Loading runs in four phases, one module each: the files (:mod:`~mktctl.playbook.sources`), variables and
references (:mod:`~mktctl.playbook.variables`), resources validated by their kinds
(:mod:`~mktctl.playbook.resources`), and checks across resources (:mod:`~mktctl.playbook.checks`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mktctl.base.language import LANGUAGES
from mktctl.errors import MktctlError, PlaybookError, Problem
from mktctl.kinds.base import Kind, Playbook
from mktctl.playbook.checks import check_playbook
from mktctl.playbook.problems import Problems
from mktctl.playbook.resources import RENAMED_FROM, build_resources
from mktctl.playbook.sources import ENTRY_FILE, ENV_FOLDER, SETTINGS_KEYS, read_sources
from mktctl.playbook.variables import VARIABLE_NAME, Interpolator, declared_variables

__all__ = ["ENTRY_FILE", "ENV_FOLDER", "LANGUAGES", "RENAMED_FROM", "SETTINGS_KEYS", "load_playbook"]



def load_playbook(directory: Path, *, env: str | None = None, variables: Mapping[str, str] | None = None,
                  environ: Mapping[str, str] | None = None, strict: bool = False) -> tuple[Playbook, list[Problem]]:
    """Load and check the playbook in ``directory``.

    Returns the playbook and its warnings; raises :class:`PlaybookError` with every error (and, with
    ``strict``, every warning as an error).
    """
    problems = Problems()
    playbook = _load(directory.resolve(), env, dict(variables or {}),
                     os.environ if environ is None else environ, problems)
    errors = [p for p in problems.found if p.severity == "error"]
    warnings = [p for p in problems.found if p.severity == "warning"]
    if strict:
        errors += [Problem(w.mark, w.message + " (an error with --strict)", w.path) for w in warnings]
        warnings = []
    if errors:
        raise PlaybookError(sorted(errors, key=_order) + sorted(warnings, key=_order))
    return playbook, sorted(warnings, key=_order)


def _order(problem: Problem) -> tuple[str, int, int]:
    mark = problem.mark
    return (mark.file, mark.line, mark.column) if mark else ("", 0, 0)


def _load(root: Path, env: str | None, cli_variables: dict[str, str], environ: Mapping[str, str],
          problems: Problems) -> Playbook:
    if not root.is_dir():
        raise PlaybookError([Problem(None, f"{root}: no such folder")])
    if not (root / ENTRY_FILE).is_file():
        raise MktctlError(f"no {ENTRY_FILE} in {root}",
                          hint="run `mktctl init` to start a playbook, or pass the playbook folder")
    kinds = _kinds()
    sources = read_sources(root, env, kinds, problems)
    main, overlay = sources.main, sources.overlay
    settings = main.data if isinstance(main.data, dict) else {}
    variables = declared_variables(main, settings.get("variables"), problems)
    if overlay is not None and isinstance(overlay.data, dict):
        variables.update(declared_variables(overlay, overlay.data.get("variables"), problems))
    for name, value in cli_variables.items():
        if not VARIABLE_NAME.match(name):
            problems.error(None, f"--var {name}: a variable name is letters, digits and _")
        variables[name] = value
    language = settings.get("language", "zh-CN")
    if language not in LANGUAGES:
        problems.error(main.mark(("language",)), f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        language = "zh-CN"
    version = settings.get("version", 1)
    if version != 1:
        problems.error(main.mark(("version",)), f"unsupported playbook version {version!r}; this mktctl reads 1")
    interpolator = Interpolator(variables, environ, problems)
    resources = build_resources(sources.sections, overlay, kinds, interpolator, problems)
    playbook = Playbook(root=root, name=str(settings.get("name") or root.name), language=language,
                        resources=resources, variables=variables, files=[d.file for d in sources.documents],
                        env=env, settings=dict(settings), secrets=dict(interpolator.secrets))
    check_playbook(playbook, kinds, problems)
    return playbook


def _kinds() -> dict[str, Kind[Any]]:
    from mktctl.kinds.registry import KINDS

    return {kind.name: kind for kind in KINDS}
