"""Every command, registered on the main app. Each module imports only typer at module level.

The command groups (leads, workbook, tenant, sandbox) are loaded only when they are asked for: for any other
command line a group is an empty stand-in with its help line, so that `mktctl --help` lists it without
building its commands (most of the start-up time of a large typer app goes into building them).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import typer

GROUPS: dict[str, tuple[str, str]] = {  # name -> (module, help)
    "leads": ("mktctl.cli.leads", "History leads: template, check, import, linking to customers (guide 2.3), "
                                  "and purging the result files."),
    "workbook": ("mktctl.cli.workbook", "Survey and configuration workbooks (xlsx): the client's side of a playbook."),
    "tenant": ("mktctl.cli.tenant", "Work with a tenant as it is: export it as a playbook."),
    "sandbox": ("mktctl.cli.sandbox", "The local sandbox tenant: an emulator of the FxiaoKe open API over SQLite."),
}
_GLOBAL_OPTIONS_WITH_VALUE = ("--tenant", "--deadline")


def group_app(name: str) -> typer.Typer:
    """The Typer app of a command group, with its help line from GROUPS."""
    return typer.Typer(help=GROUPS[name][1], no_args_is_help=True)


def register(app: typer.Typer, argv: Sequence[str] | None = None) -> None:
    from mktctl.cli import checklist, completion, migrate_command, playbook_commands, report

    playbook_commands.register(app)
    app.command("test")(importlib.import_module("mktctl.cli.test_command").test)
    app.command("simulate")(importlib.import_module("mktctl.cli.simulate_command").simulate)
    checklist.register(app)
    report.register(app)
    migrate_command.register(app)
    app.command("validate-files")(importlib.import_module("mktctl.cli.validate_files").validate_files)
    app.command("completion")(completion.completion)
    wanted = requested_command(argv)
    for name, (module, _help) in GROUPS.items():
        if argv is None or wanted == name:
            app.add_typer(importlib.import_module(module).app, name=name)
        else:
            app.add_typer(group_app(name), name=name)


def requested_command(argv: Sequence[str] | None) -> str | None:
    """The command named on a command line, past the global options."""
    args = list(argv or [])
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in _GLOBAL_OPTIONS_WITH_VALUE:
            index += 2
            continue
        if arg.startswith("-"):
            index += 1
            continue
        return arg
    return None
