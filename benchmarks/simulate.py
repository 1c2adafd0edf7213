"""Benchmark of ``mktctl simulate``: 200,000 people and 4,000,000 behaviour events over 90 days.

    python benchmarks/simulate.py [--people 200000] [--events 4000000] [--days 90] [--playbook flagship]
                                  [--workers 2] [--work benchmarks/data]

Generates the history with benchmarks/history_data.py into --work (kept, never committed: benchmarks/data/
is ignored), runs the real command in a child process and reports its wall time, CPU time and peak memory
(the largest max RSS of the command and of its worker processes: the command's ``ru_maxrss`` and its
children's), with the phases the command measured (summary.json ``timings``). Prints a Markdown row for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history_data

HERE = Path(__file__).resolve().parent
PLAYBOOKS = HERE.parent / "src" / "mktctl" / "playbooks"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=4_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--playbook", default="flagship")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=HERE / "data")
    args = parser.parse_args(argv)
    data = args.work / f"history-{args.people}-{args.events}"
    if not (data / "events.csv").exists():
        started = time.perf_counter()
        history_data.write_history(data, args.people, args.events, args.days)
        print(f"generated {data} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    out = args.work / f"simulate-{args.people}-{args.events}"
    command = [sys.executable, "-m", "mktctl", "--quiet", "simulate", str(PLAYBOOKS / args.playbook), "--leads",
               str(data / "leads.csv"), "--events", str(data / "events.csv"), "--out", str(out),
               "--workers", str(args.workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"simulate failed: {process.stderr.read().decode() if process.stderr else ''}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers, all waited for
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    peak_mb = max(usage.ru_maxrss, children.ru_maxrss) / 1024
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{args.people:,} people, {summary['events']['rows']:,} event rows, {args.days} days, playbook "
          f"{args.playbook}, {args.workers} workers")
    print("| people | events | wall | CPU (command + workers) | peak memory (one process) | phases (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    phases = ", ".join(f"{k} {v:.1f}" for k, v in summary.get("timings", {}).items())
    print(f"| {summary['leads']['people']:,} | {summary['events']['applied']:,} applied | **{wall:.1f} s** | "
          f"{cpu:.0f} s | **{peak_mb:,.0f} MB** | {phases} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
