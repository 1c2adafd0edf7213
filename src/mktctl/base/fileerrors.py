"""A file system error on the user's files, told as the user's problem: the path, what is wrong, what to do.

``file_access_error(error)`` turns an ``OSError`` - raised, or given as the cause or first argument of
another error (writers of spreadsheet files wrap theirs) - into a :class:`mktctl.errors.FileAccessError`,
for the one place where errors become messages (``mktctl.cli.main``). Every command reads and writes
files (``.mktctl/`` state, ``--out`` files and folders, the playbook folder), so this is done there once,
not command by command. An error about a file of mktctl itself or of Python (a missing template of the
package) is a bug, not the user's problem: it is left alone (None), and so is an ``OSError`` that names no
file and is not about the disk (a network error).
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from mktctl.errors import FileAccessError

_PACKAGE = Path(__file__).resolve().parents[1]
_DISK_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)}


def file_access_error(error: BaseException) -> FileAccessError | None:
    """The user-facing error for a file system ``error``, or None when it is not about the user's files."""
    found = _os_error(error)
    if found is None:
        return None
    # a rename names the temporary file first and its target second: the target is what the user knows
    path = _path(found.filename2) or _path(found.filename)
    if path is None:
        if found.errno not in _DISK_ERRNOS:
            return None
        path = ""
    elif _is_ours(path):
        return None
    return _describe(found, path)


def _os_error(error: BaseException) -> OSError | None:
    for candidate in (error, error.__cause__, *(error.args[:1] if error.args else ())):
        if isinstance(candidate, OSError) and not isinstance(candidate, (ConnectionError, TimeoutError)):
            return candidate
    return None


def _path(name: object) -> str | None:
    if name is None or name == "":
        return None
    if isinstance(name, bytes):
        return os.fsdecode(name)
    return str(name)


def _is_ours(path: str) -> bool:
    """A file of the mktctl package or of the Python installation (a bug, or a broken install)."""
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return False
    roots = {_PACKAGE, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    return any(resolved.is_relative_to(root) for root in roots if root != Path("/"))


def _describe(error: OSError, path: str) -> FileAccessError:
    code = error.errno
    reason = error.strerror or type(error).__name__
    where = path or "a file"
    if code in (errno.EACCES, errno.EPERM):
        message, hint = (f"permission denied: {where}",
                         f"give your user access to {where} and the folder it is in, or use another folder")
    elif code == errno.EROFS:
        message, hint = (f"{where} is on a read-only file system",
                         "write somewhere else (e.g. --out to a writable folder), or copy the playbook folder to "
                         "a writable place")
    elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        message, hint = (f"no space left on the disk for {where}",
                         "free some space on that disk (or raise your quota), then run the same command again")
    elif code == errno.ENOTDIR:
        blocker = _blocking_file(path)
        message = f"cannot use {where}: {blocker or 'a part of it'} is a file, not a folder"
        hint = f"move {blocker or 'that file'} away, or choose another folder"
    elif code == errno.EEXIST:
        message, hint = (f"{where} exists and is not a folder", f"move or rename {where}; a folder is needed there")
    elif code == errno.EISDIR:
        message, hint = (f"{where} is a folder where a file is expected",
                         f"remove or rename the folder {where}, or give the name of a file")
    elif code == errno.ENOENT:
        message, hint = (f"{where} does not exist (or a folder on the way to it)",
                         "check the path; create the folder first if it should be there")
    elif code == errno.ENAMETOOLONG:
        message, hint = f"the path is too long: {where}", "use a shorter folder or file name"
    elif code == errno.ELOOP:
        message, hint = f"{where}: too many levels of symbolic links", "fix or remove the symbolic link"
    elif code == errno.EIO:
        message, hint = (f"input/output error on {where}",
                         "the disk or the network drive failed; check it, then run the same command again")
    else:
        message, hint = f"cannot use {where}: {reason}", "check the path, its permissions and its disk"
    return FileAccessError(message, path=path, hint=hint)


def _blocking_file(path: str) -> str | None:
    """The first part of ``path`` that exists and is not a folder."""
    current = Path(path)
    for part in [*reversed(current.parents), current]:
        if str(part) in ("", ".", "/"):
            continue
        try:
            if part.exists() and not part.is_dir():
                return str(part)
        except OSError:
            return None
    return None
