"""``mktctl migrate``: a replacement migration from a previous marketing system (docs/migrate.md).

Parse, call :func:`mktctl.migrate.run.migrate`, render. Exit codes: 0 done, every count reconciled and every
opt-out verified unreachable (or pending a manual import); 1 bad input, or the migration stopped (the
opt-outs could not be recorded, the tenant went away): run the same command again; 2 some rows failed on the
tenant, or an invariant does not hold (summary.json says which).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mktctl.cli import options
from mktctl.cli.context import state

if TYPE_CHECKING:
    from mktctl.cli.context import State
    from mktctl.migrate.results import MigrationResult


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)


def migrate(
    ctx: typer.Context,
    source: Annotated[Path, typer.Option("--from", help="The folder of the old system's exports (csv, xlsx).",
                                         show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="The result folder: summary.json, a csv per entity, "
                                                          "migration.xlsx, people/.", show_default=False)],
    directory: options.Directory = None,
    preset: Annotated[str | None, typer.Option("--preset", help="The old system's export format: hubspot, marketo "
                                                                "or generic (default: generic).")] = None,
    map_file: Annotated[Path | None, typer.Option("--map", help="A migration map (YAML): files, columns, value "
                                                                "tables; see docs/migrate.md.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and decide everything, write the results, "
                                                            "touch neither the tenant nor the playbook.")] = False,
    write_playbook: Annotated[bool, typer.Option("--write-playbook", help="Add the tag values the migration "
                                                                          "needs to the playbook (comments "
                                                                          "kept).")] = False,
    scores: Annotated[str | None, typer.Option("--scores", help="carry (the old score into a field) or "
                                                                "recompute (also the playbook's model over the "
                                                                "migrated history); default: the map's.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Concurrent calls to the "
                                                                          "tenant.")] = 4,
) -> None:
    """Migrate from a previous marketing system: people, opt-outs, tags, stages, scores, history, members and
    content; every row reconciled, every opt-out kept."""
    import datetime as dt

    from mktctl.errors import SettingsError
    from mktctl.migrate.run import MigrateOptions
    from mktctl.migrate.run import migrate as run_migration

    st = state(ctx)
    if preset and map_file:
        raise typer.BadParameter("give --preset or --map, not both (a map names its preset with preset:)",
                                 param_hint="--preset/--map")
    if scores not in (None, "carry", "recompute"):
        raise SettingsError(f"--scores {scores!r}: expected carry or recompute")
    root = options.folder(directory)
    run = MigrateOptions(source=source, out=out, now=dt.datetime.now(dt.timezone.utc), preset=preset,
                         map_file=map_file, dry_run=dry_run, write_playbook=write_playbook, scores=scores,
                         workers=workers)
    with _progress(st) as progress:
        if dry_run:
            result = run_migration(root, run, None, progress)
        else:
            from mktctl.tenant.connect import open_tenant
            from mktctl.tenant.settings import resolve

            settings = resolve(root, st.tenant)
            st.info(f"tenant: {_escape(settings.describe())}")
            with open_tenant(settings) as tenant:
                result = run_migration(root, run, tenant, progress)
    _render(st, result)
    if result.stopped:
        st.err.print(f"[red]stopped[/red]: {_escape(result.stopped)}")
        st.err.print("[dim]hint[/dim]: run the same command again to continue where it stopped")
        raise typer.Exit(1)
    if result.failed or result.broken:
        raise typer.Exit(2)


class _Phases:
    """Progress as a line per phase on stderr (reading, matching, importing, writing), on a terminal only."""

    def __init__(self, st: State) -> None:
        self.st = st
        self.enabled = not st.quiet and st.err.is_terminal

    def __enter__(self) -> _Phases:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def phase(self, name: str, total: int | None = None) -> None:
        if self.enabled:
            self.st.err.print(f"[dim]{name}{f' ({total})' if total else ''} …[/dim]")

    def advance(self, units: int = 1) -> None:
        return None


def _progress(st: State) -> _Phases:
    return _Phases(st)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _render(st: State, result: MigrationResult) -> None:
    from rich.table import Table

    summary = result.summary
    verb = "would migrate (dry run)" if summary["dry_run"] else "migrated"
    st.out.print(f"{verb} from {_escape(summary['system'])}: {_escape(summary['source'])} → "
                 f"{_escape(str(result.out_dir))}")
    for item in summary["unknown_columns"]:
        st.err.print(f"[yellow]warning[/yellow]: unknown column {_escape(item['header'])!r} in "
                     f"{_escape(item['file'])} ({item['entity']}): not migrated; map it or ignore it in a "
                     "migration map")
    table = Table(show_edge=False, title="entities", title_justify="left")
    for name in ("entity", "source", "migrated", "rejected", "duplicate", "skipped", "failed", "reconciled"):
        table.add_column(name, justify="right" if name not in ("entity", "reconciled") else "left")
    for name, report in result.reports.items():
        counts = report.counts
        table.add_row(name, *(str(counts[k]) for k in ("source", "migrated", "rejected", "duplicate", "skipped",
                                                       "failed")), "yes" if report.reconciled else "[red]NO[/red]")
    st.out.print(table)
    for name, values in summary["unmapped_values"].items():
        shown = ", ".join(f"{_escape(v)} ×{n}" for v, n in list(values.items())[:8])
        st.out.print(f"unmapped {name}: {shown}" + (" …" if len(values) > 8 else "") + " (add them to the map's "
                     f"values.{name})")
    missing = summary["missing_tag_values"]
    if missing:
        shown = "; ".join(f"{_escape(g)}: {', '.join(_escape(v) for v in values)}" for g, values in missing.items())
        written = summary["playbook"]["written"]
        st.out.print(f"tag values not in the playbook: {shown}" + (" (added to the playbook)" if written else
                                                                   " (add them with --write-playbook)"))
    _render_consent(st, summary)
    scores = summary["scores"]
    if scores["new"] is not None and (scores["new"]["count"] or scores["old"]["count"]):
        st.out.print(f"scores: old median {scores['old'].get('median', '-')}, new ({_escape(scores['model'])}) "
                     f"median {scores['new'].get('median', '-')} (distributions in summary.json)")
    if summary["members"] and "points_tenant" in summary["members"]:
        members = summary["members"]
        st.out.print(f"member points: source {members['points_source']}, tenant {members['points_tenant']}")
    for step in result.manual_steps:
        st.out.print(f"[yellow]manual[/yellow] {_escape(step['entity'])}: {_escape(step['where'])}: "
                     f"{_escape(step['step'])}")
    for name in result.broken:
        st.err.print(f"[red]invariant does not hold[/red]: {_escape(name)}")


def _render_consent(st: State, summary: dict[str, Any]) -> None:
    """The opt-out check; addresses masked (summary.json holds them masked, consent.csv in full)."""
    consent = summary["consent"]
    check = consent["check"]
    line = f"opt-outs: {consent['facts']} from the old system, {consent['records']} consent record(s)"
    if check is None:
        st.out.print(line + " (not written: dry run)")
        return
    if not check["verified"]:
        st.out.print(line + f"; [yellow]not verified[/yellow]: {_escape(check['note'])}")
        return
    if check["reachable_count"]:
        st.out.print(line + f"; [red]{check['reachable_count']} opted-out address(es) still reachable[/red]")
        for item in check["reachable"][:10]:
            st.err.print(f"  {item['channel']} {_escape(item['address'])} (row {item['source_row']})")
        return
    st.out.print(line + f"; verified: none of {check['addresses_checked']} opted-out address(es) is reachable")
