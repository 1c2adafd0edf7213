"""``mktctl init``: write a starter playbook folder that validates and applies as it is, set up for editors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mktctl.cli import options
from mktctl.cli.context import state

if TYPE_CHECKING:
    from mktctl.cli.context import State
    from mktctl.playbook.editor import EditorSetup


def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Where to write the playbook (created if missing).")] = Path(),
    template: Annotated[str, typer.Option("--template", "-t", help="Which ready playbook to start from.")]
    = "standard",
    force: Annotated[bool, options.force("Overwrite files that already exist.")] = False,
    editor_only: Annotated[bool, typer.Option(
        "--editor-only", help="Only set up editor support in an existing playbook: write mktctl.schema.json and "
                              "point each playbook file at it (again after upgrading mktctl).")] = False,
) -> None:
    """Write a starter playbook folder (entry file mktctl.yaml, with comments on each section), set up for
    editors: completion and errors while typing, through the YAML language server."""
    from rich.markup import escape

    from mktctl.playbook.editor import setup_editor
    from mktctl.playbook.starter import write_starter

    st = state(ctx)
    if editor_only:
        _print_editor(st, setup_editor(directory))
        return
    result = write_starter(directory, template, force=force)
    st.out.print(f"[green]✓[/green] wrote the {escape(result.template)} playbook to {escape(str(result.folder))} "
                 f"({len(result.files)} files)")
    _print_editor(st, result.editor)
    where = "" if result.folder == Path.cwd().resolve() else f" {result.folder}"
    st.out.print(f"next: [bold]mktctl validate{escape(where)}[/bold], [bold]mktctl plan{escape(where)}[/bold], "
                 f"[bold]mktctl apply{escape(where)}[/bold]")


def _print_editor(st: State, setup: EditorSetup) -> None:
    from rich.markup import escape

    schema = setup.schema.relative_to(setup.folder)
    files = len(setup.tagged) + len(setup.kept)
    st.out.print(f"[green]✓[/green] editor support: {escape(str(schema))}, and a `# yaml-language-server` line "
                 f"naming it in each of the {files} playbook files ({len(setup.tagged)} added)")
