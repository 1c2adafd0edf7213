"""Where the details of an unexpected error go: a new private file of the user, never a shared temp folder.

The log is written to ``$XDG_STATE_HOME/mktctl/crash`` (``~/.local/state/mktctl/crash``), a folder of the
user's own, 0700 and checked each time (:mod:`mktctl.base.userdirs`: a link or another user's folder is
refused). When that folder cannot be used, a new private folder in the temp folder is made for it
(``mkdtemp``: 0700, a name nobody can guess). The file's name carries the time, the process id and random
digits, and it is created with ``O_EXCL | O_NOFOLLOW``, mode 0600: a file or a link planted in its place is
never written through, and two crashes in one second get two files. Its text is redacted of secrets.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mktctl.base.userdirs import UnsafeFolderError, private_state_dir

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class CrashLogError(Exception):
    """No crash log could be written anywhere; ``reasons`` says why, place by place."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def write_crash_log(text: str) -> Path:
    """Write ``text`` to a new crash log and return its path; ``CrashLogError`` when nothing can be written."""
    places: list[Callable[[], Path]] = [lambda: private_state_dir("crash"),
                                        lambda: Path(tempfile.mkdtemp(prefix="mktctl-crash-"))]
    reasons: list[str] = []
    for place in places:
        try:
            return _new_file(place(), text)
        except (OSError, UnsafeFolderError) as error:
            reasons.append(_reason(error))
    raise CrashLogError(reasons)


def _new_file(folder: Path, text: str) -> Path:
    data = text.encode("utf-8", errors="replace")
    for _ in range(8):
        path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{secrets.token_hex(4)}.log"
        try:
            fd = os.open(path, _FLAGS, 0o600)  # private from the first byte, and never through a planted link
        except FileExistsError:
            continue
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        os.close(fd)
        return path
    raise FileExistsError(f"{folder}: no free name for a crash log")


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return str(error)
