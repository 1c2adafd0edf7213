"""The result files of ``mktctl simulate``: ``people.csv``, ``events.csv``, ``summary.json``, ``summary.xlsx`` and
``report.html`` (one self-contained page with inline SVG charts, zh-CN or en).

``run_simulation(directory, leads, events, out_dir, options, lang=, progress=, generated_at=, generator=)``
runs :func:`mktctl.rules.simulate.simulate` and writes them; :func:`write_files` writes a simulation
already run. The charts are those of the delivery report (:mod:`mktctl.deliver.charts`, its template macros
and style sheet).
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.language import LIST, bracketed
from mktctl.deliver import charts
from mktctl.deliver.simulation_text import STATUSES, Words

if TYPE_CHECKING:
    from mktctl.rules.batch import Progress
    from mktctl.rules.simulate import SimulateOptions, Simulation

FILES = ("people.csv", "events.csv", "summary.json", "summary.xlsx", "report.html")


@dataclass(frozen=True)
class SimulationFiles:
    simulation: Simulation
    out_dir: Path
    files: dict[str, Path]


def run_simulation(directory: Path, leads: Path, events: Path | None, out_dir: Path, options: SimulateOptions, *,
                   lang: str | None = None, progress: Progress | None = None, generated_at: str = "",
                   generator: str = "mktctl") -> SimulationFiles:
    from mktctl.deliver.i18n import resolve_lang
    from mktctl.leads.private import private_dir
    from mktctl.rules.simulate import simulate

    private_dir(out_dir)
    with tempfile.TemporaryDirectory(prefix=".mktctl-simulate-", dir=out_dir) as work:
        simulation = simulate(directory, leads, events, Path(work), options, progress)
    files = write_files(simulation, out_dir, lang=resolve_lang(lang, simulation.language), generated_at=generated_at,
                        generator=generator)
    return SimulationFiles(simulation, out_dir, files)


def write_files(simulation: Simulation, out_dir: Path, *, lang: str, generated_at: str = "",
                generator: str = "mktctl") -> dict[str, Path]:
    from mktctl.base.files import write_atomic
    from mktctl.leads.cells import neutralise_polars
    from mktctl.secrets import redacted_json

    files = {name: out_dir / name for name in FILES}
    if not (simulation.summary["events"].get("rows") or simulation.events.height):
        del files["events.csv"]
    csvs = {"people.csv": simulation.people, "events.csv": simulation.events}
    parts = {name: _part(files[name]) for name in ("people.csv", "events.csv", "summary.xlsx") if name in files}
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="mktctl-csv") as writer:
            # polars writes the CSV files (leaving the GIL) while the workbook and the page are put together;
            # each file is moved into place only once every one of them is written
            written = [writer.submit(_write_csv, neutralise_polars(csvs[name]), parts[name])
                       for name in ("people.csv", "events.csv") if name in files]
            write_workbook(simulation, parts["summary.xlsx"], Words(lang))
            page = render_html(simulation, Words(lang), generated_at, generator)
            for done in written:
                done.result()  # a failed write is raised here
        for name, part in parts.items():
            part.replace(files[name])
    finally:
        for part in parts.values():
            part.unlink(missing_ok=True)
    write_atomic(files["summary.json"], redacted_json(simulation.summary, ensure_ascii=False, indent=2) + "\n")
    write_atomic(files["report.html"], page)
    return files


def _part(path: Path) -> Path:
    """Where ``path`` is written before it is moved into place."""
    return path.with_name(f".{path.name}.part")


def _write_csv(frame: Any, path: Path) -> None:
    frame.write_csv(path)


# ---- the workbook ---------------------------------------------------------------------------------------------


def write_workbook(simulation: Simulation, path: Path, t: Words) -> None:
    import polars as pl

    from mktctl.leads.sheetwriter import TextWorkbook

    s = simulation.summary

    def rows(header: list[str], items: list[list[Any]]) -> list[list[str]]:
        return [header, *[["" if v is None else str(v) for v in item] for item in items]]

    tmp = path.with_name(path.name + ".tmp")
    with TextWorkbook(tmp) as book:
        book.add_rows(t("sheet.overview"), rows([t("col.figure"), t("col.value")], _overview(s, t)), [36, 24])
        book.add_rows(t("sheet.histogram"), rows([t("col.from"), t("col.to"), t("people")],
                                                 [[b["from"], b["to"], b["people"]] for b in s["scores"]["histogram"]]))
        book.add_rows(t("sheet.thresholds"), rows([t("threshold"), t("score"), t("reached"), t("rate"), t("near")],
                                                  [[x["name"], x["score"], x["reached"], x["rate"],
                                                    x["within_10_below"]] for x in s["thresholds"]]))
        for key, section in (("grades", "grades"), ("pools", "pools"), ("segments", "segments"),
                             ("stages", "stages"), ("tags", "tags")):
            book.add_rows(t(f"sheet.{key}"), rows([t("col.name"), t("people"), t("rate")],
                                                  [[x["name"], x["people"], x["rate"]] for x in s[section]]))
        book.add_rows(t("sheet.owners"), rows([t("col.employee"), t("col.owner"), t("people")],
                                              [[x["owner"], x["name"], x["leads"]] for x in s["owners"]]))
        flow_rows = []
        for flow in s["flows"]:
            flow_rows.append([flow["flow"], "", flow["entries"], flow["people"], "", ""])  # the entries
            flow_rows += [[flow["flow"], step["step"], step["visits"], step["people"], step["sent"], step["not_sent"]]
                          for step in flow["steps"]]
        book.add_rows(t("sheet.flows"), rows([t("col.flow"), t("step"), t("visits"), t("people"), t("sent"),
                                              t("not_sent")], flow_rows))
        book.add_rows(t("sheet.reminders"), rows([t("sla"), t("reminder.count"), t("people"), t("recycled")],
                                                 [[r["sla"], r["reminders"], r["people"], r["recycled"]]
                                                  for r in s["reminders"]]))
        attribution = s["attribution"]
        book.add_rows(t("sheet.attribution"), rows([t("col.kind"), t("col.name"), t("col.credit")],
                                                   [["来源" if t.lang == "zh-CN" else "source", c["name"], c["credit"]]
                                                    for c in attribution["by_source"]]
                                                   + [["市场活动" if t.lang == "zh-CN" else "campaign", c["name"],
                                                       c["credit"]] for c in attribution["by_campaign"]]))
        people = _localised(simulation.people, t)
        book.add_sheet(t("sheet.people"), [t.column(c) for c in people.columns], _text_batches(people))
        rejected = _localised(simulation.events.filter(pl.col("status") == "rejected"), t)
        book.add_sheet(t("sheet.events"), [t.column(c) for c in rejected.columns], _text_batches(rejected))
    tmp.replace(path)


def _localised(frame: Any, t: Words) -> Any:
    """The status column in the workbook's language (the CSV files keep the codes, for scripts)."""
    import polars as pl

    statuses = {code: t("status." + code) for code in STATUSES}
    return frame.with_columns(status=pl.col("status").cast(pl.String).replace(statuses))


