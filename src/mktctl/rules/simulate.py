"""``mktctl simulate``: the playbook's rules over a client's history (docs/simulate.md).

``simulate(directory, leads, events, work_dir, options, progress) -> Simulation``:

1. the leads go through ``leads check`` (:func:`mktctl.leads.check.run_check` with the playbook's cleaning
   rules): read, normalised, rejected and deduplicated, every row with its status;
2. the events are read and checked row by row (:mod:`mktctl.rules.history`; in a thread, while the leads
   are checked, cleaned by the playbook's rules and their identities resolved) and joined to the accepted
   leads by mobile, else e-mail (a duplicate row's keys lead to the row it duplicates);
3. the clock starts at 00:00 of the earliest day of the history (a lead's 创建时间 or an event; a lead
   without one is created on that day at 09:00) and runs to the end of day ``days`` (default: the last day of
   the history);
4. the accepted leads and their events run through the engine (:func:`mktctl.rules.batch.run_batch`), in
   worker processes, and each person's final state is kept (:func:`summarise`);
5. the per-person table, the per-event table and the summary are put together with polars
   (:mod:`mktctl.rules.outcomes`).

The core reads the files it is given and writes only in ``work_dir``; the result files are written by
:mod:`mktctl.deliver.simulation`.
"""

from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.collector import collector_paused
from mktctl.errors import DataFileError
from mktctl.rules.batch import History, Progress, event_schema, run_batch
from mktctl.rules.cleaning import Cleaned
from mktctl.rules.clock import DAY, DEFAULT_TIME, Clock, end_of_day, parse_time
from mktctl.rules.identity import Survivor
from mktctl.rules.model import (
    ATTRIBUTION,
    BEHAVIOUR,
    CONVERTED,
    FIELD,
    FLOW_ENTERED,
    FLOW_STEP,
    GRADE,
    MESSAGE,
    MQL,
    OWNER,
    POOL,
    REMINDER,
    SCORE,
    SEGMENT_JOINED,
    SEGMENT_LEFT,
    STAGE,
    TAG_ADDED,
    TAG_REMOVED,
    PersonInput,
    PersonResult,
)

if TYPE_CHECKING:
    import polars as pl

    from mktctl.leads.check import CheckOptions

TEXTS = ("behaviour", "content", "channel", "source", "campaign", "event_type", "converted")
END = 10**12  # later than any moment: a snapshot at it is the state at the end
UNREAD = frozenset({BEHAVIOUR, FIELD})  # the kinds of change summarise does not read: not kept at all


@dataclass(frozen=True)
class SimulateOptions:
    days: int | None = None  # run to the end of this day (day 0: the first day of the history)
    start: date | None = None  # day 0 (default: the earliest day of the history)
    seed: int = 0  # for 随机分配
    processes: int = 2  # worker processes (0: this process)
    chunk_size: int = 2000  # people per chunk of work
    check: CheckOptions | None = None  # how the lead file is read (sheet, mapping ...)


@dataclass
class Simulation:
    playbook: str
    language: str  # the playbook's, for the report
    start: date
    days: int
    people: pl.DataFrame  # one row per lead row
    events: pl.DataFrame  # one row per event row
    steps: pl.DataFrame  # flow, step, kind (entered, step, sent, not_sent), person
    credits: pl.DataFrame  # conversion, source, campaign, share, person
    reminders: pl.DataFrame  # sla, recycled, person
    summary: dict[str, Any] = field(default_factory=dict)


def simulate(directory: Path, leads: Path, events: Path | None, work_dir: Path, options: SimulateOptions,
             progress: Progress | None = None) -> Simulation:
    # the collector is paused over the whole run (it collects once, after the leads are cleaned: see there) and
    # resumes only once the records, people and results are freed: resuming it while they are alive (after the
    # engine, after the summary) made it walk millions of objects, about half a second each time
    # (mktctl.base.collector)
    with collector_paused():
        return _simulate(directory, leads, events, work_dir, options, progress)


