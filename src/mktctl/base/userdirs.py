"""mktctl's own per-user folder for state that belongs to no playbook: tenant locks and crash logs.

``$XDG_STATE_HOME/mktctl`` (``~/.local/state/mktctl`` when the variable is not set), and folders in it, are
created with mode 0700 and checked each time they are used: a folder that is a symbolic link or belongs to
another user is refused (another local user could have planted it to read or replace what mktctl writes);
one of ours that others may read is made private again.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from mktctl.errors import MktctlError

FOLDER_MODE = 0o700


class UnsafeFolderError(MktctlError):
    """A folder mktctl keeps private state in is not safe to use (not ours, a link, not a folder)."""

    def __init__(self, message: str, *, folder: Path, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.folder = folder


def state_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/mktctl``, or ``~/.local/state/mktctl``: where it is, without creating it."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME", "").strip()
    if base and Path(base).is_absolute():  # a relative value is invalid by the XDG spec: ignored
        return Path(base) / "mktctl"
    return Path(env.get("HOME") or Path.home()) / ".local" / "state" / "mktctl"


def private_state_dir(*parts: str, environ: Mapping[str, str] | None = None) -> Path:
    """The folder ``parts`` under :func:`state_home`, created 0700 and checked (see the module)."""
    folder = state_home(environ)
    folder.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    _private_folder(folder)
    for part in parts:
        folder = folder / part
        _private_folder(folder)
    return folder


def _private_folder(folder: Path) -> None:
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=FOLDER_MODE)
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeFolderError(f"{folder} is a symbolic link; mktctl keeps private state only in a real folder",
                                folder=folder, hint=f"remove the link {folder}; mktctl creates the folder itself")
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolderError(f"{folder} is not a folder", folder=folder,
                                hint=f"move {folder} away; mktctl creates the folder itself")
    if info.st_uid != os.geteuid():
        raise UnsafeFolderError(f"{folder} belongs to another user (uid {info.st_uid})", folder=folder,
                                hint="set XDG_STATE_HOME to a folder of your own, or remove that folder")
    if stat.S_IMODE(info.st_mode) & 0o077:
        folder.chmod(FOLDER_MODE)
