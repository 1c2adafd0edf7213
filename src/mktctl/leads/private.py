"""Files that hold a client's personal data, and what makes them safe to hand around.

* **Private files.** Every file mktctl writes into a lead result folder (``--out DIR``) is created with
  mode 0600 (readable and writable by its owner only) *before* any byte is written to it, so there is no
  moment when another user of the machine could read it; a folder mktctl creates for results is 0700.
  (On Windows the modes are not enforced: keep result folders in the user's profile.)

Formula safety and secrets in the cells of those files: :mod:`mktctl.leads.cells`.
"""

from __future__ import annotations

import os
from pathlib import Path

from mktctl.base.files import make_folders

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if needed; a folder created here is 0700. Returns ``path``."""
    if not path.exists():
        make_folders(path, mode=DIR_MODE)
        path.chmod(DIR_MODE)  # mkdir's mode is masked by the umask
    return path


def private_file(path: Path) -> Path:
    """Make ``path`` an empty file with mode 0600 (truncating it if it exists), ready for a writer that opens
    it by name: opening an existing file for writing keeps its mode. Returns ``path``."""
    if path.is_symlink():
        path.unlink()  # never write through a link someone put in the result folder
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, FILE_MODE)  # an existing file keeps its mode through O_CREAT
    finally:
        os.close(descriptor)
    return path
