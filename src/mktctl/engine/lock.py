"""One run at a time per playbook folder and tenant: a lock file that says who holds it.

The lock is a file created exclusively. A lock left by a process that no longer runs (on this host) is
taken over; one held by a live process, or by another host, is reported with who holds it and since when.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from types import TracebackType

from mktctl.engine.journal import now_iso, who
from mktctl.errors import LockedError


class RunLock:
    def __init__(self, state_dir: Path, name: str, command: str) -> None:
        self.path = state_dir / f"{name}.lock"
        self.command = command
        self._held = False

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {"pid": os.getpid(), "host": socket.gethostname(), "who": who(), "since": now_iso(),
                  "command": self.command}
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                holder = self._holder()
                if holder is not None and not _stale(holder):
                    raise LockedError(
                        f"another mktctl run holds {self.path}: {holder.get('who')} (pid {holder.get('pid')}, "
                        f"{holder.get('command')}) since {holder.get('since')}",
                        hint="wait for it to finish; if that process is gone on another host, delete the lock file")
                self.path.unlink(missing_ok=True)  # a dead holder's lock: take it over
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump(record, stream)
            self._held = True
            return
        raise LockedError(f"could not take the lock {self.path}")

    def _holder(self) -> dict[str, object] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def release(self) -> None:
        if self._held:
            self.path.unlink(missing_ok=True)
            self._held = False

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _stale(holder: dict[str, object]) -> bool:
    if holder.get("host") != socket.gethostname():
        return False
    try:
        pid = int(str(holder.get("pid")))
    except ValueError:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
