"""``mktctl leads``: the import template, check, import and link of history leads (guide 2.3).

Parse, call the library (:mod:`mktctl.leads`), render. pandas is imported inside the commands only, so
``mktctl --help`` stays fast. Exit codes: 0 done (rows rejected by the rules are not an error); 1 the
file, the options or the tenant are wrong, or an import stopped early (run it again to continue);
2 some rows failed (see results.xlsx, then ``--retry-failed``). ``purge`` removes a result folder's files
that hold personal data.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mktctl.cli import options
from mktctl.cli.commands import group_app
from mktctl.cli.context import playbook_dir, state

if TYPE_CHECKING:
    from rich.console import Console

    from mktctl.cli.context import State
    from mktctl.leads.check import CheckOptions
    from mktctl.leads.fields import CustomFields
    from mktctl.leads.rules import CleaningRules
    from mktctl.leads.summary import CheckSummary

app = group_app("leads")

FileArg = Annotated[Path, typer.Argument(help="The lead file: .xlsx, .xls or .csv (UTF-8 or GBK).",
                                         show_default=False)]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder for results.csv, results.xlsx and summary.json.",
                                      show_default=False)]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="The sheet to read (default: the first with lead "
                                                             "headers).")]
MappingOpt = Annotated[Path | None, typer.Option("--mapping", help="A column mapping file (YAML): headers to lead "
                                                                   "fields or custom fields; see docs/leads.md.")]
CompetitorOpt = Annotated[list[str] | None, typer.Option(
    "--competitor-domain", help="Reject emails of this domain (repeatable); adds to the playbook's list.")]
KeepOpt = Annotated[str, typer.Option("--keep", help="Which of a person's rows survives: first or last.")]
HeaderRowOpt = Annotated[int | None, typer.Option("--header-row", help="The header's row number, when it is not "
                                                                      "found by itself.")]
DirOpt = Annotated[Path | None, typer.Option("--dir", help="The playbook folder: its tenant, lead cleaning rules "
                                                           "and lead fields (default: the current folder).")]


@app.command("template")
def template_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the template.")] = Path("线索导入模板.xlsx"),
) -> None:
    """Write the import template: Chinese headers, drop-downs, and a sheet of instructions."""
    from mktctl.leads.template import write_template

    path = write_template(out)
    state(ctx).out.print(f"wrote the lead import template to {_escape(str(path))}")


@app.command("check")
def check_command(
    ctx: typer.Context,
    file: FileArg,
    out: OutOpt,
    sheet: SheetOpt = None,
    mapping: MappingOpt = None,
    competitor_domain: CompetitorOpt = None,
    keep: KeepOpt = "first",
    header_row: HeaderRowOpt = None,
    directory: DirOpt = None,
    show_pii: options.ShowPii = False,
) -> None:
    """Read, clean and dedupe a lead file and write the result files; touches no tenant."""
    from mktctl.leads.check import check_file

    st = state(ctx)
    options = _check_options(sheet, mapping, competitor_domain, keep, header_row)
    rules, fields = _playbook_rules(st, playbook_dir(directory))
    with _progress(st) as progress:
        result = check_file(file, options, out, progress, rules=rules, fields=fields)
    _render_check(st, result.summary, out, show_pii)


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: FileArg,
    out: OutOpt,
    sheet: SheetOpt = None,
    mapping: MappingOpt = None,
    competitor_domain: CompetitorOpt = None,
    keep: KeepOpt = "first",
    header_row: HeaderRowOpt = None,
    source: Annotated[str | None, typer.Option("--source", help="The lead source (线索来源) of every row, e.g. "
                                                                "线下展会.")] = None,
    event: Annotated[str | None, typer.Option("--event", help="Attach the leads to this marketing event (by "
                                                              "name).")] = None,
    pool: Annotated[str | None, typer.Option("--pool", help="Put the leads in this lead pool (by name).")] = None,
    on_existing: Annotated[str, typer.Option("--on-existing", help="A lead with the same mobile or email exists: "
                                                                   "skip, fill-empty or overwrite.")] = "skip",
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Only retry the rows that failed last "
                                                                      "time.")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Concurrent calls to the tenant.")] = 4,
    full_scan: Annotated[bool, typer.Option("--full-scan", help="Match against every existing lead instead of "
                                                                "looking values up (finds odd spellings).")] = False,
    directory: DirOpt = None,
    show_pii: options.ShowPii = False,
) -> None:
    """Check a lead file, then create or update its leads on the tenant, resumably."""
    from mktctl.cli.estimates import render_import_eta
    from mktctl.errors import SettingsError
    from mktctl.leads.importer import ImportOptions, import_leads
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    st = state(ctx)
    if on_existing not in ("skip", "fill-empty", "overwrite"):
        raise SettingsError(f"--on-existing {on_existing!r}: expected skip, fill-empty or overwrite")
    options = ImportOptions(
        check=_check_options(sheet, mapping, competitor_domain, keep, header_row),
        source=source, event=event, pool=pool, on_existing=on_existing,  # type: ignore[arg-type]
        retry_failed=retry_failed, workers=workers, full_scan=full_scan)
    rules, fields = _playbook_rules(st, playbook_dir(directory))
    settings = resolve(playbook_dir(directory), st.tenant, deadline=st.deadline)
    st.info(f"tenant: {_escape(settings.describe())}")
    journal = str(out / "journal.jsonl")
    with open_tenant(settings) as tenant, _progress(st) as progress:
        result = import_leads(tenant, file, options, out, progress, rules=rules, fields=fields,
                              on_estimate=lambda eta: render_import_eta(st.info, eta, journal=journal))
    _render_check(st, result.summary, out, show_pii)
    _render_import(st, result.summary)
    if result.stopped:
        st.err.print(f"[red]stopped[/red]: {_escape(result.stopped)}")
        st.err.print("[dim]hint[/dim]: run the same command again to continue where it stopped")
        raise typer.Exit(1)
    if result.failed:
        st.err.print(f"{result.failed} row(s) failed; see {_escape(str(out / 'results.xlsx'))} (sheet 失败 Failed), "
                     "then run again with --retry-failed")
        raise typer.Exit(2)


@app.command("link")
def link_command(
    ctx: typer.Context,
    out: OutOpt,
    objects: Annotated[str | None, typer.Option("--objects", help="Which to link: accounts,contacts,opportunities "
                                                                  "(default: all).")] = None,
    resolve_file: Annotated[Path | None, typer.Option("--resolve", help="Apply the x marks of an ambiguities.xlsx "
                                                                        "that a person filled in.")] = None,
    full_scan: Annotated[bool, typer.Option("--full-scan", help="Read every record instead of looking values up "
                                                                "(finds phones stored in odd spellings).")] = False,
    match: Annotated[list[str] | None, typer.Option(
        "--match", help="OBJECT:FIELD[,FIELD...]: match that object on these fields (api names or labels, e.g. "
                        "opportunities:field_8dk2s__c) instead of its usual phones and emails; repeatable.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Concurrent calls to the tenant.")] = 4,
    directory: DirOpt = None,
    show_pii: options.ShowPii = False,
) -> None:
    """Link leads to existing customers, contacts and opportunities by phone or email."""
    from mktctl.leads.link import (
        LinkOptions,
        link_leads,
        parse_match,
        parse_objects,
        read_ambiguity_workbook,
        resolve_ambiguities,
    )
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    st = state(ctx)
    options = LinkOptions(objects=parse_objects(objects), full_scan=full_scan, workers=workers,
                          match=parse_match(match))
    settings = resolve(playbook_dir(directory), st.tenant, deadline=st.deadline)
    decisions = read_ambiguity_workbook(resolve_file) if resolve_file is not None else None  # before the tenant
    st.info(f"tenant: {_escape(settings.describe())}")
    with open_tenant(settings) as tenant, _progress(st) as progress:
        if decisions is not None:
            result = resolve_ambiguities(tenant, decisions, out, options, progress)
        else:
            result = link_leads(tenant, options, out, progress)
    _render_link(st, result, out, resolving=resolve_file is not None)
    if result.stopped:
        st.err.print(f"[red]stopped[/red]: {_escape(result.stopped)}")
        raise typer.Exit(1)
    failed = sum(c.get("failed", 0) for c in result.counts.values())
    if failed:
        raise typer.Exit(2)


@app.command("purge")
def purge_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="The result folder of a check, import or link run.",
                                      show_default=False)],
) -> None:
    """Remove the result files that hold personal data (rows, journal, leftovers); keep the summaries."""
    from mktctl.leads.purge import purge

    st = state(ctx)
    result = purge(out)
    if not result.removed:
        st.out.print(f"nothing to remove in {_escape(str(out))}: it holds no personal data files")
    else:
        st.out.print(f"removed {len(result.removed)} file(s) holding personal data from {_escape(str(out))}:")
        for path in result.removed:
            st.out.print(f"  {_escape(path.name)}{'/' if path.name.startswith('.mktctl-leads-') else ''}")
    if result.kept:
        st.out.print("kept (counts only, no personal data): " + ", ".join(_escape(p.name) for p in result.kept))


# ---- options ---------------------------------------------------------------------------------------


def _check_options(sheet: str | None, mapping: Path | None, competitors: list[str] | None, keep: str,
                   header_row: int | None) -> CheckOptions:
    from mktctl.errors import SettingsError
    from mktctl.leads.check import CheckOptions

    if keep not in ("first", "last"):
        raise SettingsError(f"--keep {keep!r}: expected first or last")
    domains = [d.strip().lower().lstrip("@") for d in competitors or [] if d.strip()]
    return CheckOptions(sheet=sheet, mapping=mapping, keep=keep,  # type: ignore[arg-type]
                        header_row=header_row, competitor_domains=tuple(dict.fromkeys(domains)))


def _playbook_rules(st: State, folder: Path) -> tuple[CleaningRules, CustomFields]:
    """The lead cleaning rules of the playbook in ``folder`` (test data, competitor domains), the same that
    ``mktctl apply`` cleans its imports with, and the custom lead fields it declares (a mapping may name
    them); none without a playbook, or with a warning when it is broken."""
    from mktctl.cli.problems import print_problems
    from mktctl.errors import PlaybookError
    from mktctl.leads.fields import NO_CUSTOM_FIELDS
    from mktctl.leads.rules import NO_RULES

    if not (folder / "mktctl.yaml").is_file():
        return NO_RULES, NO_CUSTOM_FIELDS
    from mktctl.kinds.imports import cleaning_rules
    from mktctl.kinds.lead_fields import declared_fields

    try:
        from mktctl.playbook.load import load_playbook

        playbook, _ = load_playbook(folder)
    except (PlaybookError, ImportError) as error:
        print_problems(st, [f"the playbook's lead cleaning rules are not used, nor its lead fields: {error}"])
        return NO_RULES, NO_CUSTOM_FIELDS
    rules = cleaning_rules(playbook)
    if rules.competitor_domains:
        st.info(f"competitor domains from the playbook: {_escape(', '.join(rules.competitor_domains))}")
    return rules, declared_fields(playbook)


# ---- rendering -------------------------------------------------------------------------------------


class _RichProgress:
    """The library's progress hooks as a rich progress bar with an ETA (only on a terminal)."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None
        self._console = console

    def __enter__(self) -> _RichProgress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                                 TimeRemainingColumn(), console=self._console, transient=True)
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)

    def phase(self, name: str, total: int | None = None) -> None:
        if self._bar is None:
            return
        if self._task is not None:
            self._bar.update(self._task, visible=False)
        self._task = self._bar.add_task(name, total=total)

    def advance(self, units: int = 1) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, units)


