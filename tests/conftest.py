"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests judge what a function does, not how fast: on a loaded 2-core CI machine an example can take
# longer than hypothesis' default 200 ms deadline, which made a correct test fail now and then.
settings.register_profile("mktctl", deadline=None)
settings.load_profile("mktctl")

# Variables that change what mktctl does: a test that wants one sets it itself.
_SETTINGS_PREFIXES = ("MKTCTL_", "FXIAOKE_")
_SETTINGS_NAMES = ("NO_COLOR", "COLUMNS", "LINES", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                   "XDG_STATE_HOME", "XDG_CACHE_HOME", "PYTHON_KEYRING_BACKEND")
_KEPT = ("MKTCTL_RELIABILITY_FIGURES",)  # where the reliability tests write their figures: not a setting of mktctl


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs with no mktctl settings in its environment and its own home and config folders, so
    that nothing of the developer's machine (a tenants.yaml, an exported secret) can change a result."""
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if (name.startswith(_SETTINGS_PREFIXES) or name in _SETTINGS_NAMES) and name not in _KEPT:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    return home


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
        full_env = dict(os.environ)  # already isolated by the autouse fixture above
        full_env.update({"NO_COLOR": "1", "COLUMNS": "160", "PYTHONIOENCODING": "utf-8",
                         "XDG_CONFIG_HOME": str(tmp_path / ".config")})
        full_env.update(env or {})
        command = [sys.executable, "-m", "mktctl", *args]
        done = subprocess.run(command, cwd=cwd or tmp_path, env=full_env, input=input, capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout, check=False)
        return Run(list(args), done.returncode, done.stdout, done.stderr)

    return run
