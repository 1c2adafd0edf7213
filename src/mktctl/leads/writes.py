"""An import's matching and writing as one pipeline.

``write_pipeline(client, chunks, match, plan, write, finish, journal, batch_size=, workers=, progress=)``
``-> (calls, stopped)``

The rows to attempt come in chunks, in file order. One thread looks a chunk's people up on the tenant
(``match``: ``IN`` queries on the query interface) while the workers write what the chunks before it
planned (``plan`` turns a matched chunk into creates and updates, settling the rows that need no write;
``write`` makes one call). The platform limits every interface apart (100 calls per 20 s each), so the
writes never wait for the matching: the matching runs at most two chunks ahead, on its own interface.

Writes start in file order, a batch at a time: each batch's start lines are journalled and synced
before any of its calls is made, and up to two batches are in flight, so that a call waiting out a retry
does not idle the other workers. ``finish`` records each write's result and says whether the import must
stop (the tenant unreachable, out of quota, ...): then calls not yet made are not made and chunks not yet
matched are not matched; their rows stay ``not_attempted``. A failure of the matching that is a reason to
stop stops the import the same way; any other error is raised.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from mktctl import errors as e
from mktctl.leads.journal import Journal
from mktctl.leads.progress import Progress

if TYPE_CHECKING:
    from mktctl.tenant.client import FxiaokeClient

#: errors after which no further call is made: the rows not attempted wait for the next run
STOPPING = (e.TenantUnreachable, e.QuotaExhausted, e.AuthError, e.PermissionDenied, e.RateLimited, e.Interrupted)
MATCH_AHEAD = 2  # chunks matched before their writes start

Found = TypeVar("Found")


@dataclass
class WriteTask:
    row: int
    key: str
    op: str  # create, update
    fields: dict[str, Any]
    record_id: str = ""
    specify_time: bool = False
    lookup: tuple[str, str, str, str] = ("", "", "", "")  # mobile, email, landline, name: the create's recovery


@dataclass(frozen=True)
class Written:
    task: WriteTask
    outcome: str  # created, updated, failed
    record_id: str
    failure: e.MktctlError | None = None


@dataclass
class _State(Generic[Found]):
    matching: deque[tuple[list[int], Future[Found]]] = field(default_factory=deque)
    ready: deque[WriteTask] = field(default_factory=deque)
    in_flight: int = 0  # writes handed to the workers and not yet finished
    stopped: str | None = None
    calls: int = 0


@dataclass(frozen=True)
class _Crash:
    error: BaseException  # a bug in a write: raised in the pipeline's thread


class _Writers:
    """The worker threads that make the writes: tasks in, each result out on ``events`` as it comes. Plain
    queues, no futures: a task costs two queue operations, and the ones not started can be taken back."""

    def __init__(self, write: Callable[[WriteTask], Written], events: SimpleQueue[Any], count: int) -> None:
        self._tasks: SimpleQueue[WriteTask | None] = SimpleQueue()
        self._threads = [threading.Thread(target=self._work, args=(write, events), name=f"mktctl-import-{n}",
                                          daemon=True) for n in range(max(1, count))]
        for thread in self._threads:
            thread.start()

    def _work(self, write: Callable[[WriteTask], Written], events: SimpleQueue[Any]) -> None:
        while (task := self._tasks.get()) is not None:
            try:
                events.put(write(task))
            except BaseException as error:  # noqa: BLE001 - handed to the pipeline's thread, which raises it
                events.put(_Crash(error))

    def submit(self, task: WriteTask) -> None:
        self._tasks.put(task)

    def take_back(self) -> int:
        """Take back the tasks no worker has started; return how many."""
        taken = 0
        while not self._tasks.empty():
            if self._tasks.get_nowait() is not None:
                taken += 1
        return taken

    def close(self, *, wait: bool) -> None:
        for _ in self._threads:
            self._tasks.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


def write_pipeline(client: FxiaokeClient, chunks: Iterable[list[int]], match: Callable[[list[int]], Found],
                   plan: Callable[[list[int], Found], list[WriteTask]], write: Callable[[WriteTask], Written],
                   finish: Callable[[Written], str | None], journal: Journal, *, batch_size: int, workers: int,
                   progress: Progress) -> tuple[int, str | None]:
    """Match, plan and write every chunk; return the number of write calls and why the import stopped early.
    When the caller is stopped (Ctrl-C, a bug), the client is interrupted and no worker is waited for: a
    call still on the wire is abandoned, as a killed process's would be (the journal is written for it)."""
    from mktctl.tenant.workers import call_pool

    size = max(1, batch_size)
    events: SimpleQueue[Any] = SimpleQueue()  # every finished write (Written) and match (its future)
    todo = iter(chunks)
    state: _State[Found] = _State()
    unsynced = 0
    writers = _Writers(write, events, workers)
    finished_cleanly = False
    try:
        with call_pool(client, 1, "mktctl-match") as matcher:

            def match_ahead() -> None:
                while state.stopped is None and len(state.matching) < MATCH_AHEAD \
                        and (chunk := next(todo, None)) is not None:
                    future = matcher.submit(match, chunk)
                    future.add_done_callback(events.put)
                    state.matching.append((chunk, future))

            def stop(reason: str) -> None:
                state.stopped = reason
                state.in_flight -= writers.take_back()  # not started: their rows stay not_attempted
                for _, matched in state.matching:
                    matched.cancel()
                state.matching.clear()
                state.ready.clear()

            match_ahead()
            while True:
                # plan the chunks matched so far, in order, while less than a batch waits to be written
                while state.stopped is None and len(state.ready) < size and state.matching \
                        and state.matching[0][1].done():
                    chunk, matched = state.matching.popleft()
                    try:
                        found = matched.result()
                    except STOPPING as failure:
                        stop(str(failure))
                        break
                    tasks = plan(chunk, found)
                    progress.advance(len(chunk) - len(tasks))
                    state.ready.extend(tasks)
                    match_ahead()
                # keep up to two batches in flight
                while state.stopped is None and state.ready and state.in_flight <= size:
                    batch = [state.ready.popleft() for _ in range(min(size, len(state.ready)))]
                    for task in batch:
                        journal.started(task.key, task.op, task.row)
                    journal.sync()
                    unsynced = 0  # the sync wrote the results recorded so far too
                    for task in batch:
                        writers.submit(task)
                    state.in_flight += len(batch)
                if not state.in_flight and not state.matching:
                    break
                written = _finished(events)
                for result in written:
                    state.in_flight -= 1
                    state.calls += 1
                    reason = finish(result)
                    if reason is not None and state.stopped is None:
                        stop(reason)
                unsynced += len(written)
                if unsynced >= size:
                    journal.sync()
                    unsynced = 0
                progress.advance(len(written))
        finished_cleanly = True
    finally:
        if not finished_cleanly:  # Ctrl-C or a bug: calls not yet made are not made
            client.interrupt()
            writers.take_back()
        writers.close(wait=finished_cleanly)
        journal.sync()
    return state.calls, state.stopped


def _finished(events: SimpleQueue[Any]) -> list[Written]:
    """Wait for the next event (a write or a match finished), then take every other one already there; return
    the writes among them. A write that crashed is raised here."""
    done = [events.get()]
    while not events.empty():
        done.append(events.get_nowait())
    for event in done:
        if isinstance(event, _Crash):
            raise event.error
    return [event for event in done if isinstance(event, Written)]
