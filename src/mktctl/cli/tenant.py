"""``mktctl tenant export``: an existing tenant as a playbook and a ledger."""

from __future__ import annotations

from pathlib import Path

import typer

from mktctl.cli.commands import group_app
from mktctl.cli.context import state

app = group_app("tenant")


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", "-o", help="The playbook folder to write (its mktctl.tenants.yaml "
                                                       "may hold the --tenant profile)."),
    kinds: str = typer.Option(None, "--kinds", help="Only these kinds, comma-separated (and what they refer to)."),
    name: str = typer.Option(None, "--name", help="The playbook's name (default: the tenant's name)."),
    lang: str = typer.Option(None, "--lang", help="The playbook's language: zh-CN (default) or en."),
    force: bool = typer.Option(False, "--force", help="Overwrite the playbook files of a folder that has one."),
    show_pii: bool = typer.Option(False, "--show-pii", help="Show phone numbers and emails unmasked."),
) -> None:
    """Read the tenant into playbook YAML and the ledger (resources adopted, not owned); a plan right
    after is empty."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso
    from mktctl.cli.problems import print_problems
    from mktctl.deliver import i18n, layout
    from mktctl.deliver.tenant_export import export_tenant, select_kinds
    from mktctl.pii import mask_text
    from mktctl.tenant import settings as tenant_settings
    from mktctl.tenant.connect import open_tenant

    st = state(ctx)
    target = out.resolve()
    wanted = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
    select_kinds(wanted, layout.registry())  # an unknown kind fails before the tenant is opened
    settings = tenant_settings.resolve(target, st.tenant)
    st.info(f"Tenant: {escape(settings.describe())}")
    with open_tenant(settings) as tenant:
        result = export_tenant(tenant, target, kinds=wanted, name=name, language=i18n.resolve_lang(lang),
                               note=f"Exported by `mktctl tenant export` from tenant {settings.name} at {now_iso()}.",
                               force=force)
    print_problems(st, [w if show_pii else mask_text(w) for w in result.warnings])
    for exported in result.kinds:
        st.out.print(f"  {escape(exported.kind)}: {exported.count} ({escape(exported.part)})")
    st.out.print(f"[green]✓[/green] exported {result.resources} resources from {escape(result.tenant)} to "
                 f"{escape(str(target))}; playbook digest {result.digest}")
    where = "" if target == Path.cwd().resolve() else f" {target}"
    tenant_flag = f"--tenant {settings.name} " if st.tenant else ""
    st.out.print(f"next: [bold]mktctl {escape(tenant_flag)}plan{escape(where)}[/bold] (nothing to do right after an "
                 "export)")
