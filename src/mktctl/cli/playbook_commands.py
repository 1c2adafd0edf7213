"""The playbook commands: init, validate, plan, apply, schema, steps, confirm."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from mktctl.cli import init, plan_commands, schema, steps, validate

    app.command("init")(init.init)
    app.command("validate")(validate.validate)
    app.command("plan")(plan_commands.plan)
    app.command("apply")(plan_commands.apply)
    app.command("schema")(schema.schema)
    app.command("steps")(steps.steps)
    app.command("confirm")(steps.confirm)