def _text_batches(frame: Any, size: int = 100_000) -> Any:
    import polars as pl

    for start in range(0, max(frame.height, 1), size):
        part = frame.slice(start, size)
        yield part.select(pl.all().cast(pl.String).fill_null("")).to_pandas()


def _overview(s: dict[str, Any], t: Words) -> list[list[Any]]:
    leads, events, mql = s["leads"], s["events"], s["mql"]
    items = [[t("playbook"), s["playbook"]], [t("period"), period_text(s, t)], [t("chart.leads"), leads["rows"]]]
    items += [[f"  {t('status.' + k)}", leads[k]] for k in ("person", "duplicate", "merged", "rejected")]
    items += [[t("card.mql"), bracketed(str(mql["people"]), f"{mql['rate']:.1%}", t.lang)]]
    if events.get("rows"):
        items += [[t("chart.events"), events["rows"]]]
        items += [[f"  {t('status.' + k)}", events[k]] for k in ("applied", "rejected", "unmatched", "lead_rejected",
                                                                 "after_period")]
    return items


def period_text(s: dict[str, Any], t: Words) -> str:
    """``2026-03-02 – 2026-03-05（4 天）`` / ``2026-03-02 – 2026-03-05 (4 days)``."""
    return bracketed(f"{s['start']} – {s['end']}", f"{s['days'] + 1} {t('days')}", t.lang)


# ---- the page -------------------------------------------------------------------------------------------------


@dataclass
class Page:
    s: dict[str, Any]
    lang: str
    generated_at: str
    generator: str
    period: str
    cards: list[tuple[str, str, str]]
    figures: dict[str, charts.Chart]
    notes: dict[str, str]


