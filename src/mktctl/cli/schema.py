"""``mktctl schema``: the kinds, their fields, and the JSON Schema of the playbook format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mktctl.cli import options
from mktctl.cli.completers import complete_kind
from mktctl.cli.context import state
from mktctl.cli.options import OutputFormat
from mktctl.errors import UnknownNameError

SchemaOutput = Annotated[OutputFormat, options.output(OutputFormat.table, OutputFormat.json,
                                                      help="table, or json for the JSON Schema.")]


def schema(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Argument(help="One kind's fields (default: the list of kinds).",
                                               show_default=False, autocompletion=complete_kind)] = None,
    output: SchemaOutput = OutputFormat.table,
    out: Annotated[Path | None, options.out("Write the JSON Schema to this file (for editors).")] = None,
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
            raise UnknownNameError(f"unknown kind {kind!r}", name=kind, known=[k.name for k in KINDS],
                                   hint=hint or "run `mktctl schema` to list the kinds")
    if output is OutputFormat.json or out is not None:
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
            table.add_row(k.name, k.title, ", ".join(k.sections), k.key_field, ", ".join(k.depends_on) or "—",
                          jsonschema.channel(k))
        st.out.print(table)
        return
    table = Table(title=f"{target.name} ({target.title}), guide {', '.join(target.sections)}: {target.summary}",
                  title_justify="left")
    for column in ("field", "type", "required", "default", "description"):
        table.add_column(column, overflow="fold")
    for row in jsonschema.field_rows(target):
        table.add_row(*[escape(str(v)) for v in row])
    st.out.print(table)