def _progress(st: State) -> _RichProgress:
    return _RichProgress(st.err, enabled=not st.quiet and st.err.is_terminal)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _mask(value: str, kind: str, show_pii: bool) -> str:
    from mktctl.pii import mask_email, mask_phone

    if show_pii or not value:
        return value
    return mask_email(value) if kind == "email" else mask_phone(value)


def _render_check(st: State, summary: CheckSummary, out: Path, show_pii: bool) -> None:
    from rich.table import Table

    mapping = summary.mapping
    table = Table(title="columns", show_edge=False, title_justify="left")
    table.add_column("field")
    table.add_column("column(s) in the file")
    custom = mapping.get("custom_fields", {})
    for key, headers in mapping["mapped"].items():
        label = custom[key]["label"] if key in custom else ""
        table.add_row(_escape(f"{key} ({label})" if label else key), _escape(" + ".join(headers)))
    for item in mapping["ignored"]:
        table.add_row("[dim]ignored[/dim]", _escape(f"{item['header']} ({item['why']})"))
    st.out.print(table)

    counts, reasons = summary.counts, summary.reasons
    result = Table(title="rows", show_edge=False, title_justify="left")
    result.add_column("status")
    result.add_column("rows", justify="right")
    result.add_row("input", str(counts["input"]))
    result.add_row("accepted", str(counts["accepted"]))
    result.add_row("duplicate", str(counts["duplicate"]))
    result.add_row("rejected", str(counts["rejected"]))
    for reason, n in reasons.items():
        if reason != "duplicate" and n:
            result.add_row(f"  {reason}", str(n))
    if summary.blank_rows_skipped:
        result.add_row("[dim]blank rows skipped[/dim]", str(summary.blank_rows_skipped))
    st.out.print(result)
    notes = {k: v for k, v in summary.warnings.items() if v}
    if notes:
        st.out.print("notes: " + ", ".join(f"{k} {v}" for k, v in notes.items()))
    if not all(summary.invariants.values()):
        st.err.print("[red]error[/red]: the row counts do not add up; this is a bug in mktctl")
    _render_examples(st, out, show_pii)
    st.out.print(f"results: {_escape(str(out / 'results.csv'))}, {_escape(str(out / 'results.xlsx'))}, "
                 f"{_escape(str(out / 'summary.json'))}")


