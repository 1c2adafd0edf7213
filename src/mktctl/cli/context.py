"""What every command shares: the global options, the consoles, and opening a playbook's session.

Only the CLI prints, through these consoles, which show untrusted text safely (:mod:`mktctl.cli.terminal`):
every line is redacted, so a secret value resolved anywhere in the process can never reach the terminal,
and control characters (escape sequences, bidi overrides) are shown as ``\\uXXXX`` instead of acting.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from mktctl.engine.session import Session


@dataclass
class State:
    tenant: str | None = None
    deadline: float | None = None  # --deadline: seconds the tenant may not answer before a command gives up
    verbose: bool = False
    quiet: bool = False
    no_color: bool = False
    _out: Console | None = field(default=None, repr=False)
    _err: Console | None = field(default=None, repr=False)

    @property
    def color(self) -> bool:
        return not self.no_color and "NO_COLOR" not in os.environ

    @property
    def out(self) -> Console:
        if self._out is None:
            self._out = _console(sys.stdout, self.color)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = _console(sys.stderr, self.color)
        return self._err

    def info(self, message: Any) -> None:
        """A progress or status line on stderr; silent with --quiet."""
        if not self.quiet:
            self.err.print(message)

    def debug(self, message: str) -> None:
        if self.verbose:
            self.err.print(f"[dim]{message}[/dim]", highlight=False)


def _console(stream: Any, color: bool) -> Console:
    from mktctl.cli.terminal import RedactingFile, SafeConsole

    width = None if stream.isatty() else 120
    return SafeConsole(file=RedactingFile(stream), no_color=not color, highlight=False, soft_wrap=True,
                       width=width, color_system="auto" if color else None, emoji=False)


def shown(text: str) -> str:
    """``text`` as a prompt may show it (click writes prompts itself): redacted, control characters visible."""
    from mktctl.cli.terminal import safe

    return safe(text)


def plain_stream(stream: Any) -> Any:
    """``stream`` for text that no console renders (click's usage errors): redacted, control characters
    made visible."""
    from mktctl.cli.terminal import RedactingFile

    return RedactingFile(stream, plain=True)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


def open_playbook_session(st: State, directory: Path | None, *, env: str | None = None,
                          var: list[str] | None = None, prune: bool = False, strict: bool = False,
                          write: str | None = None, lang: str | None = None) -> Session:
    """Load the playbook in ``directory``, open the tenant of the global ``--tenant`` and plan; with
    ``--verbose``, each call to the tenant is shown; with ``write``, the tenant's write lock is held; with
    ``lang`` (``--lang``), manual steps are said in that language instead of the playbook's."""
    from mktctl.cli.options import folder, parse_vars
    from mktctl.engine.session import open_session

    def on_call(record: Any) -> None:
        st.debug(f"{record.path} → {record.error_code} ({record.seconds * 1000:.0f} ms, trace {record.trace_id})")

    return open_session(folder(directory), tenant=st.tenant, env=env, variables=parse_vars(var), prune=prune,
                        strict=strict, on_call=on_call, deadline=st.deadline, write=write, language=lang)


def playbook_dir(directory: Path | None) -> Path:
    return (directory or Path.cwd()).resolve()


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
