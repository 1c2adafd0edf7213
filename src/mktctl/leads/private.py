"""Files that hold a client's personal data, and what makes them safe to hand around.

* **Private files.** Every file mktctl writes into a lead result folder (``--out DIR``) is created with
  mode 0600 (readable and writable by its owner only) *before* any byte is written to it, so there is no
  moment when another user of the machine could read it; a folder mktctl creates for results is 0700.
  (On Windows the modes are not enforced: keep result folders in the user's profile.)
* **Formula safety (CSV injection, OWASP).** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return can run as a formula when a CSV file is opened in Excel or WPS
  (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). :func:`neutralise` puts a single quote in front of such a
  value, which the spreadsheet shows as text and which any reader of the CSV can strip. Plain numbers such as
  ``+8613912345678`` (an E.164 phone) or ``-2`` are left as they are: a spreadsheet reads them as numbers, never
  as formulas, and every phone in results.csv would otherwise change. xlsx files need no such prefix: mktctl
  writes every cell as a string cell (inline or shared string), which is never evaluated.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FILE_MODE = 0o600
DIR_MODE = 0o700
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?[0-9]+(?:\.[0-9]+)?$"
_PLAIN = re.compile(_PLAIN_NUMBER)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if needed; a folder created here is 0700. Returns ``path``."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
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


def neutralise(value: str) -> str:
    """``=1+1`` → ``'=1+1``; ``+8613912345678`` and ``hello`` unchanged."""
    if value[:1] in TRIGGERS and not _PLAIN.match(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The value :func:`neutralise` was given: ``'=1+1`` → ``=1+1`` (for programs that read the CSV files)."""
    if value[:1] == "'" and value[1:2] in TRIGGERS and not _PLAIN.match(value[1:]):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame, columns: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The text columns of ``frame`` (or ``columns``) with :func:`neutralise` applied, vectorised."""
    out = frame.copy()
    for name in columns if columns is not None else list(frame.columns):
        values = out[name]
        if not (values.dtype == object or str(values.dtype) in ("str", "string")):
            continue
        text = values.fillna("").astype("str")
        risky = text.str.contains(_TRIGGER, regex=True) & ~text.str.fullmatch(_PLAIN_NUMBER[1:-1])
        if risky.any():
            out[name] = text.where(~risky, "'" + text)
    return out