def _simulate(directory: Path, leads: Path, events: Path | None, work_dir: Path, options: SimulateOptions,
              progress: Progress | None) -> Simulation:
    import polars as pl

    from mktctl.kinds.imports import cleaning_rules
    from mktctl.leads.check import CheckOptions, run_check
    from mktctl.leads.progress import NoProgress
    from mktctl.playbook.load import load_playbook
    from mktctl.rules.cleaning import clean_columns
    from mktctl.rules.compile import compile_rules
    from mktctl.rules.history import read_events
    from mktctl.rules.identity import resolve
    from mktctl.rules.outcomes import event_outcomes, people_outcomes, summarise_all

    progress = progress or NoProgress()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    playbook, _warnings = load_playbook(directory)
    rules = compile_rules(playbook)
    with ThreadPoolExecutor(1, thread_name_prefix="mktctl-events") as reader:
        # the events are read while the leads are checked (both are mostly polars, which leaves the GIL):
        # a problem with the lead file is still the one reported first
        reading = reader.submit(read_events, events) if events is not None else None
        check = run_check(leads, options.check or CheckOptions(), work_dir, progress, rules=cleaning_rules(playbook))
        timings["leads"] = time.perf_counter() - started
        mark = time.perf_counter()
        progress.phase("events", None)
        # the accepted leads are cleaned by the playbook's rules while the events are still being read (cleaning
        # reads no moment: the records get theirs once the clock's first day is known)
        accepted = pl.read_parquet(check.spill.accepted_file).sort("source_row")
        cleaned = clean_columns(rules.cleaning, rules.names, accepted.select(_field_keys(accepted)))
        # the check's and the cleaning's pandas frames end in reference cycles, which only the collector frees:
        # collected now, while few objects are alive (about 0.1 s), they do not hold ~650 MB to the end
        gc.collect()
        timings["leads.clean"] = time.perf_counter() - mark
        # and their identities are resolved, with the leads' first day as day 0: resolving reads the records'
        # moments of creation, and those stand unless the events start on an earlier day (then it is done again)
        early = options.start or _leads_first_day(accepted)
        records, resolved = None, None
        if early is not None:
            mark_resolve = time.perf_counter()
            records = _records(accepted, cleaned, early)
            resolved = resolve(rules.identity, rules.cleaning, records, cleaned)
            timings["leads.resolve"] = time.perf_counter() - mark_resolve
        events_file = reading.result() if reading is not None else None
    statuses = pl.read_parquet(check.spill.status_file)
    timings["events"] = time.perf_counter() - mark

    mark = time.perf_counter()
    event_rows = events_file.rows if events_file is not None else _no_events()
    events_info = events_file.info if events_file is not None else None
    events_file = None  # its rows live on in event_rows
    start = options.start or _first_day(accepted, event_rows)
    clock = Clock(start)
    accepted = accepted.with_columns(created=_minutes(pl.col("create_time"), start))
    event_rows = event_rows.with_columns(at=_minutes(pl.col("moment"), start))
    last = max(accepted["created"].max() or 0, event_rows.filter(pl.col("reason") == "")["at"].max() or 0)
    days = options.days if options.days is not None else int(last) // DAY
    until = end_of_day(days)
    if records is None or start != early:
        records, resolved = _records(accepted, cleaned, start), None  # (resolved by the engine)
    event_rows = _join(event_rows, statuses, accepted, until)
    timings["join"] = time.perf_counter() - mark

    mark = time.perf_counter()
    batch = run_batch(rules, History(records, _event_table(event_rows)), clock=clock, until=until, seed=options.seed,
                      processes=options.processes, chunk_size=options.chunk_size, keep=summarise, progress=progress,
                      work_dir=work_dir, detailed=False, leave_out=UNREAD, end_only=True, cleaned=cleaned,
                      resolved=resolved)
    timings["engine"] = time.perf_counter() - mark
    timings.update({f"engine.{name}": seconds for name, seconds in batch.timings.items()})

    mark = time.perf_counter()
    progress.phase("summary", None)
    people, steps, credits, reminders = people_outcomes(rules, statuses, accepted, batch)
    events_table = event_outcomes(event_rows, batch, records)
    simulation = Simulation(playbook.name or directory.name, playbook.language, start, days, people,
                            events_table, steps, credits, reminders)
    simulation.summary = summarise_all(rules, (simulation.playbook, start, days), simulation,
                                       check.summary.as_json(), events_info)
    timings["summary"] = time.perf_counter() - mark
    simulation.summary["timings"] = {k: round(v, 3) for k, v in timings.items()}
    return simulation


