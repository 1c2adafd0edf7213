"""``mktctl workbook survey|export|import``: the spreadsheets a client fills in and signs off."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mktctl.cli import options
from mktctl.cli.commands import group_app
from mktctl.cli.context import state

app = group_app("workbook")

Lang = Annotated[str | None, options.lang("zh-CN or en (default: the playbook's language, else zh-CN).")]
WorkbookOut = Annotated[Path, options.out("The workbook to write (.xlsx).", short=True)]


def _generator() -> str:
    from mktctl import __version__

    return f"mktctl {__version__}"


@app.command("survey")
def survey(
    ctx: typer.Context,
    out: WorkbookOut,
    lang: Lang = None,
    name: Annotated[str | None, typer.Option("--name", help="The client or rollout name to put on the cover.")]
    = None,
) -> None:
    """Write the pre-rollout requirements survey (guide 1.2): questions and empty tables per guide section."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso
    from mktctl.deliver import i18n
    from mktctl.deliver import survey as survey_lib

    st = state(ctx)
    language = i18n.resolve_lang(lang)
    result = survey_lib.write_survey(out, lang=language, name=name or "", generated_at=now_iso(),
                                     generator=_generator())
    st.out.print(f"[green]✓[/green] wrote the survey {escape(str(out))} ({len(result.sheets)} sheets, {language})")
    st.out.print(f"next: fill it in with the client, then [bold]mktctl workbook import {escape(str(out))} "
                 "--into DIR[/bold]")


@app.command("export")
def export(
    ctx: typer.Context,
    out: WorkbookOut,
    directory: options.Directory = None,
    lang: Lang = None,
) -> None:
    """Write the playbook as a configuration workbook for the client to review, fill in and sign off."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso
    from mktctl.deliver import i18n
    from mktctl.deliver.workbook_export import export_playbook
    from mktctl.playbook.load import load_playbook

    st = state(ctx)
    playbook, _warnings = load_playbook(options.folder(directory))
    language = i18n.resolve_lang(lang, playbook.language)
    result = export_playbook(playbook, out, lang=language, generated_at=now_iso(), generator=_generator())
    st.out.print(f"[green]✓[/green] wrote {escape(str(out))}: {result.resources} resources on "
                 f"{len(result.sheets)} sheets ({language}); playbook digest {result.digest}")
    if result.personal_data:
        st.info("[yellow]note[/yellow]: the workbook holds personal data (phones, emails); it is readable by "
                "you only (mode 600): share it only with the client")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A filled-in survey or configuration workbook (.xlsx).",
                                         show_default=False)],
    into: Annotated[Path | None, typer.Option("--into", help="The playbook folder to update or create (default: "
                                                             "the current folder).")] = None,
    force: Annotated[bool, options.force("Write a new playbook over files of a folder that has no mktctl.yaml.")]
    = False,
) -> None:
    """Read a workbook back into playbook YAML, keeping the comments and order of an existing playbook."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso
    from mktctl.cli.problems import print_problems
    from mktctl.deliver.workbook_import import import_workbook

    st = state(ctx)
    target = options.folder(into, create=True)
    note = f"Written by `mktctl workbook import` from {file.name} at {now_iso()}."
    result = import_workbook(file, target, note=note, force=force)
    print_problems(st, result.warnings)
    if result.unchanged:
        st.out.print(f"[green]No changes.[/green] {escape(str(target))} already matches the workbook "
                     f"(playbook digest {result.digest}).")
        return
    verb = "wrote a new playbook to" if result.created else "updated"
    st.out.print(f"[green]✓[/green] {verb} {escape(str(target))}: {result.resources} resources; "
                 f"playbook digest {result.digest}")
    for path, added, changed, removed in result.files:
        detail = "" if result.created else f" ({added} added, {changed} changed, {removed} removed)"
        st.out.print(f"  {escape(str(path.relative_to(target)))}{detail}")
    st.out.print(f"next: [bold]mktctl plan {escape(str(target))}[/bold]")
