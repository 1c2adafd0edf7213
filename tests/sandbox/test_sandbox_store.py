"""The sandbox's SQLite store: what its query planner is told of the records table."""

from __future__ import annotations

from pathlib import Path

from mktctl.sandbox import crm
from mktctl.sandbox.auth import CallContext
from mktctl.sandbox.store import PLANNER_STATS, Store


def planned(store: Store, statements: list[str], prefix: str) -> str:
    select = next(s for s in statements if s.startswith(prefix))
    return " ".join(row[3] for row in store._db.execute("EXPLAIN QUERY PLAN " + select))


def test_a_lookup_by_mobile_or_email_reads_its_index_however_few_records_there_are(tmp_path: Path) -> None:
    """An import matches its people with IN queries of 100 values: read through the field's index, not by
    walking every record of the object in id order (which grew with the table: 30 ms at 7,000 leads)."""
    store = Store(tmp_path / "sandbox.db")
    corp = store.default_corp()
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    for field, values in (("mobile", ["+8613800000001", "13800000001"]), ("email", ["a@example.com"])):
        info = {"filters": [{"field_name": field, "field_values": values, "operator": "IN"}], "limit": 100,
                "offset": 0, "orders": []}
        ctx = CallContext(store=store, corp=corp, open_user_id=corp.admin_open_user_id, trace_id="t",
                          body={"data": {"dataObjectApiName": "LeadsObj", "search_query_info": info}})
        crm.HANDLERS["/cgi/crm/v2/data/query"](ctx)
        assert f"USING INDEX records_{field}" in planned(store, statements, "SELECT * FROM records")
        statements.clear()
    store.close()


def test_the_planner_statistics_are_written_once_and_kept_across_opens(tmp_path: Path) -> None:
    for _ in range(2):
        store = Store(tmp_path / "sandbox.db")
        rows = store._db.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'records'").fetchall()
        assert sorted((r[0], r[1]) for r in rows) == sorted(PLANNER_STATS)
        store.close()
