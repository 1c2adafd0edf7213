"""The one way problems reach the terminal: a line each on stderr, ``file:line:col: error|warning: message``
(the position only when there is one), and an error's hint on the line after it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mktctl.cli.context import State
    from mktctl.errors import MktctlError, Problem

_LABEL = {"error": "[red]error[/red]", "warning": "[yellow]warning[/yellow]"}


def print_problems(st: State, problems: Iterable[Problem | str], *, tally: bool = False) -> None:
    """Print each problem; a plain string is a warning without a position. With ``tally``, end with the
    number of errors found."""
    from rich.markup import escape

    from mktctl.errors import Problem

    errors = 0
    for problem in problems:
        if isinstance(problem, str):
            problem = Problem(None, problem, severity="warning")
        severity = "error" if problem.severity == "error" else "warning"
        errors += severity == "error"
        where = escape(f"{problem.mark}: ") if problem.mark else ""
        st.err.print(f"{where}{_LABEL[severity]}: {escape(problem.message)}")
    if tally:
        st.err.print(f"{errors} error{'s' if errors != 1 else ''} found")


def print_error(st: State, error: MktctlError) -> None:
    """A library error as the user sees it: every problem of a playbook error, else the message and its hint."""
    from rich.markup import escape

    from mktctl.errors import PlaybookError

    if isinstance(error, PlaybookError):
        print_problems(st, error.problems, tally=True)
        return
    st.err.print(f"{_LABEL['error']}: {escape(str(error))}")
    if error.hint:
        st.err.print(f"[dim]hint[/dim]: {escape(error.hint)}")
