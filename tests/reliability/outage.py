"""Tenants that stop answering, for the deadline and Ctrl-C tests: a port that accepts connections and never
answers, a port whose connections never complete, and a real ``mktctl`` process to stop or watch."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.support import mktctl_command


class SilentTenant:
    """Accepts every connection, reads what is sent, never answers: a call waits for its read timeout."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self.first_at: float | None = None  # time.monotonic() of the first connection
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            if self.first_at is None:
                self.first_at = time.monotonic()
            self.connections.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for connection in self.connections:
            connection.close()
        self.sock.close()


class UnconnectableTenant:
    """A port whose accept queue is full (backlog 0, one connection parked in it): a new connection's SYN is
    dropped, so a call waits inside ``connect`` as it does for a host that has vanished."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.filler = socket.create_connection(("127.0.0.1", port), timeout=2)

    def connect_hangs(self) -> bool:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.settimeout(0.5)
        try:
            probe.connect(("127.0.0.1", int(self.url.rsplit(":", 1)[1])))
        except TimeoutError:
            return True
        except OSError:
            return False
        finally:
            probe.close()
        return False

    def close(self) -> None:
        self.filler.close()
        self.sock.close()


@dataclass
class Ended:
    code: int
    stdout: str
    stderr: str
    seconds: float  # from the moment of interest (the tenant died, Ctrl-C) to the exit

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Command:
    """``mktctl ARGS`` running in the background."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(mktctl_command(*args), cwd=cwd, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self.started = time.monotonic()

    def running(self) -> bool:
        return self.process.poll() is None

    def wait_until(self, condition: Callable[[], bool], timeout: float = 120) -> None:
        """Wait until ``condition`` holds while the command runs; fail if it ended or took too long first."""
        limit = time.monotonic() + timeout
        while not condition():
            if not self.running():
                out, err = self.process.communicate()
                raise AssertionError(f"the command ended ({self.process.returncode}) first:\n{out}\n{err}")
            if time.monotonic() > limit:
                self.kill()
                raise AssertionError("the condition never held")
            time.sleep(0.05)

    def interrupt(self) -> Ended:
        """Ctrl-C, then wait for the exit."""
        at = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        return self.ended(at)

    def ended(self, since: float, timeout: float = 180) -> Ended:
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        return Ended(self.process.returncode, out, err, time.monotonic() - since)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.communicate()


def journal_lines(path: Path, kind: str) -> int:
    """How many lines of ``kind`` (``"t": "done"``, ``"event": "start"``, ...) a journal has so far."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    return text.count(kind)
