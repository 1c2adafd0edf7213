"""``mktctl simulate``: the playbook's rules over the client's history, leads and behaviour events
(docs/simulate.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mktctl.cli import options
from mktctl.cli.context import state

if TYPE_CHECKING:
    from mktctl.cli.context import State
    from mktctl.deliver.simulation import SimulationFiles


def simulate(
    ctx: typer.Context,
    directory: options.Directory = None,
    leads: Annotated[Path, typer.Option("--leads", help="The lead file (xlsx or csv), read as `leads check` reads it.",
                                        exists=True, dir_okay=False)] = ...,  # type: ignore[assignment]
    out: Annotated[Path, options.out("The folder for the result files.")] = ...,  # type: ignore[assignment]
    events: Annotated[Path | None, typer.Option("--events", help="The behaviour events (xlsx or csv): 手机号/邮箱, "
                                                "行为时间, 行为, 内容, 渠道, 来源, 市场活动, 转化, 跟进.",
                                                exists=True, dir_okay=False)] = None,
    days: Annotated[int | None, typer.Option("--days", min=0, help="Run to the end of day N (day 0: the first day "
                                             "of the history; default: its last day).")] = None,
    start: Annotated[str | None, typer.Option("--start", help="Day 0 as YYYY-MM-DD (default: the first day of "
                                              "the history).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="The seed of 随机分配.")] = 0,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Worker processes for the people (0: none).")] = 2,
    sheet: Annotated[str | None, typer.Option("--sheet", help="The sheet of the lead workbook.")] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="A column mapping file for the leads "
                                                 "(docs/leads.md).", exists=True, dir_okay=False)] = None,
    lang: Annotated[str | None, options.lang("zh-CN or en (default: the playbook's language).")] = None,
) -> None:
    """Run the playbook's rules over the client's history and write per-person results, per-event results
    and a summary (score histogram, grades, MQL, owners, segments, flows, reminders, attribution) as
    summary.xlsx, report.html and summary.json: calibrate the thresholds before go-live."""
    from mktctl.base.clock import now_iso
    from mktctl.cli.leads import _RichProgress
    from mktctl.deliver.i18n import resolve_lang
    from mktctl.deliver.simulation import run_simulation
    from mktctl.leads.check import CheckOptions
    from mktctl.rules.simulate import SimulateOptions

    st = state(ctx)
    folder = options.folder(directory)
    try:
        day_zero = date.fromisoformat(start) if start else None
    except ValueError as error:
        raise typer.BadParameter(f"{start!r} is not a date such as 2026-03-02", param_hint="--start") from error
    if lang is not None:
        resolve_lang(lang)  # an unknown language fails before the work
    check = CheckOptions(sheet=sheet, mapping=mapping)
    settings = SimulateOptions(days=days, start=day_zero, seed=seed, processes=workers, check=check)
    with _RichProgress(st.err, enabled=not st.quiet and st.err.is_terminal) as progress:
        result = run_simulation(folder, leads, events, out, settings, lang=lang, progress=progress,
                                generated_at=now_iso(), generator=_generator())
    _render(st, result)


def _generator() -> str:
    from mktctl import __version__

    return f"mktctl {__version__}"


def _render(st: State, result: SimulationFiles) -> None:
    from rich.markup import escape

    s = result.simulation.summary
    leads, events, mql = s["leads"], s["events"], s["mql"]
    st.out.print(f"simulated {s['start']} – {s['end']} ({s['days'] + 1} days) with {escape(s['playbook'])}",
                 markup=False)
    st.out.print(f"leads: {leads['rows']:,} rows → {leads['people']:,} people, {leads['duplicate']:,} duplicates, "
                 f"{leads['merged']:,} merged, {leads['rejected']:,} rejected")
    if events.get("rows"):
        st.out.print(f"events: {events['rows']:,} rows → {events['applied']:,} applied, {events['rejected']:,} "
                     f"rejected, {events['unmatched']:,} of no lead, {events['lead_rejected']:,} of rejected leads, "
                     f"{events['after_period']:,} after the period")
    for item in s["thresholds"]:
        st.out.print(f"  {escape(item['name'])} ≥ {item['score']}: {item['reached']:,} ({item['rate']:.1%})",
                     markup=False)
    if mql["defined"]:
        st.out.print(f"MQL: {mql['people']:,} ({mql['rate']:.1%})")
    for name, path in result.files.items():
        st.info(f"wrote {escape(str(path))}" if name != "report.html" else f"wrote {escape(str(path))} (open it in "
                "a browser)")
