"""The delivery report: what was configured, the manual steps and who confirmed them, the apply history,
import results with counts and charts, open issues, the outcome of ``mktctl test`` and the checklist of
guide section 3.

It is made from files only (the playbook, the ledger ``mktctl.lock.yaml``, the journal, the imports'
``summary.json`` and the kept outcome of ``mktctl test``), never from a tenant, and rendered by jinja2
templates of the package (``mktctl/templates/report/``) in a sandboxed environment with autoescaping: one
self-contained HTML file (inline CSS and SVG, a content security policy that allows nothing external) or
Markdown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.deliver import (
    charts,
    imports_summary,
    layout,
    migration_report,
    report_status,
    report_text,
    test_results,
)
from mktctl.deliver.report_status import ManualRow
from mktctl.errors import MktctlError
from mktctl.kinds import guide
from mktctl.secrets import mark_references

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mktctl.engine.progress import ProfileTenant
    from mktctl.errors import Problem
    from mktctl.kinds.base import Kind, Matrix, Playbook, Resource

MAX_ROWS_PER_KIND = 200


@dataclass
class ItemRow:
    key: str
    details: list[tuple[str, str]]
    status: str  # applied | confirmed | pending | changed | not_applied
    shown: str = ""  # the key as the client reads it (an employee by name); empty: the key itself

    @property
    def label(self) -> str:
        return self.shown or self.key


@dataclass
class KindSection:
    name: str
    title: str
    summary: str
    guide: str
    rows: list[ItemRow]
    more: int = 0


@dataclass
class FamilySection:
    family: str
    name: str
    kinds: list[KindSection]


@dataclass
class RunRow:
    run: str
    started: str
    who: str
    steps: int
    done: int
    status: str  # finished | interrupted | failed | running
    error: str = ""


@dataclass
class ImportRow:
    name: str
    counts: list[tuple[str, int]]
    rows_chart: charts.Chart
    outcomes_chart: charts.Chart | None
    reasons_chart: charts.Chart | None
    problems: list[str]


@dataclass
class CheckItem:
    text: str
    status: str  # done | open | check | na


@dataclass
class Report:
    lang: str
    t: dict[str, Any]
    name: str
    digest: str
    generated_at: str
    generator: str
    tenant: str | None
    cards: list[tuple[str, str, str]] = field(default_factory=list)  # (label, value, tone)
    families: list[FamilySection] = field(default_factory=list)
    family_chart: charts.Chart | None = None
    status_chart: charts.Chart | None = None
    matrix: dict[str, Any] | None = None
    manual: list[ManualRow] = field(default_factory=list)
    runs: list[RunRow] = field(default_factory=list)
    imports: list[ImportRow] = field(default_factory=list)
    issues: list[tuple[str, str]] = field(default_factory=list)  # (severity, text)
    checklist: list[tuple[str, list[CheckItem]]] = field(default_factory=list)
    personal_data: bool = False
    migration: migration_report.MigrationSection | None = None
    tests: test_results.TestResults = field(default_factory=lambda: test_results.TestResults("no_tests"))


def build(playbook: Playbook, warnings: list[Problem], *, lang: str, generated_at: str, generator: str,
          tenant: str | None = None, imports: list[Path] | None = None, show_pii: bool = False,
          environ: Mapping[str, str] | None = None) -> Report:
    """The report of the tenant of profile ``tenant`` (``--tenant``; None: the profile ``mktctl plan`` takes
    without it), from files only: see :func:`mktctl.engine.progress.profile_tenant`."""
    from mktctl.base.inputs import folder_or_file
    from mktctl.engine.ledger import Ledger
    from mktctl.engine.progress import profile_tenant
    from mktctl.tenant.settings import state_dir

    t = report_text.strings(lang)
    for given in imports or []:  # named by a person: a folder or a regular file, never skipped without a word
        folder_or_file(given, what="import summary or result folder")
    found = profile_tenant(playbook.root, Ledger.load(playbook.root), tenant, environ=environ)
    report = Report(lang=lang, t=t, name=playbook.name, digest=playbook.digest(), generated_at=generated_at,
                    generator=generator, tenant=found.profile if found.ledger is not None else None)
    statuses = _configured(report, playbook, found, show_pii)
    report.manual = report_status.manual_rows(playbook, found, lang)
    _runs(report, state_dir(playbook.root), found.fingerprint)
    _imports(report, [state_dir(playbook.root), *(imports or [])])
    _migration(report, state_dir(playbook.root), list(imports or []))
    report.tests = test_results.read_test_results(playbook.root, report.digest)
    report.issues.extend(test_results.report_issues(report.tests, t))
    _issues(report, statuses, warnings)
    _cards(report, statuses)
    _checklist(report, playbook, statuses)
    return report


def _configured(report: Report, playbook: Playbook, tenant: ProfileTenant, show_pii: bool) -> dict[str, str]:
    from mktctl.kinds.wording import Words
    from mktctl.pii import mask_email, mask_phone

    words = Words.of(playbook, report.lang)
    statuses: dict[str, str] = {}
    grouped = layout.families([k for k in layout.registry() if playbook.of(k.name)])
    per_family: list[tuple[str, int, str | None]] = []
    for family, kinds in grouped.items():
        sections = []
        for kind in kinds:
            rows = []
            members = playbook.of(kind.name)
            matrix = layout.matrix_of(kind)
            for resource in members[:MAX_ROWS_PER_KIND]:
                status = report_status.status(resource, tenant, playbook)
                statuses[resource.address] = status
                values = mark_references(resource.spec.model_dump(mode="json"), playbook.secrets)
                values.pop(kind.key_field, None)
                if matrix is not None:
                    values.pop(matrix.field, None)
                for name in kind.pii_fields:
                    if values.get(name) and show_pii:
                        report.personal_data = True
                    elif values.get(name):
                        values[name] = mask_email(values[name]) if "mail" in name else mask_phone(values[name])
                details = words.about(resource).values(kind.model, values)
                shown = words.word(kind.title) if kind.singleton else kind.shown_key(resource.key, words)
                rows.append(ItemRow(resource.key, details[:12], status, shown=shown))
            for resource in members[MAX_ROWS_PER_KIND:]:
                statuses[resource.address] = report_status.status(resource, tenant, playbook)
            used = {kind.section_of(r.spec) for r in members}  # ad accounts: 2.4.1, 2.4.2 or both
            # the summary is written in English: a Chinese report shows the kind's title alone
            sections.append(KindSection(kind.name, words.word(kind.title), "" if words.chinese else kind.summary,
                                        guide.sections_text(s for s in kind.sections if s in used), rows,
                                        more=max(0, len(members) - MAX_ROWS_PER_KIND)))
            if matrix is not None:
                report.matrix = _matrix(kind, matrix, members, report.lang)
        report.families.append(FamilySection(family, guide.family_name(family, report.lang), sections))
        per_family.append((f"{family} {guide.family_name(family, report.lang)}",
                           sum(len(playbook.of(k.name)) for k in kinds), None))
    report.family_chart = charts.bars(report.t["chart.families"], per_family)
    counted = Counter(statuses.values())
    report.status_chart = charts.stacked(report.t["chart.status"], [
        (report.t[f"status.{s}"], counted.get(s, 0), colour)
        for s, colour in (("applied", "done"), ("confirmed", "created"), ("pending", "pending"),
                          ("changed", "duplicate"), ("not_applied", "unchanged")) if counted.get(s)])
    return statuses


def _matrix(kind: Kind[Any], matrix: Matrix, roles: list[Resource[Any]], lang: str) -> dict[str, Any]:
    """The kind's matrix (role permissions: modules × roles) with the footer (data scope) under it."""
    modules, actions = matrix.rows, matrix.values
    names = [r.key for r in roles]
    rows = []
    for module, label in modules.items():
        cells = []
        for role in roles:
            permissions = getattr(role.spec, matrix.field, {}) or {}
            chosen = permissions.get(module)
            cells.append("" if chosen is None else ("、" if lang == "zh-CN" else ", ").join(
                actions.get(a, a) if lang == "zh-CN" else a for a in chosen) or "—")
        if any(cells):
            rows.append((label if lang == "zh-CN" else module.replace("_", " "), cells))
    scopes = [str(getattr(r.spec, matrix.footer, "")) for r in roles] if matrix.footer else []
    if lang == "zh-CN" and matrix.footer:
        labels = kind.labels.get(matrix.footer, {})
        scopes = [labels.get(s, s) for s in scopes]
    return {"kind": kind.name, "roles": names, "rows": rows, "scopes": scopes}


