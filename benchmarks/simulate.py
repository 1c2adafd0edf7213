"""Benchmark of ``mktctl simulate``: 200,000 people and 4,000,000 behaviour events over 90 days.

    python benchmarks/simulate.py [--people 200000] [--events 4000000] [--days 90] [--playbook flagship]
                                  [--workers 2] [--work benchmarks/data]

Generates the history with benchmarks/history_data.py into --work (kept, never committed: benchmarks/data/
is ignored), runs the real command in a child process and reports its wall time, CPU time and peak memory:
the largest sum of the resident sets of the command and its worker processes at one time (sampled from
/proc every 50 ms), and the largest max RSS of any one of them (``ru_maxrss``). Also the phases the command
measured (summary.json ``timings``) and the machine's load average before and after (the machine may be
shared), and how fast the host runs a plain Python loop before and after (:func:`host_speed`). Prints a
Markdown row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
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
    load_before = os.getloadavg()
    host_before = host_speed()
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        sampler = TreeMemory(process.pid)
        sampler.start()
        _, stderr = process.communicate()
        wall = time.perf_counter() - started
        sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"simulate failed: {stderr.decode()}")
    load_after = os.getloadavg()
    host_after = host_speed()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers, all waited for
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    cpu = children.ru_utime + children.ru_stime
    print(f"{args.people:,} people, {summary['events']['rows']:,} event rows, {args.days} days, playbook "
          f"{args.playbook}, {args.workers} workers; load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after (1 min); the host: sum(range(10**7)) in {host_before:.0f} ms before, "
          f"{host_after:.0f} ms after (best of five)")
    print("| people | events | wall | CPU (command + workers) | peak memory (all processes) | largest process "
          "| phases (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    phases = ", ".join(f"{k} {v:.1f}" for k, v in summary.get("timings", {}).items())
    print(f"| {summary['leads']['people']:,} | {summary['events']['applied']:,} applied | **{wall:.1f} s** | "
          f"{cpu:.0f} s | **{sampler.peak / 2**20:,.0f} MB** | {children.ru_maxrss / 1024:,.0f} MB | {phases} |")
    return 0


def host_speed() -> float:
    """Milliseconds that ``sum(range(10**7))`` takes here (best of five): this machine is a virtual one on a
    shared host whose speed changes from day to day, and rows measured at different speeds compare only
    through a figure like this."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**7))
        best = min(best, time.perf_counter() - started)
    return best * 1000


class TreeMemory(threading.Thread):
    """The largest sum of the resident sets of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self.pid)))

    def stop(self) -> None:
        self.done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
