"""``mktctl steps`` and ``mktctl confirm``: the manual steps where no API can set a value."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mktctl.cli import options
from mktctl.cli.completers import complete_step
from mktctl.cli.context import open_playbook_session, state
from mktctl.cli.options import OutputFormat

if TYPE_CHECKING:
    from mktctl.cli.context import State
    from mktctl.deliver.step_text import StepLabels
    from mktctl.engine.plan import Manual

StepsOutput = Annotated[OutputFormat, options.output(
    OutputFormat.table, OutputFormat.json, OutputFormat.markdown, OutputFormat.xlsx, OutputFormat.html,
    help="table, json or markdown; xlsx or html: a sheet for the client admin to work through and sign "
         "(default with --out: from its suffix).")]
SHEETS = (OutputFormat.xlsx, OutputFormat.html)
SUFFIXES = {".xlsx": OutputFormat.xlsx, ".html": OutputFormat.html, ".htm": OutputFormat.html,
            ".json": OutputFormat.json, ".md": OutputFormat.markdown, ".markdown": OutputFormat.markdown}


def steps(
    ctx: typer.Context,
    directory: options.Directory = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also list confirmed steps (a sheet always does).")] = False,
    output: StepsOutput = OutputFormat.table,
    out: Annotated[Path | None, options.out("Write to this file instead of the standard output.")] = None,
    lang: Annotated[str | None, options.lang("zh-CN or en (default: the playbook's language).")] = None,
    env: options.Env = None,
    var: options.Vars = None,
) -> None:
    """List the manual steps that are pending, each with its menu path, values and how to verify, in the
    playbook's language; or write them as a sheet (xlsx, html) to work through and sign, with the QR codes
    of authorisation steps."""
    from mktctl.deliver.step_text import plan_language
    from mktctl.engine.steps import manual_steps

    st = state(ctx)
    output = _chosen(output, out)
    if output is OutputFormat.xlsx and out is None and sys.stdout.isatty():
        raise typer.BadParameter("xlsx is a binary file, not for a terminal: write it with --out steps.xlsx "
                                 "(or redirect the output to a file)", param_hint="--output")
    if output in SHEETS:
        _sheet(st, directory, output, out, env=env, var=var, lang=lang)
        return
    with open_playbook_session(st, directory, env=env, var=var, lang=lang) as session:
        found = manual_steps(session.plan, include_confirmed=show_all)
        language = plan_language(session.plan)
    if output is OutputFormat.json:
        _text(st, _json(found), out)
    elif output is OutputFormat.markdown:
        from mktctl.deliver.step_text import to_markdown

        _text(st, to_markdown(found, language), out)
    else:
        _table(st, found, language)


def _chosen(output: OutputFormat, out: Path | None) -> OutputFormat:
    """The format asked for; with ``--out`` and no ``--output``, the one its suffix names."""
    if out is None or output is not OutputFormat.table:
        return output
    chosen = SUFFIXES.get(out.suffix.lower())
    if chosen is None:
        raise typer.BadParameter(f"which format is {out.name!r}? Name it with --output xlsx, html, json or "
                                 "markdown (a table is for the terminal)", param_hint="--out")
    return chosen


def _sheet(st: State, directory: Path | None, output: OutputFormat, out: Path | None, *, env: str | None,
           var: list[str] | None, lang: str | None) -> None:
    """Every manual step (confirmed ones too) as a sheet, to ``out`` or the standard output."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso
    from mktctl.deliver.steps_sheet import build_sheet, render_steps_sheet, write_steps_sheet

    with open_playbook_session(st, directory, env=env, var=var, lang=lang) as session:
        sheet = build_sheet(session.playbook, session.plan, generated_at=now_iso())
    if out is None:
        st.out.file.flush()
        sys.stdout.buffer.write(render_steps_sheet(sheet, output.value))
        sys.stdout.buffer.flush()
        return
    path = write_steps_sheet(sheet, out, output.value)
    st.info(f"[green]✓[/green] wrote {escape(str(path))} ({output.value}, {sheet.lang}): {len(sheet.rows)} manual "
            f"step(s), {sheet.pending} pending")


