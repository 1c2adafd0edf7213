"""Starter playbooks: a ready playbook copied into a folder that loads as it is, with a .gitignore; unknown
templates and files that would be overwritten are refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from mktctl.errors import UnknownNameError, WouldOverwriteError
from mktctl.playbook.load import load_playbook
from mktctl.playbook.starter import GITIGNORE, templates, write_starter


def test_the_templates_are_the_ready_playbooks_by_name() -> None:
    found = templates()

    assert {"standard", "flagship"} <= set(found)
    assert list(found) == sorted(found)
    assert all((folder / "mktctl.yaml").is_file() for folder in found.values())
    assert "fragments" not in found  # shared fragments are no playbook of their own


def test_a_starter_is_the_template_without_its_readme_plus_a_gitignore_and_the_schema(tmp_path: Path) -> None:
    result = write_starter(tmp_path / "client", "standard")

    assert result.folder == (tmp_path / "client").resolve() and result.template == "standard"
    assert Path("mktctl.yaml") in result.files and Path("README.md") not in result.files
    assert sorted(p.relative_to(result.folder) for p in result.folder.rglob("*") if p.is_file()) == sorted(
        [*result.files, Path(".gitignore")])
    assert result.gitignore and (result.folder / ".gitignore").read_text(encoding="utf-8") == GITIGNORE
    playbook, _warnings = load_playbook(result.folder)
    assert playbook.resources


def test_an_unknown_template_is_refused_with_the_closest_name(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError) as raised:
        write_starter(tmp_path / "client", "standrad")

    assert str(raised.value) == "unknown template 'standrad'"
    assert raised.value.hint == "did you mean 'standard'?"
    assert "standard" in raised.value.known
    assert not (tmp_path / "client").exists()


def test_files_that_exist_are_kept_unless_forced(tmp_path: Path) -> None:
    write_starter(tmp_path)
    entry = tmp_path / "mktctl.yaml"
    original = entry.read_text(encoding="utf-8")
    entry.write_text("# the client's own edits\n", encoding="utf-8")

    with pytest.raises(WouldOverwriteError) as raised:
        write_starter(tmp_path)

    assert str(raised.value).startswith(f"{tmp_path.resolve()} already has mktctl.yaml, ")
    assert raised.value.files[0] == "mktctl.yaml" and raised.value.hint == "choose an empty folder, or pass --force"
    assert entry.read_text(encoding="utf-8") == "# the client's own edits\n"
    write_starter(tmp_path, force=True)
    assert entry.read_text(encoding="utf-8") == original


def test_a_gitignore_that_exists_is_left_as_it_is(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.xlsx\n", encoding="utf-8")

    result = write_starter(tmp_path)

    assert not result.gitignore
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.xlsx\n"
