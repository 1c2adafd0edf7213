"""Files that survive a crash: whole-file replacement and line appends that reach the disk."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def make_folders(path: Path, *, mode: int = 0o777) -> None:
    """``path.mkdir(parents=True, exist_ok=True, mode=mode)`` for a path of any depth: pathlib recurses once per
    folder it creates, so an output path a thousand folders deep ended in a RecursionError. The parents get
    the default mode, as with pathlib; errors are pathlib's (a file in the way, permission denied)."""
    missing: list[Path] = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if not missing and not current.is_dir():
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=mode if folder == missing[0] else 0o777)
        except FileExistsError:  # made meanwhile by another process; a file or a link in the way is an error
            if not folder.is_dir():
                raise


def write_atomic(path: Path, text: str | bytes, *, mode: int | None = None) -> None:
    """Write ``text`` (as UTF-8) or bytes to ``path`` so that a crash leaves either the old or the new file,
    never half."""
    make_folders(path.parent)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8") if isinstance(text, str) else text)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            Path(temp).chmod(mode)
        Path(temp).replace(path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        named = with_path(error, path)
        if named is error:
            raise
        raise named from error
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def append_synced(path: Path, line: str) -> None:
    """Append one line and fsync it: after a crash the file ends with whole lines (the last maybe cut)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    except OSError as error:
        named = with_path(error, path)
        if named is error:
            raise
        raise named from error
    finally:
        os.close(fd)


def with_path(error: OSError, path: Path) -> OSError:
    """``error`` naming the file it was about: a full disk on ``write`` names none, and the message needs it."""
    if error.filename is not None:
        return error
    return type(error)(error.errno, error.strerror or str(error), str(path))
