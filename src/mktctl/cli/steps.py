"""``mktctl steps`` and ``mktctl confirm``: the manual steps where no API can set a value."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from mktctl.cli import options
from mktctl.cli.context import state
from mktctl.errors import MktctlError


class StepsOutput(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def steps(
    ctx: typer.Context,
    directory: Path = options.DIRECTORY,
    show_all: bool = typer.Option(False, "--all", help="Also list confirmed steps."),
    output: StepsOutput = typer.Option(StepsOutput.table, "--output", "-o", help="table, json or markdown."),
    env: str = options.ENV,
    var: list[str] = options.VARS,
) -> None:
    """List the manual steps that are pending, each with its menu path, values and how to verify."""
    from rich.markup import escape

    from mktctl.cli.plan_commands import _open

    st = state(ctx)
    session = _open(st, directory, env=env, var=var, prune=False, strict=False)
    try:
        actions = [a for a in session.plan.actions if a.op == "manual" and a.manual
                   and (show_all or a.manual.status != "confirmed")]
    finally:
        session.close()
    if output is StepsOutput.json:
        from dataclasses import asdict

        st.out.print(json.dumps([asdict(a.manual) for a in actions if a.manual], ensure_ascii=False, indent=2),
                     markup=False)
        return
    if output is StepsOutput.markdown:
        lines = ["# Manual steps", ""]
        for a in actions:
            assert a.manual is not None
            lines += [f"## {a.manual.step} ({a.manual.status})", "", f"**{a.manual.menu_path}** — {a.manual.who}",
                      ""] + [f"- {label}: {value}" for label, value in a.manual.values] + [
                      "", f"Verify: {a.manual.verify}", ""]
        st.out.print("\n".join(lines), markup=False)
        return
    if not actions:
        st.out.print("[green]No manual steps pending.[/green]")
        return
    for a in actions:
        m = a.manual
        assert m is not None
        confirmed = f"confirmed by {m.confirmed_by or ''} at {m.confirmed_at or ''}"
        status = {"pending": "[magenta]pending[/magenta]",
                  "changed": "[yellow]values changed since confirmed[/yellow]",
                  "confirmed": f"[green]{escape(confirmed)}[/green]"}
        st.out.print(f"[bold]! {escape(m.step)}[/bold]  {status[m.status]}  ({escape(m.who)})")
        st.out.print(f"    where:  {escape(m.menu_path)}")
        for label, value in m.values:
            st.out.print(f"    {escape(label)}: {escape(value)}")
        st.out.print(f"    verify: {escape(m.verify)}")
        if m.qr_url:
            _qr(st, m.qr_url)
        if m.status != "confirmed":
            st.out.print(f"    [dim]done? mktctl confirm {escape(m.step)} --by NAME[/dim]")
    pending = sum(1 for a in actions if a.manual and a.manual.status != "confirmed")
    st.out.print(f"[bold]{pending} manual step(s) pending.[/bold]")


def _qr(st: object, url: str) -> None:
    from mktctl.cli.context import State

    assert isinstance(st, State)
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is a dependency; a broken install still gets the URL
        st.out.print(f"    scan: {url}")
        return
    import io

    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True)
    st.out.print(f"    scan with the admin's phone ({url}):")
    st.out.print(buffer.getvalue(), markup=False, highlight=False)


def confirm(
    ctx: typer.Context,
    step: list[str] = typer.Argument(None, help="The step(s), as `mktctl steps` names them (e.g. roles/市场经理).",
                                     show_default=False),
    directory: Path = typer.Option(None, "--dir", "-d", help="The playbook folder (default: the current folder)."),
    all_pending: bool = typer.Option(False, "--all-pending", help="Confirm every pending step at once."),
    by: str = typer.Option(None, "--by", help="Who did it (default: your login name)."),
    note: str = typer.Option("", "--note", help="A note to keep with the confirmation."),
    env: str = options.ENV,
    var: list[str] = options.VARS,
) -> None:
    """Record that manual steps were done: who, when, and for which values."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso, who
    from mktctl.base.suggest import did_you_mean
    from mktctl.cli.plan_commands import _open
    from mktctl.engine.ledger import Confirmation

    st = state(ctx)
    session = _open(st, directory, env=env, var=var, prune=False, strict=False)
    try:
        manual = {a.manual.step: a for a in session.plan.actions if a.op == "manual" and a.manual}
        if all_pending:
            chosen = [s for s, a in manual.items() if a.manual and a.manual.status != "confirmed"]
        elif step:
            chosen = list(dict.fromkeys(step))
        else:
            raise MktctlError("name the step(s) to confirm, or pass --all-pending",
                              hint="`mktctl steps` lists the pending steps")
        for name in chosen:
            if name not in manual:
                hint = did_you_mean(name, manual) or (f"steps: {', '.join(list(manual)[:8])}" if manual
                                                      else "this tenant has no manual steps for the playbook")
                raise MktctlError(f"no manual step {name!r}", hint=hint)
        confirmed_by, at = by or who(), now_iso()
        for name in chosen:
            session.tenant_ledger.confirmations[name] = Confirmation(digest=manual[name].digest, by=confirmed_by,
                                                                     at=at, note=note)
        session.ledger.save()
    finally:
        session.close()
    for name in chosen:
        st.out.print(f"[green]✓[/green] confirmed {escape(name)} by {escape(confirmed_by)} at {at}")
    if not chosen:
        st.out.print("No manual steps pending.")
