"""Finding playbook folders: the playbook a file belongs to (the nearest folder above it with a mktctl.yaml,
not above a given boundary), and the playbooks below a folder (hidden and tool folders skipped)."""

from __future__ import annotations

from pathlib import Path

from mktctl.playbook.discover import playbook_of, playbooks_below, playbooks_of


def tree(root: Path, *files: str) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("version: 1\n", encoding="utf-8")
    return root.resolve()


def test_a_file_belongs_to_the_nearest_playbook_above_it(tmp_path: Path) -> None:
    root = tree(tmp_path, "acme/mktctl.yaml", "acme/fragments/roles.yaml", "acme/sub/mktctl.yaml",
                "acme/sub/x.yaml", "notes/readme.yaml")

    assert playbook_of(root / "acme" / "fragments" / "roles.yaml") == root / "acme"
    assert playbook_of(root / "acme" / "sub" / "x.yaml") == root / "acme" / "sub"
    assert playbook_of(root / "acme") == root / "acme"
    assert playbook_of(root / "acme" / "deleted.yaml") == root / "acme"
    assert playbook_of(root / "notes" / "readme.yaml") is None


def test_the_search_stops_at_the_boundary(tmp_path: Path) -> None:
    root = tree(tmp_path, "mktctl.yaml", "repo/fragments/roles.yaml")

    assert playbook_of(root / "repo" / "fragments" / "roles.yaml", within=root / "repo") is None
    assert playbook_of(root / "repo" / "fragments" / "roles.yaml") == root


def test_files_of_one_playbook_give_it_once_in_the_order_first_met(tmp_path: Path) -> None:
    root = tree(tmp_path, "b/mktctl.yaml", "b/x.yaml", "a/mktctl.yaml", "a/y.yaml", "other.yaml")
    files = [root / "b" / "x.yaml", root / "other.yaml", root / "a" / "y.yaml", root / "b" / "mktctl.yaml"]

    found = playbooks_of(files, within=root)

    assert found == [root / "b", root / "a"]


def test_playbooks_below_a_folder_in_name_order_without_hidden_or_tool_folders(tmp_path: Path) -> None:
    root = tree(tmp_path, "clients/beta/mktctl.yaml", "clients/acme/mktctl.yaml", ".git/x/mktctl.yaml",
                "node_modules/p/mktctl.yaml", "a/b/c/d/mktctl.yaml", "a/b/c/mktctl.yaml")

    assert list(playbooks_below(root)) == [root / "a" / "b" / "c", root / "clients" / "acme", root / "clients" / "beta"]
    assert list(playbooks_below(root / "clients" / "acme")) == [root / "clients" / "acme"]
