"""Benchmark of ``leads import`` into the served sandbox (uvicorn on a loopback port, another process).

    python benchmarks/leads_import.py [--rows 100000] [--workers 8] [--runs 3] [--work DIR]
    python benchmarks/leads_import.py --rate-limit 100/4 --rows 3000 --workers 4 --runs 3

Generates a messy CSV of ``--rows`` rows, and for each of ``--runs`` runs serves a fresh sandbox with
``mktctl.sandbox.server.serve`` in a child process and imports the file through the real client (HTTP,
TCP_NODELAY), counting the calls per interface and any throttled answer (14001, 30004, HTTP 429). After
the last run the same import runs again (everything journalled: no write). Prints a Markdown row per run
and the medians, with the CPU time of the client and of the server per lead and the load average.

Without ``--rate-limit`` neither side limits: the figure is rows per second. With ``--rate-limit
CALLS/SECONDS`` the sandbox enforces that limit per interface (as the platform does, 100/20, scaled down)
and the client is given the same limit: the figure is the share of the limit the creates used, over the
whole tenant phase (from the first call after the check to the last answer; the limiter starts with a
whole window's allowance, as the platform does) and after the first window (the steady rate).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import leads_data

REAL_CALLS, REAL_WINDOW_S = 100, 20.0
CREATE, QUERY = "/cgi/crm/v2/data/create", "/cgi/crm/v2/data/query"
THROTTLED = {14001, 30004}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"the sandbox did not listen on {port}")


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Run:
    created: int
    wall_s: float
    tenant_s: float
    rows_per_s: float
    calls: dict[str, int]
    throttled: int
    client_cpu_s: float
    server_cpu_s: float
    load: tuple[float, float]
    create_answers: list[float]


class Calls:
    """The client's ``on_call`` hook: calls per interface, throttled answers, when each create was answered."""

    def __init__(self) -> None:
        self.paths: Counter[str] = Counter()
        self.throttled = 0
        self.create_answers: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, record: object) -> None:
        path, code = record.path, record.error_code  # type: ignore[attr-defined]
        with self._lock:
            self.paths[path] += 1
            self.throttled += code in THROTTLED
            if path == CREATE and code == 0:
                self.create_answers.append(time.monotonic())


def serve(data: Path, port: int, rate_limit: str | None) -> subprocess.Popen[bytes]:
    limit = f"parse_rate_limit({rate_limit!r})" if rate_limit else "None"
    code = ("import sys; from mktctl.sandbox.server import parse_rate_limit, serve; "
            f"serve(sys.argv[1], port=int(sys.argv[2]), rate_limit={limit})")
    return subprocess.Popen([sys.executable, "-c", code, str(data), str(port)])


