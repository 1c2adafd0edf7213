"""Editor support: `mktctl init` writes the playbook's JSON Schema beside it (mktctl.schema.json) and a
`# yaml-language-server: $schema=...` line at the top of each playbook file, the entry file and every file it
includes, by a path relative to that file; `mktctl init --editor-only` does the same for a playbook that
exists, keeps a modeline that is there, and positions in the playbook still point at the right lines."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from mktctl.errors import MktctlError, PlaybookError
from mktctl.playbook.editor import MODELINE, SCHEMA_FILE, playbook_files, schema_text, setup_editor
from mktctl.playbook.jsonschema import playbook_schema
from mktctl.playbook.load import load_playbook
from mktctl.playbook.starter import write_starter
from tests.conftest import RunMktctl


def first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


def test_a_starter_names_the_schema_beside_it_in_the_entry_file_and_every_included_file(tmp_path: Path) -> None:
    result = write_starter(tmp_path / "client", "standard")
    folder = result.folder

    assert json.loads((folder / SCHEMA_FILE).read_text(encoding="utf-8")) == playbook_schema()
    assert Path(SCHEMA_FILE) in result.files
    assert first_line(folder / "mktctl.yaml") == f"{MODELINE}mktctl.schema.json"
    assert first_line(folder / "leads.yaml") == f"{MODELINE}mktctl.schema.json"
    assert first_line(folder / "fragments" / "consent-pipl.yaml") == f"{MODELINE}../mktctl.schema.json"
    playbook, _warnings = load_playbook(folder)
    assert sorted(result.editor.tagged) == sorted(Path(f).resolve().relative_to(folder) for f in playbook.files)
    assert result.editor.kept == ()


def test_overlays_tenant_profiles_and_test_people_get_no_modeline(tmp_path: Path) -> None:
    folder = write_starter(tmp_path, "standard").folder

    for other in ("envs/production.yaml", "mktctl.tenants.yaml", "tests/starter.yaml"):
        assert "yaml-language-server" not in (folder / other).read_text(encoding="utf-8"), other


def test_positions_in_a_playbook_with_modelines_point_at_the_lines_as_the_editor_shows_them(tmp_path: Path) -> None:
    folder = write_starter(tmp_path, "standard").folder
    organisation = folder / "organisation.yaml"
    lines = organisation.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if "position: 内容运营" in line)
    lines[number - 1] = lines[number - 1].replace("position: 内容运营", "postion: 内容运营")
    organisation.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(PlaybookError) as raised:
        load_playbook(folder)

    assert any(p.mark and (p.mark.file.endswith("organisation.yaml"), p.mark.line) == (True, number)
               for p in raised.value.problems), [str(p) for p in raised.value.problems]


def test_editor_only_sets_up_an_existing_playbook_and_keeps_what_is_there(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 客户\ninclude: [parts/roles.yaml, own.yaml]\n",
                                          encoding="utf-8")
    (tmp_path / "parts" / "roles.yaml").write_text("\ufeffroles: []\n", encoding="utf-8")
    own = "# yaml-language-server: $schema=https://example.invalid/own.json\ndepartments: []\n"
    (tmp_path / "own.yaml").write_text(own, encoding="utf-8")
    (tmp_path / "parts" / "roles.yaml").chmod(0o640)
    (tmp_path / SCHEMA_FILE).write_text("{}", encoding="utf-8")  # written by an older mktctl

    setup = setup_editor(tmp_path)

    assert setup.tagged == (Path("mktctl.yaml"), Path("parts/roles.yaml")) and setup.kept == (Path("own.yaml"),)
    assert (tmp_path / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()
    roles = (tmp_path / "parts" / "roles.yaml").read_bytes()
    assert roles == f"\ufeff{MODELINE}../mktctl.schema.json\nroles: []\n".encode()  # the BOM stays first
    assert stat.S_IMODE((tmp_path / "parts" / "roles.yaml").stat().st_mode) == 0o640
    assert (tmp_path / "own.yaml").read_text(encoding="utf-8") == own
    assert setup_editor(tmp_path).tagged == ()  # a second run adds nothing


def test_a_playbook_that_does_not_load_still_gets_its_entry_file_set_up(tmp_path: Path) -> None:
    (tmp_path / "mktctl.yaml").write_text("roles: [\n", encoding="utf-8")

    assert playbook_files(tmp_path) == [(tmp_path / "mktctl.yaml").resolve()]
    assert setup_editor(tmp_path).tagged == (Path("mktctl.yaml"),)


def test_editor_only_needs_a_playbook_and_writes_nothing_without_one(tmp_path: Path) -> None:
    with pytest.raises(MktctlError, match=r"no mktctl\.yaml in"):
        setup_editor(tmp_path / "empty")

    assert not (tmp_path / "empty").exists()


def test_init_says_what_it_set_up_for_editors(mktctl: RunMktctl, tmp_path: Path) -> None:
    created = mktctl("init", "client")
    again = mktctl("init", "--editor-only", "client")
    missing = mktctl("init", "--editor-only", "nowhere")

    assert created.code == 0, created.output
    assert "✓ editor support: mktctl.schema.json, and a `# yaml-language-server` line naming it in each of the 11 " \
           "playbook files (11 added)" in created.stdout
    assert again.code == 0 and "(0 added)" in again.stdout
    assert missing.code == 1 and "no mktctl.yaml in" in missing.stderr and "Traceback" not in missing.output
