"""Files a person hands to mktctl (a lead file, a mapping, a workbook, a saved plan, a data file): checked
before anything reads them.

A path given on the command line or in a playbook may name anything: a device (``/dev/zero`` reads
forever, ``/dev/urandom`` too), a FIFO (opening it waits for a writer that never comes), a folder, or
contain a NUL (which no system call accepts). :func:`regular_file` refuses all of those with one clear
:class:`~mktctl.errors.DataFileError` and returns the file's size; :func:`read_bounded` also reads it, at
most ``limit`` bytes, from a descriptor opened without blocking and checked once open (so a file swapped
for a FIFO between the check and the read cannot hang the read either).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mktctl.errors import DataFileError

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _refuse(path: Path | str, why: str, what: str, hint: str | None = None) -> DataFileError:
    return DataFileError(f"{path}: {why}", file=str(path), hint=hint or f"give the path of the {what} itself")


def _a(what: str) -> str:
    return f"{'an' if what[:1].lower() in 'aeiou' else 'a'} {what}"


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _size_error(path: Path | str, size: int, limit: int, what: str) -> DataFileError:
    return _refuse(path, f"the {what} is {size:,} bytes; mktctl reads at most {limit:,}", what,
                   hint="is it the right file?")


def regular_file(path: Path | str, *, what: str = "file", limit: int | None = None,
                 shown: str | None = None) -> int:
    """The size of ``path`` once it is known to be a regular file (symbolic links followed) no larger than
    ``limit`` bytes; else :class:`DataFileError` saying what it is. ``what`` names the file in messages
    ("mapping file", "workbook"), ``shown`` is the name to show for it (default: the path)."""
    name = shown or str(path)
    info = _stat(path, name, what)
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(name, f"is {_kind(info.st_mode)}, not {_a(what)}", what)
    if limit is not None and info.st_size > limit:
        raise _size_error(name, info.st_size, limit, what)
    return info.st_size


def folder_or_file(path: Path | str, *, what: str) -> bool:
    """True when ``path`` is a folder, False when it is a regular file; else :class:`DataFileError` saying what
    it is (for an option that takes either, such as a result folder or its summary)."""
    info = _stat(path, str(path), what)
    if stat.S_ISDIR(info.st_mode):
        return True
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, f"is {_kind(info.st_mode)}, not {_a(what)}", what)
    return False


def existing_folder(path: Path | str, *, what: str = "folder") -> None:
    """Refuse ``path`` unless it is a folder (links followed): missing, a file, a device, a NUL in its name."""
    try:
        info = _stat(path, str(path), what)
    except DataFileError as error:
        if error.message == f"{path}: file not found":
            raise _refuse(path, "no such folder", what, hint="check the path") from None
        raise
    if not stat.S_ISDIR(info.st_mode):
        kind = "a file" if stat.S_ISREG(info.st_mode) else _kind(info.st_mode)
        raise _refuse(path, f"is {kind}, not {_a(what)}", what, hint=f"give the path of the {what}")


def _stat(path: Path | str, name: str, what: str) -> os.stat_result:
    text = str(path)
    if "\x00" in text:
        raise _refuse(name.replace("\x00", "\\0"), "a file name cannot contain a NUL character (\\0)", what)
    try:
        return Path(text).stat()
    except FileNotFoundError:
        raise _refuse(name, "file not found", what, hint="check the path") from None
    except PermissionError:
        raise _refuse(name, "permission denied", what, hint="check the file's permissions") from None
    except (OSError, ValueError) as exc:  # a name too long, a loop of links, a path through a file
        raise _refuse(name, f"cannot read the {what}: {getattr(exc, 'strerror', None) or exc}", what) from None


def file_problem(path: Path | str, *, what: str = "file", limit: int | None = None) -> str | None:
    """Why ``path`` is not a file :func:`regular_file` accepts, without the path (for a message that names the
    file its own way); None when it is one."""
    try:
        regular_file(path, what=what, limit=limit, shown=str(path))
    except DataFileError as error:
        return error.message.removeprefix(f"{path}: ")
    return None


def read_bounded(path: Path | str, *, what: str = "file", limit: int, shown: str | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them (else :class:`DataFileError`)."""
    name = shown or str(path)
    regular_file(path, what=what, limit=limit, shown=shown)
    try:
        fd = os.open(str(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _refuse(name, f"cannot read the {what}: {exc.strerror or exc}", what) from None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced since the check
            raise _refuse(name, f"is {_kind(info.st_mode)}, not {_a(what)}", what)
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            raise _refuse(name, f"cannot read the {what}: {exc.strerror or exc}", what) from None
    if len(data) > limit:  # it grew since the check
        raise _size_error(name, len(data), limit, what)
    return data
