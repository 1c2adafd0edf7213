"""The engine over a large population: the passes of :func:`mktctl.rules.world.run_people`, with the
people's events as columns and the per-person passes in worker processes.

``run_batch(rules, history, clock=, until=, seed=, refreshes=, processes=, chunk_size=, keep=, progress=,
cleaned=, resolved=)``:

1. **clean** every record at once and **resolve identities** in creation order, in this process, unless
   ``cleaned`` and ``resolved`` bring them done already (the records carry no events: nothing per event is
   built here);
2. the events table (:class:`History`: one row per event, the record it belongs to and its place among
   that record's events) is mapped to the surviving people, sorted by person, moment and the order the
   engine gives events within a minute (the record's place, then the event's), and written where the
   workers read it;
3. **qualify** each person: in columns where the score follows from counting their events
   (:mod:`mktctl.rules.qualify_columns`), the others in chunks (:mod:`mktctl.rules.workers`);
4. **assign** across people in this process, in the one order of :func:`mktctl.rules.world.assign_all`;
5. **run** each person with their assignments in the same workers, which kept them since step 3 (a chunk
   with nobody to walk in step 3 is sent now, with its assignments), and keep what ``keep`` takes of each
   result.

Every step is the one ``run_people`` takes, so the results are the same person by person (a property test
holds them to it); only where the work happens differs.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from mktctl.base.collector import collector_paused
from mktctl.rules.assignment import Assigner
from mktctl.rules.cleaning import Cleaned, clean_people
from mktctl.rules.clock import Clock
from mktctl.rules.compile import Rules
from mktctl.rules.identity import _SEQ, Outcome, Survivor, resolve
from mktctl.rules.model import PersonInput, PersonResult
from mktctl.rules.person import Qualification
from mktctl.rules.qualify_columns import qualify_columns
from mktctl.rules.workers import Chunk, Keep, Setup, Workers
from mktctl.rules.world import assign_all

EVENT_COLUMNS = ("record", "seq", "at", "behaviour", "content", "channel", "source", "campaign", "event_type",
                 "follow_up", "converted")


class Progress(Protocol):
    def phase(self, name: str, total: int | None = None) -> None: ...

    def advance(self, units: int = 1) -> None: ...


class _Quiet:
    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, units: int = 1) -> None:
        pass


@dataclass(frozen=True)
class History:
    """People and their events as the engine takes them in bulk: ``records`` without events, in the order
    written, and ``events`` a table (pyarrow) with :data:`EVENT_COLUMNS`: ``record`` the index of its record,
    ``seq`` its place among the record's events, ``at`` its moment; the rest as in :class:`Event` (no field
    changes: history events are behaviours, follow-ups and conversions), the texts as text or as categories
    (dictionary-encoded)."""

    records: Sequence[PersonInput]
    events: Any


def history_of(people: Sequence[PersonInput]) -> History:
    """``people`` with their events (behaviours, follow-ups, conversions) as a :class:`History`."""
    import pyarrow as pa

    rows: dict[str, list[Any]] = {name: [] for name in EVENT_COLUMNS}
    for index, person in enumerate(people):
        for seq, event in enumerate(person.events):
            if event.changes:
                raise ValueError(f"{person.id}: an event with field changes cannot be part of a history")
            for name, value in zip(EVENT_COLUMNS, (index, seq, event.at, event.behaviour, event.content, event.channel,
                                                   event.source, event.campaign, event.event_type, event.follow_up,
                                                   event.converted), strict=True):
                rows[name].append(value)
    return History([replace(p, events=()) for p in people], pa.table(rows, schema=event_schema()))


def event_schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    return pa.schema([("record", pa.int64()), ("seq", pa.int64()), ("at", pa.int64()), ("behaviour", text),
                      ("content", text), ("channel", text), ("source", text), ("campaign", text),
                      ("event_type", text), ("follow_up", pa.bool_()), ("converted", text)])


def keep_result(result: PersonResult, survivor: Survivor) -> PersonResult:
    """Keep the whole result (small populations; the default)."""
    return result


@dataclass
class Batch:
    survivors: list[Survivor]  # in creation order
    kept: list[Any]  # what ``keep`` took of each survivor's result, in the same order
    outcomes: list[Outcome]  # the records that are not people of their own: rejected or merged
    person_of: list[int | None]  # record index -> its survivor's index (None: rejected)
    assigner: Assigner = field(default_factory=Assigner)
    timings: dict[str, float] = field(default_factory=dict)  # seconds of wall time per pass


def run_batch(rules: Rules, history: History, *, clock: Clock, until: int, seed: int = 0,
              refreshes: Iterable[tuple[int, str]] = (), processes: int = 2, chunk_size: int = 2000,
              keep: Keep = keep_result, progress: Progress | None = None, work_dir: Path | None = None,
              detailed: bool = True, leave_out: frozenset[str] = frozenset(), end_only: bool = False,
              cleaned: Sequence[Cleaned] | None = None,
              resolved: tuple[list[Survivor], list[Outcome]] | None = None) -> Batch:
    """Run ``history`` through ``rules``; ``processes`` worker processes (0: this process). ``cleaned``: the
    records' cleaning, when it is done already (what ``clean_people`` gives for them, in the same order; only
    it is read of their fields then); ``resolved``: their identities too (``resolve`` of these records and that
    cleaning: the records carry no events, so it reads none). ``detailed``, ``leave_out`` and ``end_only``: see
    :func:`mktctl.rules.person.run_person` (for a ``keep`` that reads no cause or detail, no change of those
    kinds, and of tags and segments only their state at the end; with ``end_only`` the people no flow can
    start for run so, where the rules allow it: :mod:`mktctl.rules.reach`)."""
    with collector_paused():  # millions of records, survivors, plans and results (mktctl.base.collector)
        return _run_batch(rules, history, clock, until, seed, tuple(refreshes), processes, chunk_size, keep,
                          progress or _Quiet(), work_dir, detailed, leave_out, end_only, cleaned, resolved)


def _run_batch(rules: Rules, history: History, clock: Clock, until: int, seed: int,
               refreshes: tuple[tuple[int, str], ...], processes: int, chunk_size: int, keep: Keep,
               progress: Progress, work_dir: Path | None, detailed: bool, leave_out: frozenset[str],
               end_only: bool, cleaned: Sequence[Cleaned] | None,
               resolved: tuple[list[Survivor], list[Outcome]] | None) -> Batch:
    records = history.records
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    progress.phase("people", None)
    if cleaned is None:
        cleaned = clean_people(rules.cleaning, rules.names, records)
    elif len(cleaned) != len(records):
        raise ValueError(f"{len(cleaned)} records cleaned for {len(records)} records")
    timings["people.clean"] = time.perf_counter() - mark
    survivors, outcomes = resolve(rules.identity, rules.cleaning, records, cleaned) if resolved is None else resolved
    if len(survivors) + len(outcomes) != len(records):
        raise ValueError(f"{len(survivors)} people and {len(outcomes)} outcomes for {len(records)} records")
    person_of = _people_of(records, survivors)
    timings["people.resolve"] = time.perf_counter() - mark - timings["people.clean"]
    with tempfile.TemporaryDirectory(prefix=".mktctl-batch-", dir=work_dir) as scratch:
        frame, bounds = _sorted_events(history.events, records, person_of, len(survivors))
        table = frame.to_arrow()
        events_file = Path(scratch) / "events.arrow" if processes > 0 else None
        with ThreadPoolExecutor(1, thread_name_prefix="mktctl-events-file") as writer:
            # the workers' file is written (Arrow leaves the GIL) while the people are qualified in columns
            written = writer.submit(_write_events, table, events_file) if events_file is not None else None
            sorted_at = time.perf_counter()
            counted = qualify_columns(rules, survivors, frame, until)
            timings["people.columns"] = time.perf_counter() - sorted_at
            del frame
            if written is not None:
                written.result()
                table = None  # the workers read the file
        chunks = [Chunk(i // chunk_size, survivors[i:i + chunk_size], bounds[i:i + chunk_size + 1],
                        tuple(j for j, q in enumerate(counted[i:i + chunk_size]) if q is None))
                  for i in range(0, len(survivors), chunk_size)]
        setup = Setup(rules, events_file, clock, until, refreshes, keep, detailed, leave_out, end_only)
        timings["people"] = time.perf_counter() - mark
        mark = time.perf_counter()
        with Workers(setup, processes, table) as workers:
            progress.phase("qualify", len(survivors))
            qualified: dict[int, list[Qualification]] = {}
            # a chunk with nobody to walk is qualified already: it goes to its worker once, with its plans
            walked_chunks = {c.id for c in chunks if c.walk}
            for chunk in chunks:
                if chunk.id not in walked_chunks:
                    qualified[chunk.id] = [q for q in counted[chunk.id * chunk_size:(chunk.id + 1) * chunk_size]
                                           if q is not None]
                    progress.advance(len(qualified[chunk.id]))
            for chunk_id, found in workers.qualify(c for c in chunks if c.id in walked_chunks):
                start = chunk_id * chunk_size
                walked = iter(found)
                qualified[chunk_id] = [q if q is not None else next(walked)
                                       for q in counted[start:start + chunk_size]]
                if next(walked, None) is not None:
                    raise RuntimeError(f"chunk {chunk_id}: more qualifications came back than were asked for")
                progress.advance(len(qualified[chunk_id]))
            timings["qualify"] = time.perf_counter() - mark
            mark = time.perf_counter()
            assigner = Assigner(seed)
            plans = assign_all(rules, assigner, survivors, [q for c in chunks for q in qualified[c.id]])
            timings["assign"] = time.perf_counter() - mark
            mark = time.perf_counter()
            progress.phase("run", len(survivors))
            kept: dict[int, list[Any]] = {}
            chunk_plans = ((c.id, [plans.get(s.id, ()) for s in c.survivors], None if c.id in walked_chunks else c)
                           for c in chunks)
            for chunk_id, results in workers.run(chunk_plans):
                kept[chunk_id] = results
                progress.advance(len(results))
            timings["run"] = time.perf_counter() - mark
    return Batch(survivors, [k for c in chunks for k in kept[c.id]], outcomes, person_of, assigner, timings)


def _write_events(table: Any, path: Path) -> None:
    import pyarrow as pa

    # one set of categories per column for the whole file (the file format keeps no other)
    options = pa.ipc.IpcWriteOptions(unify_dictionaries=True)
    with pa.ipc.new_file(str(path), table.schema, options=options) as writer:
        writer.write_table(table)


def _people_of(records: Sequence[PersonInput], survivors: list[Survivor]) -> list[int | None]:
    index: dict[str, int] = {}
    for position, survivor in enumerate(survivors):
        index[survivor.id] = position
        for absorbed in survivor.absorbed:
            index[absorbed.id] = position
    return [index.get(record.id) for record in records]


def _sorted_events(events: Any, records: Sequence[PersonInput], person_of: list[int | None], people: int
                   ) -> tuple[Any, list[int]]:
    """The events of surviving people with their person and origin, sorted as the engine orders them (a
    polars frame); and each person's first row (``bounds[i]``, with ``bounds[people]`` the end)."""
    import numpy as np
    import polars as pl

    frame = pl.from_arrow(events)
    assert isinstance(frame, pl.DataFrame)
    person = pl.Series("person", [-1 if p is None else p for p in person_of], dtype=pl.Int64)
    origin = pl.Series("origin", [record.id for record in records], dtype=pl.String)
    frame = (frame.with_columns(person=person.gather(frame["record"]), origin=origin.gather(frame["record"]),
                                seq=pl.col("record") * _SEQ + pl.col("seq"))
             .filter(pl.col("person") >= 0)
             .sort(["person", "at", "seq"]))
    bounds = np.searchsorted(frame["person"].to_numpy(), np.arange(people + 1), side="left").tolist()
    return frame, bounds
