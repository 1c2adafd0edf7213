"""Every command group, registered on the main app. Each module imports only typer at module level."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from mktctl.cli import checklist, leads, playbook_commands, report, sandbox, tenant, workbook

    playbook_commands.register(app)
    checklist.register(app)
    report.register(app)
    app.add_typer(leads.app, name="leads")
    app.add_typer(workbook.app, name="workbook")
    app.add_typer(tenant.app, name="tenant")
    app.add_typer(sandbox.app, name="sandbox")
