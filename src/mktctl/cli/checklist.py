"""``mktctl checklist``: the rollout checklist of guide section 3 (tests, training, deliverables)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from mktctl.cli import options
from mktctl.cli.context import state


class ChecklistOutput(str, Enum):
    markdown = "markdown"
    xlsx = "xlsx"


def checklist(
    ctx: typer.Context,
    directory: Path = options.DIRECTORY,
    output: ChecklistOutput = typer.Option(ChecklistOutput.markdown, "--output", "-o", help="markdown or xlsx."),
    out: Path = typer.Option(None, "--out", help="Write to this file (xlsx default: checklist.xlsx)."),
    env: str = options.ENV,
    var: list[str] = options.VARS,
) -> None:
    """The rollout checklist (guide 3): configuration, tests, training and deliverables, with status and owner."""
    from rich.markup import escape

    from mktctl.base.clock import now_iso
    from mktctl.base.files import write_atomic
    from mktctl.deliver.checklist import open_checklist, to_markdown, write_xlsx
    from mktctl.errors import MktctlError

    st = state(ctx)
    result = open_checklist(options.folder(directory), tenant=st.tenant, env=env,
                            variables=options.parse_vars(var), generated_at=now_iso())
    if output is ChecklistOutput.xlsx:
        target = out or Path("checklist.xlsx")
        try:
            write_xlsx(result, target)
        except OSError as error:
            raise MktctlError(f"cannot write {target}: {error.strerror}") from None
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
