"""Finding playbook folders (folders with a ``mktctl.yaml``): the playbook a file belongs to, for the hook
that validates the playbooks a commit touches, and the playbooks below a folder, for shell completion."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from mktctl.playbook.starter import ENTRY_FILE  # not from sources: that imports the kinds (pydantic)

SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv"})  # and every hidden folder (.git, .mktctl)


def playbook_of(path: Path, *, within: Path | None = None) -> Path | None:
    """The playbook folder that ``path`` (a file or a folder) belongs to: the nearest folder at or above it
    that holds a ``mktctl.yaml``, not looking above ``within`` when ``path`` is inside it. None when there is
    none."""
    start = path.resolve()
    boundary = within.resolve() if within is not None else None
    if boundary is not None and not start.is_relative_to(boundary):
        boundary = None
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        if (folder / ENTRY_FILE).is_file():
            return folder
        if folder == boundary:
            return None
    return None


def playbooks_of(paths: Iterable[Path], *, within: Path | None = None) -> list[Path]:
    """The playbook folders that ``paths`` belong to, each once, in the order first met; paths that belong
    to no playbook are left out."""
    found = (playbook_of(path, within=within) for path in paths)
    return list(dict.fromkeys(folder for folder in found if folder is not None))


def playbooks_below(folder: Path, *, depth: int = 3) -> Iterator[Path]:
    """The playbook folders at or below ``folder``, at most ``depth`` levels down, in name order; hidden
    folders and tool folders are not searched."""
    if (folder / ENTRY_FILE).is_file():
        yield folder
    if depth <= 0:
        return
    try:
        children = sorted(entry.path for entry in os.scandir(folder) if entry.is_dir()
                          and not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS)
    except OSError:
        return
    for child in children:
        yield from playbooks_below(Path(child), depth=depth - 1)


def overlays(folder: Path) -> list[str]:
    """The names of the playbook's environment overlays (``envs/NAME.yaml``), in name order."""
    from mktctl.playbook.load import ENV_FOLDER

    return sorted(path.stem for path in (folder / ENV_FOLDER).glob("*.yaml") if path.is_file())
