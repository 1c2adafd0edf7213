"""``mktctl init``: write a starter playbook folder that validates and applies as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mktctl.cli import options
from mktctl.cli.context import state


def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Where to write the playbook (created if missing).")] = Path(),
    template: Annotated[str, typer.Option("--template", "-t", help="Which ready playbook to start from.")]
    = "standard",
    force: Annotated[bool, options.force("Overwrite files that already exist.")] = False,
) -> None:
    """Write a starter playbook folder (entry file mktctl.yaml, with comments on each section)."""
    from rich.markup import escape

    from mktctl.playbook.starter import write_starter

    st = state(ctx)
    result = write_starter(directory, template, force=force)
    st.out.print(f"[green]✓[/green] wrote the {escape(result.template)} playbook to {escape(str(result.folder))} "
                 f"({len(result.files)} files)")
    where = "" if result.folder == Path.cwd().resolve() else f" {result.folder}"
    st.out.print(f"next: [bold]mktctl validate{escape(where)}[/bold], [bold]mktctl plan{escape(where)}[/bold], "
                 f"[bold]mktctl apply{escape(where)}[/bold]")
