"""Files that survive a crash: whole-file replacement and line appends that reach the disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str | bytes, *, mode: int | None = None) -> None:
    """Write ``text`` (as UTF-8) or bytes to ``path`` so that a crash leaves either the old or the new file,
    never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
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
