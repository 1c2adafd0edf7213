"""Nothing a client or a consultant reads speaks of where this project learnt its practice: no "seed", no
file of the project's sources (``000_…``), no "the guide says". What a source taught is said as the
platform's and the practice's own words (线索培育评分, "least privilege", "delivery below 90 %").

Client-facing texts: the ready playbooks and fragments as ``mktctl init`` copies them (with the README that
documents them), what a client reads of each ready playbook in both languages (manual steps, checklist,
delivery report), the generated reference (docs/reference) and the playbook's JSON Schema that editors show
while typing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mktctl.playbook.jsonschema import playbook_schema
from tests.playbooks.client_texts import LANGUAGES, PLAYBOOKS, READY, client_texts

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference"
SOURCES = re.compile(r"\bseeds?\b|种子|\b\d{3}_|the guide says|as the guide asks", re.IGNORECASE)


def mentions(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if SOURCES.search(line)]


def test_the_check_finds_a_source_of_the_project() -> None:
    assert mentions("# the three roles of seed 001\n# 权限初始化") == ["# the three roles of seed 001"]
    assert mentions("see 000_实施指南.md") == ["see 000_实施指南.md"]
    assert mentions("种子文档") and mentions("as the seed asks") and not mentions("least privilege")


@pytest.mark.parametrize("path", sorted(p for p in PLAYBOOKS.rglob("*") if p.is_file() and "__pycache__" not in
                                        p.parts), ids=lambda p: str(p.relative_to(PLAYBOOKS)))
def test_no_ready_playbook_or_fragment_names_a_source_of_the_project(path: Path) -> None:
    assert not SOURCES.search(path.name), path.name
    if path.suffix in (".yaml", ".md", ".csv"):
        assert mentions(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", READY)
def test_nothing_a_client_reads_of_a_ready_playbook_names_a_source_of_the_project(name, lang) -> None:
    found = {document: mentions(text) for document, text in client_texts(name, lang).items()}

    assert not any(found.values()), found


def test_the_generated_reference_and_the_schema_name_no_source_of_the_project() -> None:
    pages = {page.name: mentions(page.read_text(encoding="utf-8")) for page in sorted(REFERENCE.glob("*.md"))}

    assert pages and not any(pages.values()), {name: lines for name, lines in pages.items() if lines}
    assert mentions(json.dumps(playbook_schema(), ensure_ascii=False, indent=1)) == []
