"""The playbook's JSON Schema (`mktctl schema --output json`) as editors and other tools use it: every ready
playbook and every shared fragment validates against it with an independent validator (check-jsonschema),
which also catches a misspelled field with its path; a file with any subset of sections is a valid playbook
file; and the document is draft 7, the draft the YAML language server implements."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mktctl.kinds.registry import KINDS
from mktctl.playbook.editor import schema_text
from mktctl.playbook.jsonschema import kind_schema, playbook_schema
from mktctl.playbook.starter import templates

PLAYBOOKS = Path(str(resources.files("mktctl") / "playbooks"))
NOT_PLAYBOOK_FILES = ("mktctl.tenants.yaml",)  # tenant profiles; envs/ overlays and tests/ people have own formats


def playbook_files() -> list[Path]:
    """Every entry file, included file and fragment of the ready playbooks, and the shared fragments."""
    files = [p for p in sorted(PLAYBOOKS.rglob("*.yaml")) if p.name not in NOT_PLAYBOOK_FILES
             and not {"envs", "tests"} & set(p.relative_to(PLAYBOOKS).parts)]
    assert len(files) > 60 and PLAYBOOKS / "fragments" / "consent-pipl.yaml" in files
    return files


def check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, encoding="utf-8", check=False, timeout=120)


@pytest.fixture(scope="module")
def printed_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema exactly as `mktctl schema --output json` prints it."""
    done = subprocess.run([sys.executable, "-m", "mktctl", "schema", "--output", "json"], capture_output=True,
                          text=True, encoding="utf-8", check=True, timeout=120)
    path = tmp_path_factory.mktemp("schema") / "mktctl.schema.json"
    path.write_text(done.stdout, encoding="utf-8")
    return path


def test_every_ready_playbook_and_fragment_validates_against_the_printed_schema(printed_schema: Path) -> None:
    done = check_jsonschema(printed_schema, *playbook_files())

    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok -- validation done" in done.stdout


def test_the_independent_validator_catches_a_misspelled_field_with_its_path(printed_schema: Path,
                                                                            tmp_path: Path) -> None:
    fragment = tmp_path / "roles.yaml"
    fragment.write_text("roles:\n  - name: 市场经理\n    data_scope: own\n    permisions: {leads: [view]}\n"
                        "departments:\n  - name: 市场部\n    children:\n      - {name: 市场一组, parnet: 市场部}\n",
                        encoding="utf-8")

    done = check_jsonschema(printed_schema, fragment)

    assert done.returncode == 1
    assert "roles.yaml::$.roles[0]: Additional properties are not allowed ('permisions' was unexpected)" in done.stdout
    assert ("roles.yaml::$.departments[0].children[0]: Additional properties are not allowed ('parnet' was "
            "unexpected)") in done.stdout


def test_the_schema_init_writes_is_the_printed_schema(printed_schema: Path) -> None:
    assert schema_text() == printed_schema.read_text(encoding="utf-8")


@pytest.mark.parametrize("fragment", [
    {},
    {"include": ["a.yaml"]},
    {"roles": [{"name": "市场经理", "data_scope": "own", "permissions": {"leads": ["view"]}}]},
    {"departments": [{"name": "市场部", "children": [{"name": "市场一组", "children": [{"name": "一小组"}]}]}]},
], ids=["empty", "only-includes", "one-section", "a-nested-tree"])
def test_a_file_with_any_subset_of_sections_is_a_valid_playbook_file(fragment: dict[str, Any]) -> None:
    schema = playbook_schema()

    assert "required" not in schema
    jsonschema.Draft7Validator(schema).validate(fragment)


def test_a_department_inside_a_tree_takes_its_parent_from_the_tree() -> None:
    validator = jsonschema.Draft7Validator(playbook_schema())
    nested = {"departments": [{"name": "市场部", "children": [{"name": "市场一组", "parent": "销售部"}]}]}

    errors = [f"{error.json_path}: {error.message}" for error in validator.iter_errors(nested)]

    assert errors == ["$.departments[0].children[0]: Additional properties are not allowed ('parent' was unexpected)"]


def test_a_reference_stands_where_a_number_a_yes_no_or_a_choice_is_expected_as_mktctl_allows() -> None:
    validator = jsonschema.Draft7Validator(playbook_schema())
    referenced = {"lifecycle_stages": [{"name": "新线索", "order": "${var.first}"}],
                  "roles": [{"name": "市场经理", "data_scope": "${var.scope}", "permissions": {"leads": ["view"]}}],
                  "tags": [{"name": "行业", "multiple": "${var.multiple}", "values": ["制造业"]}]}
    wrong = {"lifecycle_stages": [{"name": "新线索", "order": "first"}], "language": "${var.language}"}

    assert [error.message for error in validator.iter_errors(referenced)] == []
    assert sorted(error.json_path for error in validator.iter_errors(wrong)) == [
        "$.language", "$.lifecycle_stages[0].order"]  # language is read before variables are


_NEWER_KEYWORDS = {"prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentSchemas",
                   "dependentRequired", "$dynamicRef", "$dynamicAnchor", "$anchor", "$recursiveRef"}


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [found for item in node for found in _nodes(item)]
    if isinstance(node, dict):
        return [node, *(found for value in node.values() for found in _nodes(value))]
    return []


@pytest.mark.parametrize("document", ["playbook", *(k.name for k in KINDS)])
def test_the_schemas_are_draft_7_as_editors_implement_it(document: str) -> None:
    schema = playbook_schema() if document == "playbook" else kind_schema(next(k for k in KINDS if k.name == document))

    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    nodes = _nodes(schema)
    assert not _NEWER_KEYWORDS & {key for node in nodes for key in node}
    assert all(set(node) == {"$ref"} for node in nodes if "$ref" in node)  # draft 7 ignores what stands beside
    assert all(node["$ref"].removeprefix("#/$defs/") in schema.get("$defs", {}) for node in nodes if "$ref" in node)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_each_kinds_example_validates_against_its_own_schema(kind: Any) -> None:
    schema = kind_schema(kind)
    example = kind.example()

    assert example is not None
    jsonschema.Draft7Validator(schema).validate(example if kind.singleton else [example])


def test_every_template_names_the_schema_in_its_playbook_files_only_after_init() -> None:
    for folder in templates().values():  # the shipped files stay clean; init adds the modeline to its copy
        assert not any("yaml-language-server" in p.read_text(encoding="utf-8") for p in folder.rglob("*.yaml"))
