"""Who is running mktctl, and when: the words every journal, lock and confirmation records."""

from __future__ import annotations

import getpass
import socket
from datetime import datetime, timezone


def now_iso() -> str:
    """The local time now, to the second, with its offset (``2026-03-02T09:00:00+08:00``)."""
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def who() -> str:
    """``user@host`` of this process."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"
