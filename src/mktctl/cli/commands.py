"""Every command group, registered on the main app. Each module imports only typer at module level."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from mktctl.cli import playbook_commands, sandbox

    playbook_commands.register(app)
    app.add_typer(sandbox.app, name="sandbox")
    for module_name, group in (("leads", "leads"), ("workbook", "workbook"), ("tenant", "tenant")):
        module = _optional(module_name)
        if module is not None:
            app.add_typer(module.app, name=group)
    for module_name in ("report", "checklist"):
        module = _optional(module_name)
        if module is not None:
            module.register(app)


def _optional(name: str):  # type: ignore[no-untyped-def]
    import importlib.util

    if importlib.util.find_spec(f"mktctl.cli.{name}") is None:
        return None
    return importlib.import_module(f"mktctl.cli.{name}")
