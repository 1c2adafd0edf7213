"""``mktctl report``: the delivery report of a rollout, as one HTML file or Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mktctl.cli import options
from mktctl.cli.context import state
from mktctl.cli.options import OutputFormat

ReportFormat = Annotated[OutputFormat | None, options.output(
    OutputFormat.html, OutputFormat.markdown, flags=("--format", "-f"),
    help="html (default; or from --out's suffix) or markdown.")]


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    ctx: typer.Context,
    directory: options.Directory = None,
    out: Annotated[Path | None, options.out("The file to write (default: report.html or report.md in the playbook "
                                            "folder).", short=True)] = None,
    fmt: ReportFormat = None,
    lang: Annotated[str | None, options.lang("zh-CN or en (default: the playbook's language).")] = None,
    imports: Annotated[list[Path] | None, typer.Option(
        "--imports", help="A folder (or summary.json) of lead import results to include; repeatable. .mktctl/ is "
                          "always read.")] = None,
    show_pii: options.ShowPii = False,
) -> None:
    """Write the delivery report: what was configured, manual steps and who confirmed them, import results
    with charts, open issues and the checklist of guide section 3. Reads files only, no tenant."""
    from rich.markup import escape

    from mktctl import __version__
    from mktctl.base.clock import now_iso
    from mktctl.base.files import write_atomic
    from mktctl.deliver import i18n
    from mktctl.deliver import report as report_lib
    from mktctl.playbook.load import load_playbook

    st = state(ctx)
    root = options.folder(directory)
    playbook, warnings = load_playbook(root)
    chosen = fmt.value if fmt else ("markdown" if out is not None and out.suffix.lower() in (".md", ".markdown")
                                    else "html")
    target = out or root / ("report.md" if chosen == "markdown" else "report.html")
    built = report_lib.build(playbook, warnings, lang=i18n.resolve_lang(lang, playbook.language),
                             generated_at=now_iso(), generator=f"mktctl {__version__}", tenant=st.tenant,
                             imports=list(imports or []), show_pii=show_pii)
    write_atomic(target, report_lib.render(built, chosen), mode=0o600 if built.personal_data else 0o644)
    pending = sum(1 for m in built.manual if m.status != "confirmed")
    st.out.print(f"[green]✓[/green] wrote {escape(str(target))} ({chosen}, {built.lang}): "
                 f"{len(playbook.resources)} resources, {pending} manual step(s) pending, "
                 f"{len(built.imports)} import(s), {len(built.issues)} open issue(s)")