def summarise(result: PersonResult, survivor: Survivor) -> tuple[Any, ...]:
    """What simulate keeps of a person (in the worker that ran them): the state at the end (what
    ``snapshot(result, END)`` replays, in the same pass), and the flow steps, sends, reminders and
    attribution credits on the way."""
    scores: dict[str, int] = {}
    grades: dict[str, str | None] = {}
    mql_at = owner = pool = stage = None
    tags: set[str] = set()
    segments: set[str] = set()
    sent = 0
    conversions: dict[str, None] = {}
    entries: dict[str, int] = {}
    steps: list[tuple[str, str, str]] = []
    credits: list[tuple[str, str, str, float]] = []
    reminders: list[tuple[str, bool]] = []
    for change in result.timeline:
        kind = change.kind
        if kind in (BEHAVIOUR, FIELD):
            continue  # the most common, and nothing the summary reads
        if kind == SCORE:
            scores[change.subject] = change.value
        elif kind == GRADE:
            grades[change.subject] = change.value
        elif kind == TAG_ADDED:
            tags.add(change.subject)
        elif kind == TAG_REMOVED:
            tags.discard(change.subject)
        elif kind == SEGMENT_JOINED:
            segments.add(change.subject)
        elif kind == SEGMENT_LEFT:
            segments.discard(change.subject)
        elif kind == STAGE:
            stage = change.value
        elif kind == OWNER:
            owner = change.value
        elif kind == POOL:
            pool = change.value
        elif kind == MQL:
            mql_at = change.at
        elif kind == FLOW_ENTERED:
            entries[change.subject] = entries.get(change.subject, 0) + 1
            steps.append((change.subject, "", "entered"))
        elif kind == FLOW_STEP:
            steps.append((change.subject, str(change.value), "step"))
        elif kind == MESSAGE:
            sent += change.value.sent
            steps.append((change.value.flow, change.value.step, "sent" if change.value.sent else "not_sent"))
        elif kind == REMINDER:
            reminders.append((change.value.sla, change.value.recycled_to is not None))
        elif kind == ATTRIBUTION:
            credits.extend((change.subject, c["source"], c["campaign"], float(c["share"])) for c in change.value)
        elif kind == CONVERTED:
            conversions[change.subject] = None
    facts = (scores, grades, mql_at, owner, pool, stage, "、".join(sorted(tags)), "、".join(sorted(segments)),
             "、".join(sorted(entries)), sent, len(reminders), "、".join(conversions))
    return facts, steps, credits, reminders


def _no_events() -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame({"row": pl.Series([], dtype=pl.Int64), "moment": pl.Series([], dtype=pl.String),
                         "reason": pl.Series([], dtype=pl.String)})


def _first_day(accepted: pl.DataFrame, events: pl.DataFrame) -> date:
    import polars as pl

    moment = events.filter((pl.col("reason") == "") & (pl.col("moment") != ""))["moment"].min() if len(events) \
        else None
    days = [day for day in (_leads_first_day(accepted), _day(moment)) if day is not None]
    if not days:
        raise DataFileError("neither the leads (创建时间) nor the events have a date to start the clock from",
                            hint="give the first day with --start YYYY-MM-DD")
    return min(days)


def _minutes(text: pl.Expr, start: date) -> pl.Expr:
    """``YYYY-MM-DD HH:MM:SS`` (Shanghai) → minutes since 00:00 of ``start``; empty → 09:00 of day 0."""
    import polars as pl

    moment = text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
    since = (moment - pl.lit(datetime(start.year, start.month, start.day))).dt.total_minutes()
    return since.fill_null(parse_time(DEFAULT_TIME)).cast(pl.Int64)


def _leads_first_day(accepted: pl.DataFrame) -> date | None:
    import polars as pl

    return _day(accepted.filter(pl.col("create_time") != "")["create_time"].min())


def _day(moment: object) -> date | None:
    """The day of a ``YYYY-MM-DD HH:MM:SS`` text (None when there is none)."""
    return datetime.strptime(str(moment)[:10], "%Y-%m-%d").date() if moment else None


