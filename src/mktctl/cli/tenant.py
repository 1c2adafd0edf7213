"""``mktctl tenant export``: an existing tenant as a playbook and a ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mktctl.cli import options
from mktctl.cli.commands import group_app
from mktctl.cli.context import state

app = group_app("tenant")


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path, options.out("The playbook folder to write (its mktctl.tenants.yaml may hold the --tenant "
                                     "profile).", short=True)],
    kinds: Annotated[str | None, typer.Option("--kinds", help="Only these kinds, comma-separated (and what they "
                                                              "refer to).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The playbook's name (default: the tenant's name).")]
    = None,
    lang: Annotated[str | None, options.lang("The playbook's language: zh-CN (default) or en.")] = None,
    force: Annotated[bool, options.force("Overwrite the playbook files of a folder that has one.")] = False,
    show_pii: options.ShowPii = False,
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
    settings = tenant_settings.resolve(target, st.tenant, deadline=st.deadline)
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