def render_html(simulation: Simulation, t: Words, generated_at: str, generator: str) -> str:
    from jinja2 import PackageLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment(
        loader=PackageLoader("mktctl", "templates/report"), autoescape=select_autoescape(default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    page = build_page(simulation.summary, t, generated_at, generator)
    return environment.get_template("simulation.html.j2").render(p=page, s=page.s, t=t)


def build_page(s: dict[str, Any], t: Words, generated_at: str, generator: str) -> Page:
    leads, events, mql, scores = s["leads"], s["events"], s["mql"], s["scores"]
    people = leads["people"]
    owned = sum(o["leads"] for o in s["owners"] if o["owner"])
    sent = sum(step["sent"] for f in s["flows"] for step in f["steps"])
    reminded = sum(r["reminders"] for r in s["reminders"])
    cards = [(t("card.people"), f"{people:,}", ""), (t("card.mql"), f"{mql['people']:,}", f"{mql['rate']:.1%}"),
             (t("card.owned"), f"{owned:,}", f"{owned / people:.1%}" if people else ""),
             (t("card.events"), f"{events.get('applied', 0):,}", ""), (t("card.messages"), f"{sent:,}", ""),
             (t("card.reminders"), f"{reminded:,}", "")]

    def named(items: list[dict[str, Any]], value: str = "people", label: str = "name") -> list[tuple[str, Any,
                                                                                                   str | None]]:
        return [(str(x[label]), x[value], None) for x in items]

    figures = {
        "histogram": charts.bars(t("chart.histogram"), [(f"{b['from']}–{b['to']}", b["people"], None)
                                                        for b in scores["histogram"]], label_width=80),
        "thresholds": charts.bars(t("chart.thresholds"), [(f"{x['name']} ≥ {x['score']}", x["reached"], "accepted")
                                                          for x in s["thresholds"]]),
        "grades": charts.bars(t("chart.grades"), named(s["grades"])),
        "owners": charts.bars(t("chart.owners"), named(s["owners"], "leads")),
        "pools": charts.bars(t("chart.pools"), named(s["pools"])),
        "segments": charts.bars(t("chart.segments"), named(s["segments"])),
        "stages": charts.bars(t("chart.stages"), named(s["stages"])),
        "tags": charts.bars(t("chart.tags"), named(s["tags"]), label_width=220),
        "sources": charts.bars(t("chart.sources"), [(c["name"], round(c["credit"], 2), None)
                                                    for c in s["attribution"]["by_source"]]),
        "campaigns": charts.bars(t("chart.campaigns"), [(c["name"], round(c["credit"], 2), None)
                                                        for c in s["attribution"]["by_campaign"]]),
        "leads": charts.stacked(t("chart.leads"), [(t("status." + k), leads[k], c) for k, c in (
            ("person", "accepted"), ("duplicate", "duplicate"), ("merged", "other"), ("rejected", "rejected"))]),
        "lead_reasons": charts.bars(t("chart.lead_reasons"), [(r, n, "rejected") for r, n in leads["reasons"].items()]),
    }
    if events.get("rows"):
        figures["events"] = charts.stacked(t("chart.events"), [(t("status." + k), events[k], c) for k, c in (
            ("applied", "accepted"), ("rejected", "rejected"), ("unmatched", "duplicate"),
            ("lead_rejected", "not_attempted"), ("after_period", "unchanged"))])
        figures["event_reasons"] = charts.bars(t("chart.event_reasons"),
                                               [(r, n, "rejected") for r, n in events["reasons"].items()])
    conversions = LIST.say(t.lang).join(f"{k} {n}" for k, n in s["attribution"]["conversions"].items()) or t("none")
    percentiles = scores.get("percentiles", {})
    notes = {"scores": t("scores.note", model=scores.get("model") or "-", mean=scores.get("mean", 0),
                         p50=percentiles.get("p50", 0), p90=percentiles.get("p90", 0), max=scores.get("max", 0)),
             "mql": t("mql.note", min_score=mql["min_score"], people=f"{mql['people']:,}", rate=f"{mql['rate']:.1%}")
             if mql["defined"] else t("mql.none"),
             "attribution": t("attribution.note", model=s["attribution"]["model"],
                              window=s["attribution"]["window_days"], conversions=conversions)}
    return Page(s, t.lang, generated_at, generator, period_text(s, t), cards, figures, notes)
