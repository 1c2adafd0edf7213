"""``mktctl schema``: the kinds, their fields, and the JSON Schema of the playbook format."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from mktctl.cli.context import state
from mktctl.errors import MktctlError


class SchemaOutput(str, Enum):
    table = "table"
    json = "json"


def schema(
    ctx: typer.Context,
    kind: str = typer.Argument(None, help="One kind's fields (default: the list of kinds).", show_default=False),
    output: SchemaOutput = typer.Option(SchemaOutput.table, "--output", "-o",
                                        help="table, or json for the JSON Schema."),
    out: Path = typer.Option(None, "--out", help="Write the JSON Schema to this file (for editors)."),
) -> None:
    """List the kinds and their fields, or write the JSON Schema of the playbook format."""
    from rich.markup import escape
    from rich.table import Table

    from mktctl.base.suggest import did_you_mean
    from mktctl.kinds.registry import KINDS
    from mktctl.playbook import jsonschema

    st = state(ctx)
    target = None
    if kind is not None:
        target = next((k for k in KINDS if k.name == kind), None)
        if target is None:
            hint = did_you_mean(kind, [k.name for k in KINDS])
            raise MktctlError(f"unknown kind {kind!r}", hint=hint or "run `mktctl schema` to list the kinds")
    if output is SchemaOutput.json or out is not None:
        document = jsonschema.kind_schema(target) if target else jsonschema.playbook_schema()
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if out is not None:
            out.write_text(text, encoding="utf-8")
            st.info(f"wrote the JSON Schema to {out}")
        else:
            st.out.print(text, end="", markup=False)
        return
    if target is None:
        table = Table(title="Kinds", title_justify="left")
        for column in ("kind", "名称", "guide", "key", "depends on", "reaches the tenant by"):
            table.add_column(column)
        for k in KINDS:
            table.add_row(k.name, k.title, k.guide, k.key_field, ", ".join(k.depends_on) or "—", jsonschema.channel(k))
        st.out.print(table)
        return
    table = Table(title=f"{target.name} ({target.title}), guide {target.guide}: {target.summary}",
                  title_justify="left")
    for column in ("field", "type", "required", "default", "description"):
        table.add_column(column, overflow="fold")
    for row in jsonschema.field_rows(target):
        table.add_row(*[escape(str(v)) for v in row])
    st.out.print(table)
