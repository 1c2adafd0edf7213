"""The engine's cost per person: ``run_person`` over people with 20 events over 90 days, on a ready playbook.

    python benchmarks/rules_person.py [--people 500] [--events 20] [--days 90] [--playbook flagship] [--profile]

Runs the passes of ``run_people`` one by one (clean, resolve, qualify, assign, run) over the people of
benchmarks/history_data.py and prints the CPU time of each pass per person (CPU time rather than wall time:
the machine may be shared) and the changes per person; then the two passes as ``mktctl simulate`` runs them
(the batch runner's qualifying pass, which stops once assignment's facts are known, and the run without
the words that explain each change). ``--profile`` adds cProfile's top functions of the run pass.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history_data

from mktctl.playbook.load import load_playbook
from mktctl.rules import Assigner, Clock, assign_all, clean_people, compile_rules, resolve, run_person
from mktctl.rules.clock import end_of_day
from mktctl.rules.person import qualify_person

PLAYBOOKS = Path(__file__).resolve().parent.parent / "src" / "mktctl" / "playbooks"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--playbook", default="flagship")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    playbook, _ = load_playbook(PLAYBOOKS / args.playbook)
    rules = compile_rules(playbook)
    people = history_data.people(args.people, events=args.events, days=args.days)
    clock, until = Clock(history_data.START), end_of_day(args.days)
    clean_people(rules.cleaning, rules.names, people[:1])  # imports pandas and the lead pipeline first

    timings: dict[str, float] = {}
    started = time.process_time()
    cleaned = clean_people(rules.cleaning, rules.names, people)
    timings["clean"] = time.process_time() - started
    started = time.process_time()
    survivors, _ = resolve(rules.identity, rules.cleaning, people, cleaned)
    timings["resolve"] = time.process_time() - started
    started = time.process_time()
    qualified = [run_person(rules, s, clock=clock, until=until, qualify_only=True)[1] for s in survivors]
    timings["qualify"] = time.process_time() - started
    started = time.process_time()
    plans = assign_all(rules, Assigner(0), survivors, qualified)
    timings["assign"] = time.process_time() - started
    profiler = cProfile.Profile() if args.profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    results = [run_person(rules, s, clock=clock, until=until, plan=plans.get(s.id, ()))[0] for s in survivors]
    if profiler:
        profiler.disable()
    timings["run"] = time.process_time() - started
    started = time.process_time()
    for survivor in survivors:
        qualify_person(rules, survivor, clock=clock, until=until)
    timings["qualify (simulate)"] = time.process_time() - started
    started = time.process_time()
    for survivor in survivors:
        run_person(rules, survivor, clock=clock, until=until, plan=plans.get(survivor.id, ()), detailed=False)
    timings["run (simulate)"] = time.process_time() - started

    n = len(people)
    started = time.process_time()
    for _ in range(10):
        sum(range(10**6))
    calibration = (time.process_time() - started) / 10
    changes = sum(len(r.timeline) for r in results) / max(1, len(results))
    print(f"{n} people, {args.events} events each over {args.days} days, playbook {args.playbook}, "
          f"{len(survivors)} survivors, {changes:.0f} changes per person")
    print("| pass | µs per person |")
    print("| --- | ---: |")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds / n * 1e6:,.0f} |")
    print(f"| **qualify + run** | **{(timings['qualify'] + timings['run']) / n * 1e6:,.0f}** |")
    both = timings["qualify (simulate)"] + timings["run (simulate)"]
    print(f"| **qualify + run (simulate)** | **{both / n * 1e6:,.0f}** |")
    print(f"(the machine now: sum(range(10**6)) takes {calibration * 1000:.1f} ms of CPU)")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