# ---- manual steps, runs, imports --------------------------------------------------------------------


def _runs(report: Report, state: Path, fingerprint: str | None) -> None:
    from mktctl.engine import journal

    runs: dict[str, RunRow] = {}
    for record in journal.read(state):
        run = str(record.get("run", ""))
        event = record.get("event")
        if event == "run-start":
            if fingerprint is not None and record.get("tenant") != fingerprint:
                continue
            runs[run] = RunRow(run=run, started=str(record.get("at", "")), who=str(record.get("who", "")),
                               steps=int(record.get("steps") or 0), done=0, status="running")
        elif run in runs:
            row = runs[run]
            if event == "done":
                row.done += 1
            elif event == "run-end":
                row.status = "finished"
            elif event == "run-interrupted":
                row.status = "interrupted"
            elif event == "failed":
                row.status = "failed"
                row.error = f"{record.get('kind')}/{record.get('key')}: {record.get('error', '')}"
    report.runs = list(runs.values())[-20:]


def _imports(report: Report, roots: list[Path]) -> None:
    t = report.t
    base = roots[0] if roots else None
    for path in imports_summary.find(roots):
        if migration_report.is_migration_summary(path):
            continue  # a migration's own summary: its section is _migration's
        summary, skipped = imports_summary.read(path, base)
        if summary is None:
            if skipped and path.name == "summary.json":
                report.issues.append(("info", skipped))
            continue
        rows_chart = charts.stacked(t["chart.rows"], [(t[f"count.{k}"], summary.count(k), k)
                                                       for k in imports_summary.STATUSES if summary.count(k)])
        outcomes = None
        if summary.is_import:
            outcomes = charts.bars(t["chart.outcomes"], [(t[f"count.{k}"], summary.count(k), k)
                                                         for k in imports_summary.OUTCOMES])
        reasons = charts.bars(t["chart.reasons"], [(k, v, "rejected") for k, v in
                                                    sorted(summary.reasons.items(), key=lambda kv: -kv[1])]
                              ) if summary.reasons else None
        counts = [(t[f"count.{k}"], summary.counts[k]) for k in imports_summary.KEYS if k in summary.counts]
        report.imports.append(ImportRow(summary.name, counts, rows_chart, outcomes, reasons, summary.problems))


