"""``mktctl init``: write a starter playbook folder that validates and applies as it is."""

from __future__ import annotations

from pathlib import Path

import typer

from mktctl.cli.context import state
from mktctl.errors import MktctlError


def templates() -> dict[str, Path]:
    from importlib import resources

    root = Path(str(resources.files("mktctl") / "playbooks"))
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and (p / "mktctl.yaml").is_file()}


def init(
    ctx: typer.Context,
    directory: Path = typer.Argument(Path(), help="Where to write the playbook (created if missing)."),
    template: str = typer.Option("standard", "--template", "-t", help="Which ready playbook to start from."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that already exist."),
) -> None:
    """Write a starter playbook folder (entry file mktctl.yaml, with comments on each section)."""
    import shutil

    from rich.markup import escape

    from mktctl.base.suggest import did_you_mean

    st = state(ctx)
    known = templates()
    if template not in known:
        hint = did_you_mean(template, known) or f"templates: {', '.join(known)}"
        raise MktctlError(f"unknown template {template!r}", hint=hint)
    source = known[template]
    target = directory.resolve()
    files = [p for p in sorted(source.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
             and p.name != "README.md"]
    clashes = sorted((f for f in files if (target / f.relative_to(source)).exists()),
                     key=lambda f: (f.name != "mktctl.yaml", str(f)))
    if clashes and not force:
        names = ", ".join(str(f.relative_to(source)) for f in clashes[:3])
        raise MktctlError(f"{target} already has {names}", hint="choose an empty folder, or pass --force")
    for file in files:
        destination = target / file.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, destination)
    ignore = target / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# mktctl's local state: the sandbox data, the journal, result files\n.mktctl/\n",
                          encoding="utf-8")
    st.out.print(f"[green]✓[/green] wrote the {escape(template)} playbook to {escape(str(target))} "
                 f"({len(files)} files)")
    where = "" if target == Path.cwd().resolve() else f" {target}"
    st.out.print(f"next: [bold]mktctl validate{escape(where)}[/bold], [bold]mktctl plan{escape(where)}[/bold], "
                 f"[bold]mktctl apply{escape(where)}[/bold]")
