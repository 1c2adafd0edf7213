"""People run in worker processes for :func:`mktctl.rules.batch.run_batch`: each worker gets the compiled
rules once, keeps the people of its chunks between the two passes (qualify, then run with the
assignments), and builds their events from the events table for each pass (holding the events of all its
people at once would take gigabytes). A chunk whose people were all qualified in columns skips the first pass:
it travels once, with its assignments.

:class:`Workers` sends a chunk the worker keeps between the passes to worker ``c % n`` in both, and any
other chunk to the first worker free, one chunk at a time per worker, and yields the answers as they come.
One at a time is what keeps the pipes from locking: a chunk and an answer are both larger than a pipe's
buffer, and a worker sending an answer while the parent sends it the next chunk would wait for each other
forever. With ``processes=0`` the same :class:`Worker` runs in this process (small populations, tests). The
events table travels as an Arrow IPC file that every worker maps into memory: nothing of it is copied
through the pipes.
"""

from __future__ import annotations

import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.collector import collector_paused
from mktctl.rules.clock import Clock
from mktctl.rules.compile import Rules
from mktctl.rules.identity import Survivor
from mktctl.rules.model import EVENT_FIELDS, PersonResult, events_of
from mktctl.rules.person import Planned, Qualification, qualify_person, run_person
from mktctl.rules.reach import FlowReach, end_only_allowed

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

Keep = Callable[[PersonResult, Survivor], Any]  # what a run keeps of a person (a module-level function)
AHEAD = 1  # chunks in flight per worker: more locks the pipes (the module's doc says why)
COLUMNS = ("at", "seq", "behaviour", "content", "channel", "source", "campaign", "event_type", "follow_up",
           "converted", "origin")


@dataclass(frozen=True)
class Chunk:
    id: int
    survivors: list[Survivor]
    bounds: list[int]  # the survivors' rows in the events table: survivor i has rows bounds[i]..bounds[i+1]
    walk: tuple[int, ...] | None = None  # the survivors the qualifying pass walks (None: all of them)


@dataclass(frozen=True)
class Setup:
    rules: Rules
    events: Path | None  # an Arrow IPC file, sorted by survivor, moment and order
    clock: Clock
    until: int
    refreshes: tuple[tuple[int, str], ...]
    keep: Keep
    detailed: bool = True  # False: causes without their explanations (see run_person)
    leave_out: frozenset[str] = frozenset()  # kinds of change not kept in the timeline (see run_person)
    end_only: bool = False  # tags and segments only at the end, for people no flow can start for (see run_person)


class Worker:
    def __init__(self, setup: Setup, table: Any = None) -> None:
        self.setup = setup
        if table is None and setup.events is not None:
            import pyarrow as pa

            table = pa.ipc.open_file(pa.memory_map(str(setup.events))).read_all()
        self.table = table
        self.kept: dict[int, Chunk] = {}
        # who runs for their end state only (see run_person): judged per person, when the rules allow it; and
        # the others from the moment their flows are over, when the rules allow that too
        allowed = setup.end_only and not setup.refreshes
        self.reach = FlowReach(setup.rules) if allowed and end_only_allowed(setup.rules) else None

    def qualify(self, chunk: Chunk) -> list[Qualification]:
        """The qualifications of the chunk's survivors at ``chunk.walk`` (all when None), in order; the
        chunk is kept for the run."""
        setup = self.setup
        walk = [chunk.survivors[i] for i in chunk.walk] if chunk.walk is not None else chunk.survivors
        found = []
        if walk:
            self._attach(chunk)
            found = [qualify_person(setup.rules, s, clock=setup.clock, until=setup.until) for s in walk]
            self._detach(chunk)  # built again for the run: a worker's memory holds its people, not their events
        self.kept[chunk.id] = chunk
        return found

    def run(self, chunk_id: int, plans: Sequence[Sequence[Planned]], chunk: Chunk | None = None) -> list[Any]:
        """What ``setup.keep`` takes of each result of the chunk's survivors with their ``plans``: the chunk
        kept since the qualifying pass, or ``chunk`` (one that pass had nobody of to walk)."""
        setup = self.setup
        if chunk is None:
            chunk = self.kept.pop(chunk_id)
        self._attach(chunk)
        reach = self.reach
        kept = []
        for survivor, plan in zip(chunk.survivors, plans, strict=True):
            # no flow can start: end-only; else end-only up to the earliest moment one may, and once they are over
            first = reach.earliest_start(survivor) if reach is not None else None
            end_only = reach is not None and first is None
            result = run_person(setup.rules, survivor, clock=setup.clock, until=setup.until, plan=plan,
                                refreshes=setup.refreshes, detailed=setup.detailed, leave_out=setup.leave_out,
                                end_only=end_only, reach=None if end_only else reach, full_from=first)[0]
            kept.append(setup.keep(result, survivor))
        self._detach(chunk)
        return kept

    def _detach(self, chunk: Chunk) -> None:
        if self.table is not None:
            for survivor in chunk.survivors:
                survivor.events = []

    def _attach(self, chunk: Chunk) -> None:
        """The survivors' events, built from their rows of the table."""
        if self.table is None or chunk.bounds[-1] == chunk.bounds[0]:
            return
        start, stop = chunk.bounds[0], chunk.bounds[-1]
        part = self.table.slice(start, stop - start)
        columns = {name: _python_values(part.column(name)) for name in COLUMNS}
        columns["follow_up"] = [bool(value) for value in columns["follow_up"]]
        columns["changes"] = [()] * part.num_rows  # history events change no field
        events = events_of([columns[name] for name in EVENT_FIELDS])
        for index, survivor in enumerate(chunk.survivors):
            survivor.events = events[chunk.bounds[index] - start:chunk.bounds[index + 1] - start]