def _text(st: State, text: str, out: Path | None) -> None:
    from rich.markup import escape

    from mktctl.base.files import write_atomic
    from mktctl.secrets import REDACTOR

    if out is None:
        st.out.print(text, markup=False)
        return
    write_atomic(out, REDACTOR.redact(text) + "\n")
    st.info(f"[green]✓[/green] wrote {escape(str(out))}")


def _json(found: list[Manual]) -> str:
    import json
    from dataclasses import asdict

    return json.dumps([asdict(m) for m in found], ensure_ascii=False, indent=2)


def _table(st: State, found: list[Manual], lang: str) -> None:
    from rich.markup import escape

    from mktctl.base.language import bracketed
    from mktctl.deliver.step_text import labels, pending_text, step_text

    words = labels(lang)
    if not found:
        st.out.print(f"[green]{escape(words.none_pending)}[/green]")
        return
    colours = {"pending": "magenta", "changed": "yellow", "confirmed": "green"}
    for manual in found:
        text = step_text(manual, lang)
        status = f"[{colours[text.status]}]{escape(text.status_text)}[/{colours[text.status]}]"
        st.out.print(f"[bold]! {escape(text.step)}[/bold]  " + bracketed(status, escape(text.who), lang))
        st.out.print(f"    {escape(words.where)}{words.colon}{escape(text.where)}")
        for label, value in text.values:
            st.out.print(f"    {escape(label)}{words.colon}{escape(value)}")
        st.out.print(f"    {escape(words.verify)}{words.colon}{escape(text.verify)}")
        if text.qr_url:
            _qr(st, text.qr_url, words)
        if text.confirm:
            st.out.print(f"    [dim]{escape(words.confirm)}{words.colon}{escape(text.confirm)}[/dim]")
    pending = sum(1 for m in found if m.status != "confirmed")
    st.out.print(f"[bold]{escape(pending_text(pending, lang))}[/bold]")


def _qr(st: State, url: str, words: StepLabels) -> None:
    """The link as a QR code for the admin's phone. A link that holds a secret (from ``${env:...}``) is a QR
    code on a terminal only: redirected output (a CI log, a file) never gets it, since the code *is* the
    secret in another encoding."""
    from mktctl.base.language import bracketed
    from mktctl.secrets import REDACTOR

    if REDACTOR.contains(url) and not st.out.is_terminal:
        st.out.print(f"    {words.scan_secret}", markup=False)
        return
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is a dependency; a broken install still gets the URL
        st.out.print(f"    {words.scan}{words.colon}{url}", markup=False)
        return
    import io

    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True)
    st.out.print(f"    {bracketed(words.scan, url, words.lang)}{words.colon.strip()}", markup=False)
    st.out.print(buffer.getvalue(), markup=False, highlight=False)


def confirm(
    ctx: typer.Context,
    step: Annotated[list[str] | None, typer.Argument(
        help="The step(s), as `mktctl steps` names them (e.g. roles/市场经理).", show_default=False,
        autocompletion=complete_step)] = None,
    directory: options.DirOption = None,
    all_pending: Annotated[bool, typer.Option("--all-pending", help="Confirm every pending step at once.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who did it (default: your login name).")] = None,
    note: Annotated[str, typer.Option("--note", help="A note to keep with the confirmation.")] = "",
    env: options.Env = None,
    var: options.Vars = None,
) -> None:
    """Record that manual steps were done: who, when, and for which values."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso, who
    from mktctl.base.lock import RunLock
    from mktctl.engine.steps import ALL_PENDING, confirm_steps
    from mktctl.errors import SettingsError
    from mktctl.tenant.settings import state_dir

    st = state(ctx)
    if not all_pending and not step:
        raise SettingsError("name the step(s) to confirm, or pass --all-pending",
                            hint="`mktctl steps` lists the pending steps")
    # a confirmation is written to the ledger, as apply's steps are: one of them at a time per playbook folder
    # (the tenant is only read, so its write lock is not taken)
    root = options.folder(directory)
    with RunLock(state_dir(root), "apply", "mktctl confirm"), \
            open_playbook_session(st, root, env=env, var=var) as session:
        made = confirm_steps(session, ALL_PENDING if all_pending else step or [], by=by or who(), at=now_iso(),
                             note=note)
    for name, confirmation in made.items():
        st.out.print(f"[green]✓[/green] confirmed {escape(name)} by {escape(confirmation.by)} at {confirmation.at}")
    if not made:
        st.out.print("No manual steps pending.")