def _records(accepted: pl.DataFrame, cleaned: list[Cleaned], start: date) -> list[PersonInput]:
    """The accepted leads as the engine's records, created at their 创建时间 with ``start`` as day 0. A record
    carries its fields as cleaned: the engine is given the cleaning, and reads the fields only from it."""
    import polars as pl

    created = accepted.select(_minutes(pl.col("create_time"), start))["create_time"].to_list()
    return [PersonInput(str(row), c.fields, at) for row, c, at in zip(accepted["source_row"].to_list(), cleaned,
                                                                       created, strict=True)]


def _field_keys(accepted: pl.DataFrame) -> list[str]:
    """The columns of the accepted leads that are lead fields (their 创建时间 is the record's moment)."""
    from mktctl.leads.fields import DATA_KEYS

    return [k for k in DATA_KEYS if k != "create_time" and k in accepted.columns]


def _join(events: pl.DataFrame, statuses: pl.DataFrame, accepted: pl.DataFrame, until: int) -> pl.DataFrame:
    """Each checked event's record (its index among the accepted leads), by mobile, else e-mail; and its
    status so far: ``rejected`` (a problem of its own), ``unmatched``, ``lead_rejected``, ``after_period`` or
    ``applied``."""
    import polars as pl

    index = accepted.select(target=pl.col("source_row"), record=pl.int_range(pl.len(), dtype=pl.Int64))
    kept = statuses.filter(pl.col("status") != "rejected").with_columns(
        target=pl.when(pl.col("status") == "duplicate").then(pl.col("duplicate_of")).otherwise(pl.col("source_row")))
    kept = kept.join(index, on="target", how="left")
    rejected = statuses.filter(pl.col("status") == "rejected").with_columns(record=pl.lit(-1, dtype=pl.Int64))

    def keyed(column: str, key: str) -> pl.DataFrame:
        found = pl.concat([kept.select(pl.col(column).alias(key), "record"),
                           rejected.select(pl.col(column).alias(key), "record")])
        return found.filter(pl.col(key) != "").unique(subset=key, keep="first", maintain_order=True)

    if not len(events):
        return events.with_columns(record=pl.lit(None, dtype=pl.Int64), status=pl.lit("", dtype=pl.String))
    joined = (events.join(keyed("mobile_e164", "mobile_e164").rename({"record": "by_mobile"}), on="mobile_e164",
                          how="left")
              .join(keyed("email", "email_key").rename({"record": "by_email"}), on="email_key", how="left"))
    record = pl.coalesce(pl.when(pl.col("by_mobile") >= 0).then(pl.col("by_mobile")),
                         pl.when(pl.col("by_email") >= 0).then(pl.col("by_email")))
    any_lead = pl.col("by_mobile").is_not_null() | pl.col("by_email").is_not_null()
    status = (pl.when(pl.col("reason") != "").then(pl.lit("rejected"))
              .when(record.is_null() & any_lead).then(pl.lit("lead_rejected"))
              .when(record.is_null()).then(pl.lit("unmatched"))
              .when(pl.col("at") > until).then(pl.lit("after_period"))
              .otherwise(pl.lit("applied")))
    return (joined.with_columns(record=record, status=status)
            .drop("by_mobile", "by_email", "mobile_e164", "email_key").sort("row"))


def _event_table(events: pl.DataFrame) -> Any:
    """The applied events as :class:`~mktctl.rules.batch.History` takes them; ``seq`` is their order in
    the file among the record's events. The texts stay categories (dictionary-encoded in Arrow): sorting,
    writing and reading them for the workers moves their codes, not millions of strings."""
    import polars as pl

    if not len(events):
        return event_schema().empty_table()

    def text(name: str) -> pl.Expr:
        return pl.when(pl.col(name) != "").then(pl.col(name)).otherwise(None).alias(name)

    applied = events.filter(pl.col("status") == "applied").sort("row")
    table = applied.select(
        "record", seq=pl.int_range(pl.len(), dtype=pl.Int64).over("record"), at="at",
        behaviour=text("behaviour"), content=text("content"), channel=text("channel"), source=text("source"),
        campaign=text("campaign"), event_type=text("event_type"), follow_up="follow_up",
        converted=text("converted"))
    return table.with_columns(pl.col(TEXTS).cast(pl.Categorical)).to_arrow()