def _python_values(column: Any) -> list[Any]:
    """The values of an Arrow column as a list. A text column repeats a few values (behaviours, contents,
    sources ...): each distinct one is made a Python string once, and the list refers to it. (A column of
    categories comes encoded so already.)"""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        encoded = column.combine_chunks()
        if len(encoded.dictionary) > len(encoded):  # more categories than values: only those used become strings
            encoded = pc.dictionary_encode(encoded.dictionary_decode())
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        encoded = pc.dictionary_encode(column).combine_chunks()
    else:
        return column.to_pylist()  # type: ignore[no-any-return]
    values = [*encoded.dictionary.to_pylist(), None]
    return [values[i] for i in encoded.indices.fill_null(len(values) - 1).to_numpy().tolist()]


class Workers:
    """``processes`` worker processes (0: this process) over ``setup``."""

    def __init__(self, setup: Setup, processes: int, table: Any = None) -> None:
        self.processes = processes
        self.local = Worker(setup, table) if processes <= 0 else None
        self.pipes: list[Connection] = []
        self.children: list[Any] = []
        if self.local is None:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            for _ in range(processes):
                parent, child = context.Pipe()
                process = context.Process(target=_serve, args=(child, setup), daemon=True)
                process.start()
                child.close()
                self.pipes.append(parent)
                self.children.append(process)

    def qualify(self, chunks: Iterable[Chunk]) -> Iterator[tuple[int, list[Qualification]]]:
        """Each chunk's qualifications; the worker keeps the chunk for the run."""
        yield from self._map((c.id, "qualify", (c,), True) for c in chunks)

    def run(self, plans: Iterable[tuple[int, Sequence[Sequence[Planned]], Chunk | None]]
            ) -> Iterator[tuple[int, list[Any]]]:
        """Each chunk's plans, and the chunk itself when it was not sent for qualifying (else None)."""
        yield from self._map((chunk_id, "run", (chunk_id, chunk_plans, chunk), chunk is None)
                             for chunk_id, chunk_plans, chunk in plans)

    def _map(self, tasks: Iterable[tuple[int, str, tuple[Any, ...], bool]]) -> Iterator[tuple[int, Any]]:
        """Each task (chunk id, method, arguments, and whether the chunk is the one worker's: kept by it between
        the passes) done by a worker; the answers as they come."""
        if self.local is not None:
            for chunk_id, method, args, _ in tasks:
                yield chunk_id, getattr(self.local, method)(*args)
            return
        from multiprocessing.connection import wait

        # a chunk the worker keeps between the passes goes to its worker (chunk c to worker c % n); any other
        # goes to the first worker free, in order, so that a worker slowed down does not hold the end up
        pinned: list[deque[tuple[int, str, tuple[Any, ...]]]] = [deque() for _ in self.pipes]
        free: deque[tuple[int, str, tuple[Any, ...]]] = deque()
        for chunk_id, method, args, kept in tasks:
            (pinned[chunk_id % len(self.pipes)] if kept else free).append((chunk_id, method, args))
        flying: dict[int, deque[int]] = {i: deque() for i in range(len(self.pipes))}
        for index in range(len(self.pipes)):
            self._feed(index, pinned[index], free, flying[index])
        while any(flying.values()):
            for pipe in wait([p for i, p in enumerate(self.pipes) if flying[i]]):
                index = self.pipes.index(pipe)  # type: ignore[arg-type]
                ok, answer = self.pipes[index].recv()
                if not ok:
                    self.close()
                    raise RuntimeError(f"a worker process failed:\n{answer}")
                yield flying[index].popleft(), answer
                self._feed(index, pinned[index], free, flying[index])

    def _feed(self, index: int, pinned: deque[tuple[int, str, tuple[Any, ...]]],
              free: deque[tuple[int, str, tuple[Any, ...]]], flying: deque[int]) -> None:
        while (pinned or free) and len(flying) < AHEAD:
            chunk_id, method, args = (pinned or free).popleft()
            self.pipes[index].send((method, args))
            flying.append(chunk_id)

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(None)
                pipe.close()
            except OSError:
                pass
        for process in self.children:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
        self.pipes, self.children = [], []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(pipe: Connection, setup: Setup) -> None:
    """A worker process: answer (method, args) messages until None."""
    worker = Worker(setup)
    while True:
        try:
            message = pipe.recv()
        except EOFError:
            return
        if message is None:
            return
        method, args = message
        try:
            with collector_paused():  # a chunk's objects are freed by reference counting (mktctl.base.collector)
                answer = (True, getattr(worker, method)(*args))
        except Exception:  # noqa: BLE001 - the parent re-raises it, with this traceback
            answer = (False, traceback.format_exc())
        pipe.send(answer)
