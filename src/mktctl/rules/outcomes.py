"""The tables and the summary of a simulation, from what the batch kept of each person (polars).

* :func:`people_outcomes`: one row per lead row (``person``, ``duplicate``, ``merged`` or ``rejected``, with
  the reason and the person it belongs to) with each person's state at the end; and the long tables of flow
  steps, attribution credits and reminders;
* :func:`event_outcomes`: one row per event row: ``applied`` (to which person), ``rejected`` (reason, column),
  ``unmatched``, ``lead_rejected`` or ``after_period``;
* :func:`summarise_all`: the summary a consultant calibrates with: the score histogram and percentiles,
  how many reach each threshold, grades and MQL with their rates, leads per owner and pool, segments,
  stages, tags, entries and sends per flow step, reminders, and attribution credit per source and campaign.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from mktctl.rules.clock import DAY

if TYPE_CHECKING:
    from collections.abc import Sequence

    import polars as pl

    from mktctl.rules.batch import Batch
    from mktctl.rules.compile import Rules
    from mktctl.rules.model import PersonInput

class Tables(Protocol):
    """The tables a summary is computed from (:class:`mktctl.rules.simulate.Simulation` has them)."""

    people: pl.DataFrame
    events: pl.DataFrame
    steps: pl.DataFrame
    credits: pl.DataFrame
    reminders: pl.DataFrame


PERSON, DUPLICATE, MERGED, REJECTED = "person", "duplicate", "merged", "rejected"
PERCENTILES = (50, 75, 90, 99)


def primary_model(rules: Rules) -> str | None:
    """The model the summary is about: the MQL definition's, else the first."""
    if rules.mql is not None and rules.mql.model:
        return rules.mql.model
    return rules.models[0].name if rules.models else None


