"""The daily call quota (30002) stops a run cleanly, and the same command completes once the quota resets.

The sandbox's ``quota=N`` fault answers 30002 to every call after the N-th. The run must stop with exit
1, say why and how to continue, and show no traceback; then the sandbox is restarted on the same port over
the same data file without the quota (midnight has passed), and the same command finishes the job with
nothing doubled.
"""

from __future__ import annotations

import json

import pytest

from tests.reliability.support import (
    base_env,
    check_import_exactly_once,
    profile_env,
    read_results,
    record_figures,
    run,
    write_messy_csv,
)
from tests.reliability.test_apply_faults import (
    assert_tenant_has_everything_exactly_once,
    big_playbook,
    environment,
)

pytestmark = [pytest.mark.e2e, pytest.mark.served, pytest.mark.slow]


def restart_without_quota(start, sandbox):  # type: ignore[no-untyped-def]
    """Midnight: the same tenant (data file and address), its quota reset."""
    data, port = sandbox.store.path, sandbox.port
    sandbox.stop()
    return start(data, port=port)


@pytest.mark.parametrize(("quota", "where"), [(40, "planning"), (80, "changes")])
def test_apply_stops_at_the_quota_and_continues_after_it_resets(tmp_path, served_sandbox_factory, quota: int,
                                                                 where: str) -> None:
    sandbox = served_sandbox_factory(faults=f"quota={quota},latency=1ms,seed=2")
    big_playbook(tmp_path)
    env = {**base_env(tmp_path), **environment(sandbox)}

    stopped = run(["apply", "--yes"], tmp_path, env)

    assert stopped.code == 1, stopped.output
    assert "30002" in stopped.stderr and "again" in stopped.stderr, stopped.stderr
    assert "Traceback" not in stopped.output and "internal error" not in stopped.output
    if where == "changes":
        assert "steps were done and recorded" in stopped.stderr
        assert "run the same command again after 00:00" in stopped.stderr
    refused = sandbox.faults.report()["injected"]["quota"]
    assert refused >= 1

    sandbox = restart_without_quota(served_sandbox_factory, sandbox)
    env = {**base_env(tmp_path), **environment(sandbox)}
    finished = run(["apply", "--yes"], tmp_path, env)
    again = run(["plan", "--detailed-exitcode"], tmp_path, env)

    assert finished.code == 0, finished.output
    assert again.code == 0, again.output
    assert_tenant_has_everything_exactly_once(sandbox)
    record_figures(f"apply stopped by the quota ({where}) and resumed", {
        "quota_calls": quota, "calls_refused_30002": refused, "message": stopped.stderr.strip()[-400:]})


@pytest.mark.parametrize(("quota", "where"), [(4, "matching"), (900, "writes")])
def test_import_stops_at_the_quota_and_continues_after_it_resets(tmp_path, served_sandbox_factory, quota: int,
                                                                  where: str) -> None:
    write_messy_csv(tmp_path / "leads.csv", 2000, seed=5)
    sandbox = served_sandbox_factory(faults=f"quota={quota},seed=3")
    env = {**base_env(tmp_path), **profile_env(sandbox, tmp_path)}
    command = ["--tenant", "served", "leads", "import", "leads.csv", "--out", "out", "--workers", "8"]

    stopped = run(command, tmp_path, env)

    assert stopped.code == 1, stopped.output
    assert "30002" in stopped.stderr and "again" in stopped.stderr, stopped.stderr
    assert "Traceback" not in stopped.output and "internal error" not in stopped.output
    if where == "writes":  # the result files say what was done and what was not
        assert "stopped" in stopped.stderr and "run the same command again to continue" in stopped.stderr
        summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
        assert all(summary["invariants"].values())
        assert summary["import"]["stopped"]
        outcomes = {r["outcome"] for r in read_results(tmp_path / "out") if r["status"] == "accepted"}
        assert "created" in outcomes and outcomes & {"not_attempted", "failed"}, outcomes
    refused = sandbox.faults.report()["injected"]["quota"]

    sandbox = restart_without_quota(served_sandbox_factory, sandbox)
    finished = run(command, tmp_path, env)

    assert finished.code == 0, finished.output
    check = check_import_exactly_once(sandbox, tmp_path / "out")
    assert not check.problems, check.problems[:20]
    assert check.created == check.accepted
    record_figures(f"leads import stopped by the quota ({where}) and resumed", {
        "rows": 2000, "accepted": check.accepted, "quota_calls": quota, "calls_refused_30002": refused,
        "leads_on_tenant": check.leads, "message": stopped.stderr.strip()[-400:]})
