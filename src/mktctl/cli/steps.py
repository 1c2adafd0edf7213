"""``mktctl steps`` and ``mktctl confirm``: the manual steps where no API can set a value."""

from __future__ import annotations

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

StepsOutput = Annotated[OutputFormat, options.output(OutputFormat.table, OutputFormat.json, OutputFormat.markdown)]


def steps(
    ctx: typer.Context,
    directory: options.Directory = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also list confirmed steps.")] = False,
    output: StepsOutput = OutputFormat.table,
    lang: Annotated[str | None, options.lang("zh-CN or en (default: the playbook's language).")] = None,
    env: options.Env = None,
    var: options.Vars = None,
) -> None:
    """List the manual steps that are pending, each with its menu path, values and how to verify, in the
    playbook's language."""
    from mktctl.deliver.step_text import plan_language
    from mktctl.engine.steps import manual_steps

    st = state(ctx)
    with open_playbook_session(st, directory, env=env, var=var, lang=lang) as session:
        found = manual_steps(session.plan, include_confirmed=show_all)
        language = plan_language(session.plan)
    if output is OutputFormat.json:
        import json
        from dataclasses import asdict

        st.out.print(json.dumps([asdict(m) for m in found], ensure_ascii=False, indent=2), markup=False)
    elif output is OutputFormat.markdown:
        from mktctl.deliver.step_text import to_markdown

        st.out.print(to_markdown(found, language), markup=False)
    else:
        _table(st, found, language)


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
