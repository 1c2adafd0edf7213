"""Options shared by the playbook commands."""

from __future__ import annotations

from pathlib import Path

import typer

from mktctl.errors import SettingsError

DIRECTORY = typer.Argument(None, help="The playbook folder (default: the current folder).", show_default=False)
ENV = typer.Option(None, "--env", "-e", help="Overlay envs/NAME.yaml on the playbook.")
VARS = typer.Option(None, "--var", help="Set a variable: NAME=VALUE (repeatable).")
STRICT = typer.Option(False, "--strict", help="Treat warnings as errors.")
SHOW_PII = typer.Option(False, "--show-pii", help="Show phone numbers and emails unmasked.")


def parse_vars(pairs: list[str] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise SettingsError(f"--var {pair!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


def folder(directory: Path | None) -> Path:
    return (directory or Path.cwd()).resolve()
