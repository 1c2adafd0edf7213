"""Fixtures of the delivery tests: a starter playbook folder, and workbooks made from it."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

NOW = "2026-01-02T03:04:05+08:00"
GENERATOR = "mktctl test"


def starter(target: Path) -> Path:
    """The playbook `mktctl init` writes, copied the way init copies it."""
    source = Path(str(resources.files("mktctl") / "playbooks" / "standard"))
    for file in sorted(source.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts and file.name != "README.md":
            destination = target / file.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, destination)
    return target


@pytest.fixture
def playbook_dir(tmp_path: Path) -> Path:
    return starter(tmp_path / "playbook")


def texts(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.yaml"))
            if ".mktctl" not in p.parts}
