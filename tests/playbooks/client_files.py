"""The files a client receives from each ready playbook, made in process in Chinese, as the texts a reader
sees in them, each with its place.

* the configuration workbook (``mktctl workbook export``) and the requirements survey (``mktctl workbook
  survey``): every text cell of the visible sheets, and the notes on the headers;
* the steps workbook (``mktctl steps --output xlsx``);
* the delivery report (Markdown and HTML) and the rollout checklist (Markdown and xlsx) after ``mktctl test``
  passed, so that they show the test results;
* the summary workbook and the page of ``mktctl simulate`` over a small history.

A place is ``sheet!A1`` for a cell, ``sheet!A1 note, line 2`` for a line of a note, ``line 12`` for a line
of a text. :func:`sample_texts` lists the values that are data in them without being the tenant's: the
examples of the kinds (every header note shows one) and the tags as ``组:值``.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl

from mktctl.deliver import layout, report
from mktctl.deliver.checklist import build_checklist, write_xlsx
from mktctl.deliver.checklist import to_markdown as checklist_markdown
from mktctl.deliver.simulation import write_files
from mktctl.deliver.steps_sheet import build_sheet, render_steps_sheet
from mktctl.deliver.survey import write_survey
from mktctl.deliver.test_results import read_test_results
from mktctl.deliver.workbook_export import export_playbook
from mktctl.engine.ledger import TenantLedger
from mktctl.engine.observe import Observation
from mktctl.engine.planner import kinds_in_order, make_plan
from mktctl.kinds.registry import KINDS
from mktctl.playbook.load import load_playbook
from mktctl.rules.simulate import SimulateOptions, simulate
from mktctl.rules.testing import record, run_playbook_tests
from tests.playbooks.client_texts import PLAYBOOKS, TENANT, html_text, loaded, spec_texts
from tests.rules.test_simulate import EVENTS, LEADS

if TYPE_CHECKING:
    from mktctl.engine.plan import Plan
    from mktctl.kinds.base import Playbook

Places = list[tuple[str, str]]  # (place, text)

# structured data (JSON or YAML) after a note's label, as in 示例：[{...}]: data, written as it is
LABELLED_STRUCTURED = re.compile(r"(?<=：)\s*[\[{].*")

LANG = "zh-CN"
NOW = "2026-01-05T09:00:00+08:00"


def xlsx_texts(book: Path | bytes) -> Places:
    """The text cells of the visible sheets of a workbook, and each line of the notes on its cells (the
    hidden sheets, ``_lists`` and ``_mktctl``, are for mktctl to read)."""
    opened = openpyxl.load_workbook(io.BytesIO(book) if isinstance(book, bytes) else book)
    found: Places = []
    for ws in opened.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                place = f"{ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    found.append((place, cell.value))
                if cell.comment is not None:
                    found += [(f"{place} note, line {number}", line)
                              for number, line in enumerate(cell.comment.text.splitlines(), start=1)]
    return found


def lines_of(text: str) -> Places:
    return [(f"line {number}", line) for number, line in enumerate(text.splitlines(), start=1)]


def _plan(playbook: Playbook) -> Plan:
    """The plan against a tenant that has nothing yet and no extension API: every setting a manual step."""
    return make_plan(playbook, Observation(), TenantLedger(TENANT), tenant={"name": TENANT},
                     kinds=kinds_in_order(KINDS))


@cache
def configuration_workbook(name: str) -> Places:
    """The texts of ready playbook ``name``'s Chinese configuration workbook (made once per test process)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{name}.xlsx"
        export_playbook(loaded(name), out, lang=LANG, generated_at=NOW, generator="mktctl 1.0")
        return xlsx_texts(out)


@cache
def survey() -> Places:
    """The texts of the Chinese requirements survey (made once per test process)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "survey.xlsx"
        write_survey(out, lang=LANG, name="客户甲", generated_at=NOW, generator="mktctl 1.0")
        return xlsx_texts(out)


def notes(places: Places) -> Places:
    """The lines of the notes among ``places`` (a workbook's notes are on its headers)."""
    return [(place, text) for place, text in places if " note, line " in place]


def steps_workbook(name: str) -> Places:
    playbook = loaded(name)
    original, playbook.language = playbook.language, LANG
    try:
        sheet = build_sheet(playbook, _plan(playbook), generated_at=NOW)
    finally:
        playbook.language = original
    return xlsx_texts(render_steps_sheet(sheet, "xlsx"))


def tested_documents(name: str, folder: Path) -> dict[str, Places]:
    """The report (Markdown, HTML) and the checklist (Markdown, xlsx) of a copy of ready playbook ``name`` in
    ``folder``, after its tests ran there and passed (``mktctl test`` records the outcome in the folder)."""
    shutil.copytree(PLAYBOOKS / name, folder, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    outcome = run_playbook_tests(folder)
    assert outcome.passed, name
    record(folder, outcome, NOW)
    playbook, warnings = load_playbook(folder)
    playbook.language = LANG
    built = report.build(playbook, warnings, lang=LANG, generated_at=NOW, generator="mktctl 1.0")
    assert built.tests.state == "passed", built.tests
    checklist = build_checklist(playbook, _plan(playbook), tests=read_test_results(folder, playbook.digest()))
    write_xlsx(checklist, folder / "checklist.xlsx")
    return {"report.md": lines_of(report.render(built, "markdown")),
            "report.html": lines_of(html_text(report.render(built, "html"))),
            "checklist": lines_of(checklist_markdown(checklist)),
            "checklist.xlsx": xlsx_texts(folder / "checklist.xlsx")}


def simulation_documents(name: str, folder: Path) -> dict[str, Places]:
    """``summary.xlsx`` and ``report.html`` of ``mktctl simulate`` for ready playbook ``name`` over the small
    history of the simulation tests (leads, events, an unknown behaviour, a row outside the period)."""
    (folder / "leads.csv").write_text(LEADS, encoding="utf-8")
    (folder / "events.csv").write_text(EVENTS, encoding="utf-8")
    work, out = folder / "work", folder / "out"
    work.mkdir()
    out.mkdir()
    simulation = simulate(PLAYBOOKS / name, folder / "leads.csv", folder / "events.csv", work,
                          SimulateOptions(processes=0))
    files = write_files(simulation, out, lang=LANG, generated_at=NOW, generator="mktctl 1.0")
    return {"summary.xlsx": xlsx_texts(files["summary.xlsx"]),
            "simulation report.html": lines_of(html_text(files["report.html"].read_text(encoding="utf-8")))}


def sample_texts(playbook: Playbook | None) -> frozenset[str]:
    """Data in what a client receives that is not the tenant's own: the example of every kind (a header note
    shows it) and, for ``playbook``, each tag as rules and simulations write it, ``组:值``."""
    found: set[str] = set()
    for kind in layout.registry():
        for spec in layout.example_specs(kind):
            found |= spec_texts(kind.model, spec.model_dump(mode="json"))
    for group in playbook.of("tags") if playbook is not None else []:
        found |= {f"{group.spec.name}:{value}" for value in group.spec.values}
    return frozenset(text for text in found if text.strip())
