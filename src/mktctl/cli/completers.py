"""What completes where in a shell: playbook folders for a folder argument, kind names for
``mktctl schema KIND``, the playbook's manual step ids for ``mktctl confirm STEP``. Each reads only local
files, never a tenant; the options and arguments name them with ``autocompletion=``. (The protocol and the
``mktctl completion`` command: :mod:`mktctl.cli.completion`.)"""

from __future__ import annotations

from pathlib import Path

import typer


def complete_playbook_folder(incomplete: str) -> list[tuple[str, str]]:
    """The playbook folders (with a mktctl.yaml) up to three levels below the folder typed so far, each with
    its playbook's name. None found: the shell completes file names as usual."""
    from mktctl.playbook.discover import playbooks_below

    typed = incomplete[: incomplete.rfind("/") + 1]  # "", "clients/", "../", "/srv/"
    base = Path(typed or ".")
    found = []
    for folder in playbooks_below(base):
        relative = folder.relative_to(base).as_posix()
        candidate = typed + relative if relative != "." else typed
        if candidate and candidate.startswith(incomplete):
            found.append((candidate, _playbook_name(folder)))
    return found


def _playbook_name(folder: Path) -> str:
    """The ``name:`` of the entry file, read without parsing the YAML (completion must be quick)."""
    try:
        with (folder / "mktctl.yaml").open(encoding="utf-8", errors="replace") as stream:
            head = stream.read(8192)
    except OSError:
        return "playbook"
    for line in head.splitlines():
        if line.startswith("name:"):
            name = line.removeprefix("name:").split(" #")[0].strip().strip("'\"")
            return f"playbook: {name}" if name else "playbook"
    return "playbook"


def complete_kind(incomplete: str) -> list[tuple[str, str]]:
    """The kinds' names, each with its title."""
    from mktctl.kinds.registry import KINDS

    return [(kind.name, f"{kind.title}: {kind.summary}") for kind in KINDS if kind.name.startswith(incomplete)]


def complete_step(ctx: typer.Context, incomplete: str) -> list[str]:
    """The manual steps the playbook (``--dir``, default the current folder) can ask of a real tenant; read
    from the playbook alone. An unreadable playbook completes nothing."""
    from mktctl.engine.steps import possible_steps
    from mktctl.errors import MktctlError
    from mktctl.playbook.load import load_playbook

    directory = ctx.params.get("directory") or Path()
    chosen = set(ctx.params.get("step") or ())
    try:
        playbook, _warnings = load_playbook(Path(directory))
    except MktctlError:
        return []
    return [step for step in possible_steps(playbook) if step.startswith(incomplete) and step not in chosen]
