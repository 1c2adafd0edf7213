"""Benchmark of ``leads import`` into the served sandbox (uvicorn on a loopback port, another process).

    python benchmarks/leads_import.py [--rows 100000] [--workers 8] [--work DIR]

Generates a messy CSV of ``--rows`` rows, serves a fresh sandbox with ``mktctl.sandbox.server.serve``
in a child process, imports the file through the real client (HTTP, TCP_NODELAY, no client rate limit),
counts the calls per interface, then runs the same import again (everything journalled: no write).
Reports rows per second and what the same job would take under the real platform's limit of 100 calls
per 20 seconds per interface (creates and queries are different interfaces, so they are limited apart;
the estimate runs them one after the other, as the importer does).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import leads_data

REAL_CALLS, REAL_WINDOW_S = 100, 20.0


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)

    from mktctl.leads.importer import ImportOptions, import_leads
    from mktctl.sandbox.store import Store
    from mktctl.tenant.client import Credentials
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import TenantSettings

    work = args.work or Path(tempfile.mkdtemp(prefix="mktctl-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"leads-{args.rows}.csv"
    if not csv_path.exists():
        leads_data.write_csv(csv_path, args.rows, seed=11)
    data = work / "served.db"
    data.unlink(missing_ok=True)
    store = Store(data)
    corp = store.default_corp()
    store.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "import sys; from mktctl.sandbox.server import serve; "
                               "serve(sys.argv[1], port=int(sys.argv[2]))", str(data), str(port)])
    try:
        wait_for(port)
        settings = TenantSettings(name="served-sandbox", url=f"http://127.0.0.1:{port}", credentials=Credentials(
            app_id=corp.app_id, app_secret=corp.app_secret, permanent_code=corp.permanent_code,
            open_user_id=corp.admin_open_user_id), timeout_s=60.0)
        calls: Counter[str] = Counter()
        with open_tenant(settings, on_call=lambda record: calls.update([record.path])) as tenant:
            started = time.perf_counter()
            result = import_leads(tenant, csv_path, ImportOptions(workers=args.workers), work / "out")
            first = time.perf_counter() - started
            first_calls = dict(calls)
            calls.clear()
            started = time.perf_counter()
            again = import_leads(tenant, csv_path, ImportOptions(workers=args.workers), work / "out")
            second = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    info = result.report
    creates = first_calls.get("/cgi/crm/v2/data/create", 0)
    queries = first_calls.get("/cgi/crm/v2/data/query", 0)
    per_second = REAL_CALLS / REAL_WINDOW_S
    real_s = creates / per_second + queries / per_second
    print(f"rows in the file: {result.summary.counts['input']:,}; accepted {result.outcomes}", file=sys.stderr)
    print(f"calls: {first_calls}", file=sys.stderr)
    print("| import | rows | workers | wall (whole command) | tenant phase | rows/s | calls | "
          "same job at 100 calls/20 s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| served sandbox, first run | {result.outcomes['created']:,} created | {args.workers} | {first:.0f} s | "
          f"{info.tenant_seconds:.0f} s | {info.rows_per_second:.0f} | {creates:,} create + {queries:,} query | "
          f"{real_s / 3600:.1f} h ({creates / per_second / 3600:.1f} h of creates) |")
    print(f"| same command again (journal) | {again.outcomes['created']:,} created, 0 written | {args.workers} | "
          f"{second:.0f} s | | | {sum(calls.values())} | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
