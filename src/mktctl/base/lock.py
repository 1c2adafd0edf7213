"""One run at a time per playbook folder (or per tenant): a lock file that says who holds it.

The lock is an advisory ``flock`` on ``.mktctl/NAME.lock``: the operating system releases it when the holder
ends in any way (even SIGKILL), so a lock left by a dead process is taken over without a race. The file's
content says who holds it, for the message another run gets. A holder on another host (a playbook folder on
a shared drive) is respected, since flock does not reach across hosts: delete the file if that run is gone.

A ``reentrant`` lock may be taken again by the process that holds it (apply holds its tenant's lock while the
imports it runs take it too); it is released when the outermost holder releases it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
from pathlib import Path
from types import TracebackType

from mktctl.base.clock import now_iso, who
from mktctl.base.files import make_folders
from mktctl.errors import LockedError

_HELD: dict[Path, tuple[int, int]] = {}  # reentrant locks this process holds: path -> (fd, holders)
_HELD_GUARD = threading.Lock()


class RunLock:
    def __init__(self, state_dir: Path, name: str, command: str, *, reentrant: bool = False,
                 subject: str | None = None, hint: str | None = None) -> None:
        self.path = state_dir / f"{name}.lock"
        self.command = command
        self.reentrant = reentrant
        self.subject = subject or f"holds {self.path}"  # for the refusal: "another mktctl run {subject}: ..."
        self.hint = hint or "wait for it to finish; if that run is gone on another host, delete the lock file"
        self._fd: int | None = None
        self._holding = False  # a reentrant lock: this object counts among the process's holders

    def acquire(self) -> None:
        if not self.reentrant:
            self._acquire()
            return
        with _HELD_GUARD:
            if self._holding:
                return
            held = _HELD.get(self.path)
            if held is None:
                self._acquire()
                assert self._fd is not None
                held, self._fd = (self._fd, 0), None
            _HELD[self.path] = (held[0], held[1] + 1)
            self._holding = True

    def _acquire(self) -> None:
        make_folders(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise self._refusal(self._holder()) from None
        holder = self._holder()
        if holder and holder.get("host") not in (None, socket.gethostname()):
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise self._refusal(holder)
        record = {"pid": os.getpid(), "host": socket.gethostname(), "who": who(), "since": now_iso(),
                  "command": self.command}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        self._fd = fd

    def _refusal(self, holder: dict[str, object] | None) -> LockedError:
        holder = holder or {}
        return LockedError(
            f"another mktctl run {self.subject}: {holder.get('who', 'unknown')} (pid {holder.get('pid', '?')}, "
            f"{holder.get('command', '?')}) since {holder.get('since', '?')}", hint=self.hint)

    def _holder(self) -> dict[str, object] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "null")
        except (OSError, json.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def release(self) -> None:
        if not self.reentrant:
            self._release()
            return
        with _HELD_GUARD:
            held = _HELD.get(self.path)
            if not self._holding or held is None:
                return
            self._holding = False
            if held[1] > 1:
                _HELD[self.path] = (held[0], held[1] - 1)
                return
            del _HELD[self.path]
            self._fd = held[0]
            self._release()

    def _release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