def _migration(report: Report, state: Path, roots: list[Path]) -> None:
    """The section of a replacement migration (``mktctl migrate``), when one ran."""
    summary = migration_report.find(state, roots)
    if summary is not None:
        report.migration = migration_report.section(summary, report.lang)
        report.issues.extend(report.migration.issues)


# ---- issues, cards, checklist -----------------------------------------------------------------------


def _issues(report: Report, statuses: dict[str, str], warnings: list[Problem]) -> None:
    t = report.t
    found: list[tuple[str, str]] = []
    for row in report.manual:
        if row.status == "pending":
            found.append(("warning", t["issue.manual"].format(step=row.step, where=row.where, who=row.who)))
        elif row.status == "changed":
            found.append(("warning", t["issue.changed_manual"].format(step=row.step)))
    for status, key in (("not_applied", "issue.not_applied"), ("changed", "issue.changed")):
        items = [address for address, s in statuses.items() if s == status]
        if items:
            shown = t["list"].join(items[:8]) + (" …" if len(items) > 8 else "")
            found.append(("warning", t[key].format(count=len(items), items=shown)))
    for row in report.imports:
        counts = dict(row.counts)
        for key, issue, severity in (("count.failed", "issue.failed_rows", "error"),
                                     ("count.not_attempted", "issue.not_attempted", "warning"),
                                     ("count.rejected", "issue.rejected", "info")):
            if counts.get(t[key]):
                found.append((severity, t[issue].format(file=row.name, count=counts[t[key]])))
        for problem in row.problems:
            found.append(("error", t["issue.summary"].format(file=row.name, problem=problem)))
    for run in report.runs:
        if run.status != "finished":
            found.append(("error" if run.status == "failed" else "warning",
                          t["issue.run"].format(run=run.run, status=t[f"status.{run.status}"])
                          + (f": {run.error}" if run.error else "")))
    for warning in warnings:
        found.append(("warning", f"{warning.mark}: {warning.message}" if warning.mark else warning.message))
    order = {"error": 0, "warning": 1, "info": 2}
    report.issues = sorted(found + report.issues, key=lambda pair: order.get(pair[0], 3))