def people_outcomes(rules: Rules, statuses: pl.DataFrame, accepted: pl.DataFrame, batch: Batch
                    ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    import polars as pl

    model = primary_model(rules)
    count = len(batch.kept)
    scores, grades, mql_at, owner, pool, stage, tags, segments, flows, sent, reminded, converted = (
        zip(*(kept[0] for kept in batch.kept), strict=True) if count else ((),) * 12)
    owner_names = {name: rules.user_name(name) for name in set(owner) if name}
    rows: dict[str, Sequence[Any]] = {
        "row": [int(survivor.id) for survivor in batch.survivors],
        "score": [s.get(model, 0) for s in scores] if model else [None] * count,
        "grade": [g.get(model) for g in grades] if model else [None] * count,
        "mql": [at is not None for at in mql_at], "mql_day": [None if at is None else at // DAY for at in mql_at],
        "owner": owner, "owner_name": [owner_names.get(name) if name else None for name in owner], "pool": pool,
        "stage": stage, "tags": tags, "segments": segments, "flows": flows, "messages_sent": sent,
        "reminders": reminded, "converted": converted,
        "scores": ["; ".join(f"{k} {v}" for k, v in s.items()) for s in scores]}
    steps: list[tuple[str, str, str, int]] = []
    credits: list[tuple[str, str, str, float, int]] = []
    reminders: list[tuple[str, bool, int]] = []
    for row, (_, person_steps, person_credits, person_reminders) in zip(rows["row"], batch.kept, strict=True):
        steps.extend((flow, step, kind, row) for flow, step, kind in person_steps)
        credits.extend((kind, source, campaign, share, row) for kind, source, campaign, share in person_credits)
        reminders.extend((sla, recycled, row) for sla, recycled in person_reminders)
    numbers = ("row", "score", "mql_day", "messages_sent", "reminders")
    facts_frame = pl.DataFrame(rows, schema={name: pl.Int64 if name in numbers else pl.Boolean if name == "mql"
                                             else pl.String for name in rows}, strict=False)
    engine: dict[str, list[Any]] = {"row": [], "engine_status": [], "engine_reason": [], "merged_into": []}
    for outcome in batch.outcomes:
        engine["row"].append(int(outcome.id))
        engine["engine_status"].append(REJECTED if outcome.rejected else MERGED)
        engine["engine_reason"].append(outcome.rejected or outcome.detail)
        engine["merged_into"].append(int(outcome.merged_into) if outcome.merged_into else None)
    engine_frame = pl.DataFrame(engine, schema={"row": pl.Int64, "engine_status": pl.String,
                                                "engine_reason": pl.String, "merged_into": pl.Int64})
    people = _people_table(statuses, accepted, facts_frame, engine_frame)
    return (people,
            pl.DataFrame(steps, schema={"flow": pl.String, "step": pl.String, "kind": pl.String, "person": pl.Int64},
                         orient="row"),
            pl.DataFrame(credits, schema={"conversion": pl.String, "source": pl.String, "campaign": pl.String,
                                          "share": pl.Float64, "person": pl.Int64}, orient="row"),
            pl.DataFrame(reminders, schema={"sla": pl.String, "recycled": pl.Boolean, "person": pl.Int64},
                         orient="row"))


def _people_table(statuses: pl.DataFrame, accepted: pl.DataFrame, facts: pl.DataFrame, engine: pl.DataFrame
                  ) -> pl.DataFrame:
    import polars as pl

    person_rows = facts.select("row").with_columns(person=pl.col("row"))
    merged = engine.filter(pl.col("engine_status") == MERGED).select("row", person=pl.col("merged_into"))
    owner_of = pl.concat([person_rows, merged])  # a record's person, when it has one
    table = (statuses.select("source_row", "status", "reason", "duplicate_of", "mobile_e164", "email")
             .rename({"source_row": "row", "status": "check_status", "mobile_e164": "mobile"})
             .join(accepted.select(row="source_row", name="name", company="company"), on="row", how="left")
             .join(engine, on="row", how="left")
             .with_columns(target=pl.when(pl.col("check_status") == "duplicate").then(pl.col("duplicate_of"))
                           .otherwise(pl.col("row")))
             .join(owner_of.rename({"row": "target"}), on="target", how="left")
             .join(facts, on="row", how="left"))
    status = (pl.when(pl.col("check_status") == "rejected").then(pl.lit(REJECTED))
              .when(pl.col("check_status") == "duplicate").then(pl.lit(DUPLICATE))
              .when(pl.col("engine_status").is_not_null()).then(pl.col("engine_status"))
              .otherwise(pl.lit(PERSON)))
    reason = (pl.when(pl.col("check_status") == "rejected").then(pl.col("reason"))
              .when(pl.col("check_status") == "duplicate").then(pl.lit("duplicate"))
              .when(pl.col("engine_status").is_not_null()).then(pl.col("engine_reason"))
              .otherwise(pl.lit("")))
    return (table.with_columns(status=status, reason=reason)
            .select("row", "status", "reason", "person", "name", "company", "mobile", "email", "score", "grade", "mql",
                    "mql_day", "owner", "owner_name", "pool", "stage", "tags", "segments", "flows", "messages_sent",
                    "reminders", "converted", "scores")
            .sort("row"))


def event_outcomes(events: pl.DataFrame, batch: Batch, records: list[PersonInput]) -> pl.DataFrame:
    import polars as pl

    columns = ["row", "status", "reason", "column", "detail", "person", "time", "behaviour", "content", "converted"]
    if not len(events):
        return pl.DataFrame(schema={c: (pl.Int64 if c in ("row", "person") else pl.String) for c in columns})
    mapping = pl.DataFrame({"record": list(range(len(batch.person_of))),
                            "person": [-1 if p is None else int(batch.survivors[p].id) for p in batch.person_of]},
                           schema={"record": pl.Int64, "person": pl.Int64})
    frame = events.join(mapping, on="record", how="left")
    status = pl.when((pl.col("status") == "applied") & (pl.col("person") < 0)).then(pl.lit("lead_rejected")) \
        .otherwise(pl.col("status"))
    return (frame.with_columns(status=status, person=pl.when(pl.col("person") >= 0).then(pl.col("person")),
                               time=pl.col("moment"))
            .select(columns))


def summarise_all(rules: Rules, period: tuple[str, date, int], tables: Tables, check: dict[str, Any],
                  events_info: dict[str, Any] | None) -> dict[str, Any]:
    """``period``: the playbook's name, day 0 and the last day."""
    import polars as pl

    playbook, start, days = period
    people, events = tables.people, tables.events
    persons = people.filter(pl.col("status") == PERSON)
    total = len(persons)
    model = primary_model(rules)
    summary: dict[str, Any] = {
        "playbook": playbook, "start": start.isoformat(), "days": days,
        "end": (start + timedelta(days=days)).isoformat(),
        "leads": _leads(people, check), "events": _events(events, events_info),
        "scores": _scores(rules, persons, model), "thresholds": _thresholds(rules, persons, model),
        "grades": _counts(persons, "grade", total, none="(none)"),
        "mql": _mql(rules, persons), "owners": _owners(persons), "pools": _by(persons, "pool", total),
        "segments": _members(persons, "segments", total), "stages": _counts(persons, "stage", total, none="(none)"),
        "tags": _members(persons, "tags", total)[:30], "flows": _flows(rules, tables.steps),
        "reminders": _reminders(tables.reminders), "attribution": _attribution(rules, tables.credits, persons),
    }
    return summary


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _leads(people: pl.DataFrame, check: dict[str, Any]) -> dict[str, Any]:
    import polars as pl

    counts = {s: int(people.filter(pl.col("status") == s).height) for s in (PERSON, DUPLICATE, MERGED, REJECTED)}
    reasons = people.filter(pl.col("status") == REJECTED).group_by("reason").len().sort("len", descending=True)
    return {"rows": people.height, **counts, "people": counts[PERSON],
            "reasons": {str(r): int(n) for r, n in reasons.iter_rows()},
            "file": check.get("file", {})}


def _events(events: pl.DataFrame, info: dict[str, Any] | None) -> dict[str, Any]:
    import polars as pl

    if info is None:
        return {"rows": 0}
    statuses = {str(s): int(n) for s, n in events.group_by("status").len().iter_rows()}
    reasons = events.filter(pl.col("status") == "rejected").group_by("reason").len().sort("len", descending=True)
    return {"rows": events.height, **{s: statuses.get(s, 0) for s in
                                     ("applied", "rejected", "unmatched", "lead_rejected", "after_period")},
            "reasons": {str(r): int(n) for r, n in reasons.iter_rows()}, "file": info}


def _scores(rules: Rules, persons: pl.DataFrame, model: str | None) -> dict[str, Any]:
    import polars as pl

    if model is None or not persons.height:
        return {"model": model, "histogram": [], "percentiles": {}}
    scores = persons["score"].fill_null(0)
    spec = rules.model(model)
    top = max(int(scores.max() or 0), spec.max_score or 0 if spec else 0, *(s for _, s in spec.thresholds)) \
        if spec else int(scores.max() or 0)
    width = 10 if top <= 150 else 10 * -(-top // 150)
    bins = persons.select(bin=(pl.col("score").fill_null(0) // width) * width).group_by("bin").len()
    counted = {int(b): int(n) for b, n in bins.iter_rows()}
    histogram = [{"from": start, "to": start + width - 1, "people": counted.get(start, 0)}
                 for start in range(0, top + 1, width)]
    return {"model": model, "bin_width": width, "histogram": histogram, "mean": round(float(scores.mean() or 0), 2),
            "max": int(scores.max() or 0),
            "percentiles": {f"p{p}": int(scores.quantile(p / 100, "nearest") or 0) for p in PERCENTILES}}


def _thresholds(rules: Rules, persons: pl.DataFrame, model: str | None) -> list[dict[str, Any]]:
    import polars as pl

    spec = rules.model(model) if model else None
    if spec is None:
        return []
    total = persons.height
    found = []
    for name, score in spec.thresholds:
        reached = persons.filter(pl.col("score").fill_null(0) >= score).height
        near = persons.filter((pl.col("score").fill_null(0) < score) &
                              (pl.col("score").fill_null(0) >= score - 10)).height
        found.append({"name": name, "score": score, "reached": reached, "rate": _rate(reached, total),
                      "within_10_below": near})
    return found


def _counts(persons: pl.DataFrame, column: str, total: int, none: str) -> list[dict[str, Any]]:
    import polars as pl

    grouped = persons.group_by(pl.col(column).fill_null(none)).len().sort(["len", column], descending=[True, False])
    return [{"name": str(name), "people": int(n), "rate": _rate(int(n), total)} for name, n in grouped.iter_rows()]


def _by(persons: pl.DataFrame, column: str, total: int) -> list[dict[str, Any]]:
    return _counts(persons, column, total, none="(none)")


def _owners(persons: pl.DataFrame) -> list[dict[str, Any]]:
    import polars as pl

    grouped = (persons.group_by(pl.col("owner").fill_null(""), pl.col("owner_name").fill_null("")).len()
               .sort(["len", "owner"], descending=[True, False]))
    return [{"owner": owner or None, "name": name or "(none)", "leads": int(n)}
            for owner, name, n in grouped.iter_rows()]


def _members(persons: pl.DataFrame, column: str, total: int) -> list[dict[str, Any]]:
    import polars as pl

    exploded = (persons.select(pl.col(column).fill_null("").str.split("、").alias("name")).explode("name")
                .filter(pl.col("name") != ""))
    grouped = exploded.group_by("name").len().sort(["len", "name"], descending=[True, False])
    return [{"name": str(name), "people": int(n), "rate": _rate(int(n), total)} for name, n in grouped.iter_rows()]


def _mql(rules: Rules, persons: pl.DataFrame) -> dict[str, Any]:
    import polars as pl

    reached = persons.filter(pl.col("mql")).height
    definition = rules.mql
    return {"defined": definition is not None, "people": reached, "rate": _rate(reached, persons.height),
            "min_score": definition.min_score if definition else None,
            "by_day": [{"day": int(d), "people": int(n)} for d, n in
                       persons.filter(pl.col("mql")).group_by("mql_day").len().sort("mql_day").iter_rows()]}


def _flows(rules: Rules, steps: pl.DataFrame) -> list[dict[str, Any]]:
    import polars as pl

    order = {flow.name: ({s.id: i for i, s in enumerate(flow.steps)}, index) for index, flow in enumerate(rules.flows)}
    flows = []
    for (flow,), part in steps.sort("flow").group_by("flow", maintain_order=True):
        entered = part.filter(pl.col("kind") == "entered")
        visits = (part.filter(pl.col("kind") != "entered")
                  .group_by("step", "kind").agg(times=pl.len(), people=pl.col("person").n_unique()))
        by_step: dict[str, dict[str, Any]] = {}
        for step, kind, times, people in visits.sort("step").iter_rows():
            item = by_step.setdefault(str(step), {"step": str(step), "visits": 0, "people": 0, "sent": 0,
                                                  "not_sent": 0})
            if kind == "step":
                item["visits"], item["people"] = int(times), int(people)
            else:
                item[kind] = int(times)
                item["people"] = max(item["people"], int(people))
                item["visits"] = max(item["visits"], item["sent"] + item["not_sent"])
        places = order.get(str(flow), ({}, len(order)))[0]
        flows.append({"flow": str(flow), "entries": entered.height, "people": entered["person"].n_unique(),
                      "steps": sorted(by_step.values(), key=lambda item: places.get(item["step"], len(places)))})
    return sorted(flows, key=lambda item: order.get(item["flow"], ({}, len(order)))[1])


def _reminders(reminders: pl.DataFrame) -> list[dict[str, Any]]:
    import polars as pl

    grouped = reminders.group_by("sla").agg(reminders=pl.len(), people=pl.col("person").n_unique(),
                                            recycled=pl.col("recycled").sum()).sort("sla")
    return [{"sla": str(sla), "reminders": int(n), "people": int(p), "recycled": int(r)}
            for sla, n, p, r in grouped.iter_rows()]


def _attribution(rules: Rules, credits: pl.DataFrame, persons: pl.DataFrame) -> dict[str, Any]:
    import polars as pl

    conversions = persons.select(pl.col("converted").fill_null("").str.split("、").alias("kind")).explode("kind") \
        .filter(pl.col("kind") != "").group_by("kind").len().sort("kind")

    def credit(column: str) -> list[dict[str, Any]]:
        grouped = (credits.filter(pl.col(column) != "").group_by(column).agg(credit=pl.col("share").sum())
                   .sort(["credit", column], descending=[True, False]))
        return [{"name": str(name), "credit": round(float(value), 4)} for name, value in grouped.iter_rows()]

    return {"model": rules.attribution.model, "window_days": rules.attribution.window_days,
            "conversions": {str(k): int(n) for k, n in conversions.iter_rows()},
            "by_source": credit("source"), "by_campaign": credit("campaign")}
