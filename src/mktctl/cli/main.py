"""The ``mktctl`` command: global options, the command groups, and the one place where errors become
messages and exit codes (user mistakes 1, among them files and folders that cannot be used; unexpected errors
3 with a log file; Ctrl-C 130).

Startup stays fast: command modules import only typer at module level; pandas, the sandbox server and the
engine are imported inside the commands that need them.
"""

from __future__ import annotations

import sys

import typer

from mktctl import __version__
from mktctl.cli.context import State
from mktctl.errors import MktctlError

INTERRUPTED = "interrupted (Ctrl-C); what was done is recorded: run the same command again to continue"


def build_app(argv: list[str] | None = None) -> typer.Typer:
    """The ``mktctl`` app; with ``argv``, only the command group it asks for is loaded (see cli/commands.py)."""
    from mktctl.cli import commands, completion

    app = typer.Typer(
        name="mktctl",
        help="Roll out FxiaoKe 营销通 as code: playbooks, plan/apply, history imports, an embedded sandbox tenant.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain click help: typer.rich_utils alone would double the start-up time
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_globals)
    typed = None if argv else completion.command_line()  # a shell asking for completions: the words typed
    commands.register(app, argv if typed is None else typed)
    return app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mktctl {__version__}")
        raise typer.Exit()


def _globals(
    ctx: typer.Context,
    tenant: str = typer.Option(None, "--tenant", envvar="MKTCTL_TENANT",
                               help="Tenant profile from mktctl.tenants.yaml (default: the embedded sandbox)."),
    deadline: float = typer.Option(None, "--deadline", metavar="SECONDS",
                                   help="Give up when the tenant has not answered for this long (default 30, "
                                        "or MKTCTL_DEADLINE, or deadline_seconds in the profile)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show each call to the tenant."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors and the final result."),
    no_color: bool = typer.Option(False, "--no-color", help="No colours (NO_COLOR is honoured too)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    ctx.obj = State(tenant=tenant, deadline=deadline, verbose=verbose, quiet=quiet, no_color=no_color)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script calls ``sys.exit`` with it)."""
    # typer ships its own copy of click; its usage errors all derive from that copy's ClickException
    click_exception = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    state = State()
    args = list(sys.argv[1:] if argv is None else argv)
    app = build_app(args)
    try:
        result = app(args=args, prog_name="mktctl", standalone_mode=False, obj=state)
        code = result if isinstance(result, int) else 0
        if code == 130:  # typer turns Ctrl-C (KeyboardInterrupt) into this exit code
            state.err.print(INTERRUPTED)
    except typer.Abort:
        state.err.print("aborted")
        code = 130
    except KeyboardInterrupt:
        state.err.print(INTERRUPTED)
        code = 130
    except click_exception as error:
        from mktctl.cli.context import plain_stream

        error.show(file=plain_stream(sys.stderr))
        code = error.exit_code
    except MktctlError as error:
        from mktctl.cli.problems import print_error

        print_error(state, error)
        code = error.exit_code
    except Exception as error:  # noqa: BLE001 - the one place that turns a bug into a log file and exit 3
        code = _failed(state, error)
    sys.stdout.flush()
    return code


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _failed(state: State, error: Exception) -> int:
    """An error no command turned into a message: a file system error on the user's files (state, outputs,
    the playbook folder: base/fileerrors.py) is the user's to fix, exit 1; anything else is a bug."""
    from mktctl.base.fileerrors import file_access_error

    user_error = file_access_error(error)
    if user_error is None:
        return _unexpected(state, error)
    from mktctl.cli.problems import print_error

    print_error(state, user_error)
    return user_error.exit_code


def _unexpected(state: State, error: BaseException) -> int:
    """A bug: a short redacted line, the redacted traceback in a private log file (cli/crashlog.py), exit 3.
    When no log can be written anywhere, the line says so; never a traceback on the terminal."""
    import traceback

    from mktctl.cli.crashlog import CrashLogError, write_crash_log
    from mktctl.secrets import REDACTOR

    text = REDACTOR.redact("".join(traceback.format_exception(type(error), error, error.__traceback__)))
    state.err.print(f"[red]internal error[/red]: {_escape(type(error).__name__)}: "
                    f"{_escape(REDACTOR.redact(str(error)))}")
    try:
        log = write_crash_log(text)
    except CrashLogError as failure:
        state.err.print(f"this is a bug in mktctl; its details could not be saved "
                        f"({_escape(REDACTOR.redact(str(failure)))})")
    else:
        state.err.print(f"this is a bug in mktctl; the details are in {_escape(str(log))}")
    return 3


def run() -> None:  # pragma: no cover - the console script
    _exit(main())


def _exit(code: int) -> None:
    """Exit with ``code``. Worker threads still on the wire to an unreachable tenant after Ctrl-C or a deadline
    (their calls abandoned, as a kill would) get a second to end; then the process exits without them, since
    the interpreter would otherwise wait for each of them to time out."""
    import threading
    import time

    limit = time.monotonic() + 1.0
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join(max(0.0, limit - time.monotonic()))
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        import os

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
