"""include: relative to the including file, never outside the playbook folder, symlinks included."""

from __future__ import annotations

import pytest

from mktctl.errors import PlaybookError
from mktctl.playbook.load import load_playbook

ORG = "departments:\n  - name: 市场部\n"


def problems(error: PlaybookError) -> list[str]:
    return [p.message for p in error.problems]


def test_includes_nest_relative_to_the_including_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "parts").mkdir()
    (tmp_path / "mktctl.yaml").write_text("include: [parts/a.yaml]\n", encoding="utf-8")
    (tmp_path / "parts" / "a.yaml").write_text("include: [b.yaml]\n" + ORG, encoding="utf-8")
    (tmp_path / "parts" / "b.yaml").write_text("users: []\n", encoding="utf-8")

    playbook, _ = load_playbook(tmp_path)

    assert [r.key for r in playbook.resources] == ["市场部"]
    assert playbook.files == ["mktctl.yaml", "parts/a.yaml", "parts/b.yaml"]


def test_a_symlink_that_leads_out_of_the_folder_is_refused(tmp_path, monkeypatch) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(ORG, encoding="utf-8")
    folder = tmp_path / "playbook"
    folder.mkdir()
    (folder / "org.yaml").symlink_to(outside)
    (folder / "mktctl.yaml").write_text("include: [org.yaml]\n", encoding="utf-8")
    monkeypatch.chdir(folder)

    with pytest.raises(PlaybookError) as error:
        load_playbook(folder)

    assert problems(error.value) == ["include 'org.yaml' points outside the playbook folder"]


def test_a_file_including_itself_is_reported(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mktctl.yaml").write_text("include: [a.yaml]\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("include: [a.yaml]\n", encoding="utf-8")

    with pytest.raises(PlaybookError) as error:
        load_playbook(tmp_path)

    assert problems(error.value) == ["'a.yaml' is included more than once (or includes itself)"]


def test_values_from_the_environment_are_secrets_and_never_keys(tmp_path, monkeypatch) -> None:
    from mktctl.secrets import REDACTOR

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mktctl.yaml").write_text("departments:\n  - name: ${env:MKTCTL_TEST_DEPT}\n", encoding="utf-8")

    with pytest.raises(PlaybookError) as error:
        load_playbook(tmp_path, environ={"MKTCTL_TEST_DEPT": "机密部门名称"})

    assert problems(error.value) == ["departments: name cannot come from a secret (${env:...} or ${keyring:...}): "
                                     "keys are written to the ledger and shown in plans"]
    assert REDACTOR.redact("created 机密部门名称") == "created ***"
