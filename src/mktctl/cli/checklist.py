"""``mktctl checklist``: the rollout checklist of guide section 3 (tests, training, deliverables)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mktctl.cli import options
from mktctl.cli.context import state
from mktctl.cli.options import OutputFormat

ChecklistOutput = Annotated[OutputFormat, options.output(OutputFormat.markdown, OutputFormat.xlsx)]


def checklist(
    ctx: typer.Context,
    directory: options.Directory = None,
    output: ChecklistOutput = OutputFormat.markdown,
    out: Annotated[Path | None, options.out("Write to this file (xlsx default: checklist.xlsx).")] = None,
    lang: Annotated[str | None, options.lang("zh-CN or en (default: the playbook's language).")] = None,
    env: options.Env = None,
    var: options.Vars = None,
) -> None:
    """The rollout checklist (guide 3): configuration, tests, training and deliverables, with status and owner."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso
    from mktctl.base.files import write_atomic
    from mktctl.deliver.checklist import open_checklist, to_markdown, write_xlsx

    st = state(ctx)
    result = open_checklist(options.folder(directory), tenant=st.tenant, env=env,
                            variables=options.parse_vars(var), generated_at=now_iso(), deadline=st.deadline,
                            language=lang)
    if output is OutputFormat.xlsx:
        target = out or Path("checklist.xlsx")
        write_xlsx(result, target)
        st.info(f"wrote the checklist to {escape(str(target))} ({result.summary()})")
        return
    text = to_markdown(result)
    if out is not None:
        write_atomic(out, text)
        st.info(f"wrote the checklist to {escape(str(out))} ({result.summary()})")
        return
    st.out.print(text, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("checklist")(checklist)
