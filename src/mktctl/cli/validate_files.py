"""``mktctl validate-files``: validate the playbooks that some files belong to, for the pre-commit hook
(.pre-commit-hooks.yaml) and CI jobs that know which files changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mktctl.cli import options
from mktctl.cli.context import state

if TYPE_CHECKING:
    from mktctl.cli.context import State
    from mktctl.kinds.base import Playbook


def validate_files(
    ctx: typer.Context,
    files: Annotated[list[Path] | None, typer.Argument(help="Files (or folders) of playbooks, e.g. the staged files.",
                                                       show_default=False)] = None,
    strict: options.Strict = False,
) -> None:
    """Validate each playbook that the files belong to (the nearest folder above a file with a mktctl.yaml),
    once, and with each of its envs/ overlays; files outside any playbook are skipped. Exit 1 on any error."""
    from rich.markup import escape

    from mktctl.playbook.discover import overlays, playbooks_of

    st = state(ctx)
    cwd = Path.cwd()
    folders = playbooks_of(files or [], within=cwd)
    if not folders:
        st.info("no playbook among these files")
        return
    failed = 0
    for folder in folders:
        shown = escape(str(folder.relative_to(cwd)) if folder.is_relative_to(cwd) else str(folder))
        envs = overlays(folder)
        loaded = [_load(st, folder, env, strict=strict, shown=shown) for env in (None, *envs)]
        playbook = loaded[0]
        if playbook is None or None in loaded:
            failed += 1
            continue
        with_envs = f"; overlays {escape(', '.join(envs))}" if envs else ""
        st.out.print(f"[green]✓[/green] {shown}: {escape(playbook.name)}, {len(playbook.resources)} resources in "
                     f"{len(playbook.files)} file(s){with_envs}")
    if failed:
        raise typer.Exit(1)


def _load(st: State, folder: Path, env: str | None, *, strict: bool, shown: str) -> Playbook | None:
    """The playbook, its warnings printed; None when it has errors (printed, every one at its position)."""
    from mktctl.cli.problems import print_problems
    from mktctl.errors import PlaybookError
    from mktctl.playbook.load import load_playbook

    try:
        playbook, warnings = load_playbook(folder, env=env, strict=strict)
    except PlaybookError as error:
        from rich.markup import escape

        print_problems(st, error.problems, tally=True)
        st.err.print(f"[red]✗[/red] {shown}{f' --env {escape(env)}' if env else ''}: not valid")
        return None
    print_problems(st, warnings)
    return playbook