def _cards(report: Report, statuses: dict[str, str]) -> None:
    t = report.t
    counted = Counter(statuses.values())
    done_manual = sum(1 for m in report.manual if m.status == "confirmed")
    pending_manual = len(report.manual) - done_manual
    imported = 0
    for row in report.imports:
        counts = dict(row.counts)
        imported += counts.get(t["count.created"], 0) + counts.get(t["count.updated"], 0)
    serious = sum(1 for severity, _text in report.issues if severity in ("error", "warning"))
    report.cards = [
        (t["card.resources"], str(len(statuses)), "neutral"),
        (t["card.applied"], str(counted.get("applied", 0) + counted.get("confirmed", 0)),
         "good" if counted.get("applied", 0) + counted.get("confirmed", 0) == len(statuses) else "neutral"),
        (t["card.manual_done"], str(done_manual), "good"),
        (t["card.manual_pending"], str(pending_manual), "warn" if pending_manual else "good"),
        (t["card.imported"], str(imported), "neutral"),
        (t["card.issues"], str(serious), "warn" if serious else "good"),
    ]


def _checklist(report: Report, playbook: Playbook, statuses: dict[str, str]) -> None:
    t = report.t
    all_applied = bool(statuses) and all(s in ("applied", "confirmed") for s in statuses.values())
    manual_done = all(m.status == "confirmed" for m in report.manual)
    failed = [row for row in report.imports if dict(row.counts).get(t["count.failed"])]
    tests = [CheckItem(t["check.validates"], "done"),
             CheckItem(t["check.tests"], test_results.check_status(report.tests)),
             CheckItem(t["check.applied"], "done" if all_applied else "open"),
             CheckItem(t["check.manual"], "done" if manual_done else "open"),
             CheckItem(t["check.imports"], "na" if not report.imports else ("open" if failed else "done"))]
    present = {guide.family_of(r.kind.guide) for r in playbook.resources}
    for family in ("2.1", "2.2", "2.4", "2.5", "2.6", "2.7", "2.8"):
        if family in present:  # 2.2 and 2.7 are the rules that `mktctl test` runs
            proven = family in ("2.2", "2.7") and report.tests.state == "passed"
            tests.append(CheckItem(t[f"check.{family}"], "done" if proven else "check"))
    training = [CheckItem(t[key], "check") for key in ("check.train.marketing", "check.train.sales",
                                                         "check.train.admin")]
    delivery = [CheckItem(t["check.signed"].format(digest=report.digest), "check"),
                CheckItem(t["check.report"], "check"), CheckItem(t["check.committed"], "check"),
                CheckItem(t["check.accounts"], "check")]
    report.checklist = [(t["check.3.1"], tests), (t["check.3.2"], training), (t["check.3.4"], delivery)]


# ---- rendering --------------------------------------------------------------------------------------


def render(report: Report, fmt: str) -> str:
    """The report as ``html`` or ``markdown`` text, from the package's templates."""
    from mktctl.secrets import REDACTOR

    if fmt not in ("html", "markdown"):
        raise MktctlError(f"unknown report format {fmt!r}", hint="formats are: html, markdown")
    template = _templates().get_template("report.html.j2" if fmt == "html" else "report.md.j2")
    return REDACTOR.redact(template.render(r=report, t=report.t))  # a value from ${env:...} is a secret


@cache
def _templates() -> Any:
    """The sandboxed jinja2 environment of the report templates, made once (it keeps them compiled)."""
    from jinja2 import PackageLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment(
        loader=PackageLoader("mktctl", "templates/report"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True,
                                     default=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.filters["md"] = _markdown_cell
    return environment


def _markdown_cell(value: Any) -> str:
    """Text safe in a Markdown table cell: no pipes, no line breaks, no HTML."""
    text = str(value)
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("\r", " "), ("\n", " ")):
        text = text.replace(old, new)
    for special in ("*", "`", "[", "]"):
        text = text.replace(special, "\\" + special)
    return text