def _render_examples(st: State, out: Path, show_pii: bool) -> None:
    """The first few rejected rows, phones and emails masked unless --show-pii."""
    import csv

    from rich.table import Table

    from mktctl.leads.cells import restore

    path = out / "results.csv"
    if not path.is_file():
        return
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["status"] == "rejected":
                rows.append(row)
                if len(rows) == 5:
                    break
    if not rows:
        return
    table = Table(title="first rejected rows", show_edge=False, title_justify="left")
    for name in ("row", "reason", "mobile", "email"):
        table.add_column(name)
    for row in rows:
        table.add_row(row["source_row"], row["reason"], _mask(restore(row["mobile_e164"]), "phone", show_pii),
                      _escape(_mask(restore(row["email"]), "email", show_pii)))
    st.out.print(table)


def _render_import(st: State, summary: CheckSummary) -> None:
    from rich.table import Table

    from mktctl.leads.summary import OUTCOMES

    report = summary.imported
    if report is None:
        return
    table = Table(title="import", show_edge=False, title_justify="left")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    for name in OUTCOMES:
        table.add_row(name, str(report.outcomes.get(name, 0)))
    st.out.print(table)
    if report.rows_per_second:
        st.out.print(f"{report.write_calls} writes in {round(report.tenant_seconds, 3)} s "
                     f"({report.rows_per_second} rows/s)")
    if report.fields_not_on_tenant:
        st.out.print("[yellow]not written (the tenant has no such field)[/yellow]: "
                     + ", ".join(report.fields_not_on_tenant))


def _render_link(st: State, result: Any, out: Path, *, resolving: bool) -> None:
    from rich.table import Table

    from mktctl.leads.link import STATUSES

    table = Table(title="resolved links" if resolving else f"links of {result.leads} leads", show_edge=False,
                  title_justify="left")
    table.add_column("object")
    for status in STATUSES:
        table.add_column(status, justify="right")
    for name, counts in result.counts.items():
        table.add_row(name, *(str(counts.get(s, 0)) for s in STATUSES))
    st.out.print(table)
    if not resolving:
        ambiguous = sum(c.get("ambiguous", 0) for c in result.counts.values())
        if ambiguous:
            st.out.print(f"{ambiguous} ambiguous: mark the right candidates in "
                         f"{_escape(str(out / 'ambiguities.xlsx'))}, then run "
                         f"mktctl leads link --resolve {_escape(str(out / 'ambiguities.xlsx'))} "
                         f"--out {_escape(str(out))}")
    for name, path in result.files.items():
        st.out.print(f"{name}: {_escape(str(path))}")
