"""Starter playbooks: one of the ready playbooks (src/mktctl/playbooks/NAME/) copied into a folder as the start
of a client's own, with a .gitignore that keeps mktctl's local state out of version control, and set up for
editors (the playbook's JSON Schema beside it, a modeline in each playbook file: :mod:`mktctl.playbook.editor`)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from mktctl.base.files import make_folders
from mktctl.errors import MktctlError, UnknownNameError, WouldOverwriteError
from mktctl.playbook.editor import SCHEMA_FILE, EditorSetup, setup_editor

ENTRY_FILE = "mktctl.yaml"
GITIGNORE = "# mktctl's local state: the sandbox data, the journal, result files\n.mktctl/\n"


@dataclass(frozen=True)
class StarterResult:
    template: str
    folder: Path
    files: tuple[Path, ...]  # written, relative to ``folder`` (the template's files, then the schema)
    gitignore: bool  # a .gitignore was written (there was none)
    editor: EditorSetup


def templates() -> dict[str, Path]:
    """The ready playbooks by name (each a folder with a mktctl.yaml), in name order."""
    from importlib import resources

    root = Path(str(resources.files("mktctl") / "playbooks"))
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and (p / ENTRY_FILE).is_file()}


def write_starter(folder: Path, template: str = "standard", *, force: bool = False) -> StarterResult:
    """Copy the ready playbook ``template`` into ``folder`` (created if missing), add a .gitignore and set the
    folder up for editors (:func:`~mktctl.playbook.editor.setup_editor`).

    An unknown template raises :class:`UnknownNameError` with the closest name. Files that exist already are
    only replaced with ``force``; otherwise :class:`WouldOverwriteError` names them and nothing is written.
    """
    known = templates()
    if template not in known:
        from mktctl.base.suggest import did_you_mean

        hint = did_you_mean(template, known) or f"templates: {', '.join(known)}"
        raise UnknownNameError(f"unknown template {template!r}", name=template, known=list(known), hint=hint)
    source = known[template]
    target = folder.resolve()
    files = [p.relative_to(source) for p in sorted(source.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and p.name not in ("README.md", SCHEMA_FILE)]
    clashes = sorted((f for f in files if (target / f).exists()), key=lambda f: (f.name != ENTRY_FILE, str(f)))
    if clashes and not force:
        names = ", ".join(str(f) for f in clashes[:3])
        raise WouldOverwriteError(f"{target} already has {names}", folder=str(target),
                                  files=[str(f) for f in clashes], hint="choose an empty folder, or pass --force")
    try:
        for file in files:
            destination = target / file
            make_folders(destination.parent)
            shutil.copyfile(source / file, destination)
        ignore = target / ".gitignore"
        gitignore = not ignore.exists()
        if gitignore:
            ignore.write_text(GITIGNORE, encoding="utf-8")
    except OSError as error:
        where = error.filename or target
        raise MktctlError(f"cannot write the playbook: {where}: {error.strerror or error}") from None
    editor = setup_editor(target)
    return StarterResult(template=template, folder=target, files=(*files, Path(SCHEMA_FILE)), gitignore=gitignore,
                         editor=editor)
