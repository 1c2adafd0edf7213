"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Run:
    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


RunMktctl = Callable[..., Run]


@pytest.fixture
def mktctl(tmp_path: Path) -> RunMktctl:
    """Run the real ``mktctl`` command in a subprocess, in ``cwd`` (default: the test's tmp_path)."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            input: str | None = None, timeout: float = 120) -> Run:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("MKTCTL_")}
        full_env.update({"NO_COLOR": "1", "COLUMNS": "160", "PYTHONIOENCODING": "utf-8",
                         "XDG_CONFIG_HOME": str(tmp_path / ".config")})
        full_env.update(env or {})
        command = [sys.executable, "-m", "mktctl", *args]
        done = subprocess.run(command, cwd=cwd or tmp_path, env=full_env, input=input, capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout, check=False)
        return Run(list(args), done.returncode, done.stdout, done.stderr)

    return run
