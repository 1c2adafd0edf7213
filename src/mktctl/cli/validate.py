"""``mktctl validate``: check a playbook without touching any tenant."""

from __future__ import annotations

import typer

from mktctl.cli import options
from mktctl.cli.context import state


def validate(
    ctx: typer.Context,
    directory: options.Directory = None,
    env: options.Env = None,
    var: options.Vars = None,
    strict: options.Strict = False,
) -> None:
    """Check the playbook: every error at once, as file:line:col: message."""
    from rich.markup import escape

    from mktctl.cli.problems import print_problems
    from mktctl.playbook.load import load_playbook

    st = state(ctx)
    playbook, warnings = load_playbook(options.folder(directory), env=env, variables=options.parse_vars(var),
                                       strict=strict)
    print_problems(st, warnings)
    kinds = playbook.kinds()
    st.out.print(f"[green]✓[/green] {escape(playbook.name)}: {len(playbook.resources)} resources in "
                 f"{len(kinds)} kinds, {len(playbook.files)} file(s), {len(warnings)} warning(s)")
