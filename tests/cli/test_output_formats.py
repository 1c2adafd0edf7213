"""One OutputFormat enum for every command: each command accepts only its own formats, shows only those in
--help, and refuses any other as a usage error (exit 2) before it touches a playbook or a tenant."""

from __future__ import annotations

from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from mktctl.cli import options
from mktctl.cli.main import main
from mktctl.cli.options import OutputFormat

ACCEPTED = {  # command line -> (the option as --help shows it, the formats it accepts)
    ("plan",): ("-o, --output <table|json|markdown>", ["table", "json", "markdown"]),
    ("steps",): ("-o, --output <table|json|markdown|xlsx|html>", ["table", "json", "markdown", "xlsx", "html"]),
    ("schema",): ("-o, --output <table|json>", ["table", "json"]),
    ("checklist",): ("-o, --output <markdown|xlsx>", ["markdown", "xlsx"]),
    ("report",): ("-f, --format <html|markdown>", ["html", "markdown"]),
    ("sandbox", "credentials"): ("-o, --output <table|json|env>", ["table", "json", "env"]),
}


@pytest.mark.parametrize("command", list(ACCEPTED), ids=" ".join)
def test_help_shows_only_the_formats_a_command_accepts(command: tuple[str, ...], capsys) -> None:
    shown, _formats = ACCEPTED[command]

    assert main([*command, "--help"]) == 0

    assert shown in capsys.readouterr().out


@pytest.mark.parametrize("command", list(ACCEPTED), ids=" ".join)
def test_a_format_the_command_does_not_accept_is_a_usage_error(command: tuple[str, ...], capsys, tmp_path,
                                                               monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shown, formats = ACCEPTED[command]
    flag = shown.split(",")[0]
    other = next(f.value for f in OutputFormat if f.value not in formats)

    code = main([*command, flag, other])

    err = capsys.readouterr().err
    assert code == 2
    assert f"is not one of {', '.join(repr(f) for f in formats)}." in err
    assert f"{other!r}" in err
    assert list(tmp_path.iterdir()) == []  # refused before anything was opened or written


def test_the_shared_option_parses_to_the_enum_member_and_keeps_the_default() -> None:
    app = typer.Typer()

    @app.command()
    def show(output: Annotated[OutputFormat, options.output(OutputFormat.table, OutputFormat.json)]
             = OutputFormat.table) -> None:
        typer.echo(repr(output))

    runner = CliRunner()

    assert runner.invoke(app, []).output.strip() == repr(OutputFormat.table)
    assert runner.invoke(app, ["-o", "json"]).output.strip() == repr(OutputFormat.json)
    assert runner.invoke(app, ["--output", "markdown"]).exit_code == 2


def test_the_help_of_the_shared_option_lists_its_formats_unless_a_command_explains_them() -> None:
    app = typer.Typer(rich_markup_mode=None)

    @app.command()
    def show(output: Annotated[OutputFormat, options.output(OutputFormat.table, OutputFormat.json,
                                                            OutputFormat.env)] = OutputFormat.table) -> None:
        typer.echo(output)

    shown = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"}).output

    assert "table, json or env." in shown and "[default: table]" in shown
