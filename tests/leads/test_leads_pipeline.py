"""Matching and writing overlap (mktctl.leads.writes): the queries of later rows run while earlier rows are
created, and still every row is written once, in file order, with its start line journalled first."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from mktctl import errors as e
from mktctl.leads.importer import ImportOptions, import_leads
from mktctl.leads.journal import Journal
from mktctl.leads.progress import Recorder
from mktctl.leads.writes import MATCH_AHEAD, WriteTask, Written, write_pipeline
from mktctl.tenant.client import CallRecord
from tests.leads.conftest import leads_on, person, read_results, write_csv

QUERY, CREATE = "/cgi/crm/v2/data/query", "/cgi/crm/v2/data/create"


def journal_lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "journal.jsonl").read_text(encoding="utf-8").splitlines()]


def test_the_matching_runs_while_earlier_rows_are_created_and_each_row_is_written_once_in_order(
        tenant: Any, tmp_path: Path) -> None:
    for i in (3, 41, 77):  # people of the first, second and last chunk are on the tenant already
        tenant.client.crm_create("LeadsObj", {"name": f"客户{i}", "mobile": f"+861590{i:07d}"})
    people = [person(i) for i in range(1, 91)]
    path = write_csv(tmp_path / "l.csv", people)
    calls: list[CallRecord] = []
    tenant.client.on_call = calls.append
    progress = Recorder()

    result = import_leads(tenant, path, ImportOptions(batch_size=5, workers=3), tmp_path / "out", progress)

    assert result.outcomes == {"created": 87, "updated": 0, "unchanged": 3, "failed": 0, "not_attempted": 0}
    paths = [c.path for c in calls]
    assert paths.count(QUERY) >= 4, "90 rows in chunks of 25: every chunk has its own lookups"
    last_query = len(paths) - 1 - paths[::-1].index(QUERY)
    assert CREATE in paths[:last_query], "the last chunk was matched after the first rows were created"
    lines = journal_lines(tmp_path / "out")
    started = [line["row"] for line in lines if line["t"] == "start"]
    assert started == sorted(started) and len(started) == 87, "each write started once, in file order"
    done = [line["k"] for line in lines if line["t"] == "done"]
    assert len(done) == len(set(done)) == 90, "every row settled once: 87 created and 3 unchanged"
    leads = leads_on(tenant)
    assert len(leads) == 90 and len({lead["mobile"] for lead in leads}) == 90, "nobody created twice"
    created = {r["record_id"] for r in read_results(tmp_path / "out") if r["outcome"] == "created"}
    assert len(created) == 87
    assert ("import", 90) in progress.phases and progress.units["import"] == 90


class _Client:
    """What the pipeline's worker pools need of a client: a way to stop its calls."""

    def __init__(self) -> None:
        self.interrupted = threading.Event()

    def interrupt(self) -> None:
        self.interrupted.set()


def _pipeline(tmp_path: Path, chunks: list[list[int]], fail_at: dict[int, e.MktctlError] | None = None,
              match_fails: dict[int, e.MktctlError] | None = None) -> tuple[Any, list[int], list[Written]]:
    journal = Journal.open(tmp_path, "tenant", {})
    matched: list[int] = []
    results: list[Written] = []

    def match(chunk: list[int]) -> list[int]:
        matched.append(chunk[0])
        if match_fails and chunk[0] in match_fails:
            raise match_fails[chunk[0]]
        return chunk

    def plan(chunk: list[int], found: list[int]) -> list[WriteTask]:
        return [WriteTask(row, f"k{row}", "create", {}) for row in found]

    def write(task: WriteTask) -> Written:
        failure = (fail_at or {}).get(task.row)
        return Written(task, "failed" if failure else "created", "" if failure else f"id{task.row}", failure)

    def finish(written: Written) -> str | None:
        results.append(written)
        return str(written.failure) if isinstance(written.failure, e.QuotaExhausted) else None

    try:
        outcome = write_pipeline(_Client(), chunks, match, plan, write, finish, journal,  # type: ignore[arg-type]
                                 batch_size=2, workers=2, progress=Recorder())
    finally:
        journal.close()
    return outcome, matched, results


def test_a_stop_while_writing_leaves_the_chunks_not_yet_matched_unmatched(tmp_path: Path) -> None:
    chunks = [list(range(start, start + 4)) for start in range(0, 40, 4)]
    (calls, stopped), matched, results = _pipeline(
        tmp_path, chunks, fail_at={5: e.QuotaExhausted("当日调用次数超过限制", code=30002)})
    assert stopped is not None and "30002" in stopped
    assert len(matched) <= 2 + MATCH_AHEAD, "matching stops with the writes"
    assert calls == len(results) < 40
    started = [line["row"] for line in journal_lines(tmp_path) if line["t"] == "start"]
    assert started == sorted(started) and max(started) < 12, "no batch started after the stop"


def test_a_quota_hit_while_matching_stops_after_the_rows_already_matched(tmp_path: Path) -> None:
    chunks = [[0, 1], [2, 3], [4, 5], [6, 7]]
    (calls, stopped), matched, results = _pipeline(
        tmp_path, chunks, match_fails={4: e.QuotaExhausted("当日调用次数超过限制", code=30002)})
    assert stopped is not None and "30002" in stopped
    written = sorted(w.task.row for w in results)
    started = [line["row"] for line in journal_lines(tmp_path) if line["t"] == "start"]
    assert set(written) <= set(started) <= {0, 1, 2, 3}, \
        "only rows matched before the stop are started; those whose call had not begun were taken back"
    assert written == list(range(len(written))), "what is written is written in file order"
    assert calls == len(results)
    assert 6 not in matched or matched.index(6) > matched.index(4)


def test_an_error_that_is_no_reason_to_stop_is_raised_from_the_matching(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(e.InvalidRequest, match="bad filter"):
        _pipeline(tmp_path, [[0, 1], [2, 3]], match_fails={2: e.InvalidRequest("bad filter", code=32000)})