def one_run(csv_path: Path, work: Path, workers: int, rate_limit: str | None, *, again: bool) -> tuple[Run, str]:
    from mktctl.leads.importer import ImportOptions, import_leads
    from mktctl.sandbox.store import Store
    from mktctl.tenant.client import Credentials
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import RateLimitSetting, TenantSettings

    data, out = work / "served.db", work / "out"
    for stale in (data, work / "served.db-wal", work / "served.db-shm"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    store = Store(data)
    corp = store.default_corp()
    store.close()
    limit = None
    if rate_limit:
        calls, _, seconds = rate_limit.partition("/")
        limit = RateLimitSetting(calls=int(calls), per_seconds=float(seconds))
    port = free_port()
    server_cpu = cpu(resource.RUSAGE_CHILDREN)
    server = serve(data, port, rate_limit)
    note = ""
    try:
        wait_for(port)
        settings = TenantSettings(name="served-sandbox", url=f"http://127.0.0.1:{port}", credentials=Credentials(
            app_id=corp.app_id, app_secret=corp.app_secret, permanent_code=corp.permanent_code,
            open_user_id=corp.admin_open_user_id), rate_limit=limit, timeout_s=60.0)
        calls = Calls()
        with open_tenant(settings, on_call=calls) as tenant:
            load_before = os.getloadavg()[0]
            client_cpu = cpu(resource.RUSAGE_SELF)
            started = time.perf_counter()
            result = import_leads(tenant, csv_path, ImportOptions(workers=workers), out)
            wall = time.perf_counter() - started
            client_cpu = cpu(resource.RUSAGE_SELF) - client_cpu
            load_after = os.getloadavg()[0]
            if again:
                calls_before = sum(calls.paths.values())
                started = time.perf_counter()
                rerun = import_leads(tenant, csv_path, ImportOptions(workers=workers), out)
                note = (f"same command again: {rerun.outcomes['created']:,} created (journal), "
                        f"{sum(calls.paths.values()) - calls_before} call(s), {time.perf_counter() - started:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=60)
    report = result.report
    created = result.outcomes["created"]
    return Run(created=created, wall_s=wall, tenant_s=report.tenant_seconds,
               rows_per_s=created / report.tenant_seconds, calls=dict(calls.paths), throttled=calls.throttled,
               client_cpu_s=client_cpu, server_cpu_s=cpu(resource.RUSAGE_CHILDREN) - server_cpu,
               load=(load_before, load_after), create_answers=calls.create_answers), note


def share_of_limit(run: Run, calls: int, window_s: float) -> tuple[float, float]:
    """The creates' rate over the tenant phase, and after the first window, as shares of the limit."""
    rate = calls / window_s
    whole = run.created / run.tenant_s / rate
    answers = sorted(run.create_answers)
    steady = (len(answers) - calls) / (answers[-1] - answers[0]) / rate if len(answers) > 2 * calls else float("nan")
    return whole, steady


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--rate-limit", default=None, metavar="CALLS/SECONDS",
                        help="the limit per interface the sandbox enforces and the client keeps, e.g. 100/4")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="mktctl-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"leads-{args.rows}.csv"
    if not csv_path.exists():
        leads_data.write_csv(csv_path, args.rows, seed=11)
    limit = None
    if args.rate_limit:
        calls_text, _, seconds_text = args.rate_limit.partition("/")
        limit = (int(calls_text), float(seconds_text))

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load before: {os.getloadavg()}", file=sys.stderr)
    header = ["run", "created", "wall", "tenant phase", "rows/s", "calls", "throttled", "client CPU / lead",
              "server CPU / lead", "load (1 min) before, after"]
    if limit:
        header[5:5] = ["share of the limit (tenant phase)", "share after the first window"]
    print("| " + " | ".join(header) + " |")
    print("| --- " * len(header) + "|")
    runs: list[Run] = []
    shares: list[tuple[float, float]] = []
    note = ""
    for number in range(1, args.runs + 1):
        run, note = one_run(csv_path, work, args.workers, args.rate_limit, again=number == args.runs)
        runs.append(run)
        cells = [str(number), f"{run.created:,}", f"{run.wall_s:.1f} s", f"{run.tenant_s:.1f} s",
                 f"{run.rows_per_s:.0f}",
                 f"{run.calls.get(CREATE, 0):,} create + {run.calls.get(QUERY, 0):,} query", str(run.throttled),
                 f"{run.client_cpu_s / run.created * 1000:.2f} ms", f"{run.server_cpu_s / run.created * 1000:.2f} ms",
                 f"{run.load[0]:.1f}, {run.load[1]:.1f}"]
        if limit:
            whole, steady = share_of_limit(run, *limit)
            shares.append((whole, steady))
            cells[5:5] = [f"{whole:.1%}", f"{steady:.1%}"]
        print("| " + " | ".join(cells) + " |", flush=True)
    print(f"median rows/s: {statistics.median(r.rows_per_s for r in runs):.0f}; throttled answers: "
          f"{sum(r.throttled for r in runs)}")
    if limit:
        print(f"median share of the limit: {statistics.median(s[0] for s in shares):.1%} over the tenant phase, "
              f"{statistics.median(s[1] for s in shares):.1%} after the first window")
    else:
        per_second = REAL_CALLS / REAL_WINDOW_S
        first = runs[0]
        creates, queries = first.calls.get(CREATE, 0), first.calls.get(QUERY, 0)
        print(f"same job at the real limit ({REAL_CALLS} calls / {REAL_WINDOW_S:g} s per interface, creates and "
              f"queries side by side): {max(creates, queries) / per_second / 3600:.1f} h")
    print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
