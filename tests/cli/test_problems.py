"""Problems reach the terminal one way: a line each on stderr, ``file:line:col: error|warning: message``, the
position only when there is one, and a library error's hint on the line after it."""

from __future__ import annotations

import io

from rich.console import Console

from mktctl.cli.context import State
from mktctl.cli.problems import print_error, print_problems
from mktctl.errors import Mark, MktctlError, PlaybookError, Problem


def terminal() -> tuple[State, io.StringIO]:
    stream = io.StringIO()
    console = Console(file=stream, no_color=True, width=200, color_system=None, highlight=False)
    return State(_err=console), stream


def test_each_problem_is_a_line_with_its_position_and_severity() -> None:
    st, stream = terminal()

    print_problems(st, [Problem(Mark("mktctl.yaml", 42, 7), "unknown action 'remove' (did you mean 'delete'?)"),
                        Problem(None, "no privacy statement", severity="warning")])

    assert stream.getvalue().splitlines() == [
        "mktctl.yaml:42:7: error: unknown action 'remove' (did you mean 'delete'?)",
        "warning: no privacy statement",
    ]


def test_a_plain_message_is_a_warning_and_markup_in_it_is_printed_as_it_is() -> None:
    st, stream = terminal()

    print_problems(st, ["sheet [角色权限] has an empty row"])

    assert stream.getvalue() == "warning: sheet [角色权限] has an empty row\n"


def test_a_playbook_error_lists_every_problem_and_counts_the_errors() -> None:
    st, stream = terminal()
    error = PlaybookError([Problem(Mark("a.yaml", 1, 1), "first"), Problem(Mark("b.yaml", 2, 3), "second"),
                           Problem(Mark("b.yaml", 9, 1), "only a warning", severity="warning")])

    print_error(st, error)

    assert stream.getvalue().splitlines() == [
        "a.yaml:1:1: error: first", "b.yaml:2:3: error: second", "b.yaml:9:1: warning: only a warning",
        "2 errors found"]


def test_any_other_error_is_its_message_and_its_hint() -> None:
    st, stream = terminal()

    print_error(st, MktctlError("no manual step 'roles/市场经里'", hint="did you mean 'roles/市场经理'?"))

    assert stream.getvalue().splitlines() == ["error: no manual step 'roles/市场经里'",
                                              "hint: did you mean 'roles/市场经理'?"]
