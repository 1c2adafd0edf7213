"""Benchmark of ``mktctl leads check``: a 1,000,000-row messy CSV and a 100,000-row messy xlsx.

    python benchmarks/leads_check.py [--rows 1000000] [--xlsx-rows 100000] [--work DIR]

Generates the files (benchmarks/leads_data.py; into --work, default a temporary folder, never into the
repository), times pyarrow reading the CSV alone (every column as text), then runs the real command in a
subprocess and reports its wall time, CPU time and peak memory (the child's max RSS), and the ratio to
pyarrow's read. Prints Markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import leads_data


def pyarrow_read(path: Path) -> float:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with path.open(encoding="utf-8") as handle:
        names = handle.readline().strip().split(",")
    started = time.perf_counter()
    table = pacsv.read_csv(str(path), convert_options=pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names}))
    elapsed = time.perf_counter() - started
    assert table.num_rows > 0
    return elapsed


def run_check(path: Path, out: Path) -> dict[str, float]:
    """The real CLI in a child process: wall seconds, CPU seconds and peak RSS in MB."""
    command = [sys.executable, "-m", "mktctl", "leads", "check", str(path), "--out", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"leads check failed: {process.stderr.read().decode() if process.stderr else ''}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None, help="folder for the generated files (kept)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="mktctl-leads-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = work / f"leads-{args.rows}.csv", work / f"leads-{args.xlsx_rows}.xlsx"
    if not csv_path.exists():
        started = time.perf_counter()
        leads_data.write_csv(csv_path, args.rows)
        print(f"generated {csv_path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if not xlsx_path.exists():
        started = time.perf_counter()
        leads_data.write_xlsx(xlsx_path, args.xlsx_rows)
        print(f"generated {xlsx_path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    reads = [pyarrow_read(csv_path) for _ in range(3)]
    arrow_s = min(reads)
    csv_run = run_check(csv_path, work / "out-csv")
    xlsx_run = run_check(xlsx_path, work / "out-xlsx")
    csv_summary = json.loads((work / "out-csv" / "summary.json").read_text(encoding="utf-8"))
    xlsx_summary = json.loads((work / "out-xlsx" / "summary.json").read_text(encoding="utf-8"))
    size_mb = csv_path.stat().st_size / 1e6
    print("| file | rows | size | `leads check` wall | CPU | peak memory | pyarrow read alone | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| messy CSV | {csv_summary['counts']['input']:,} | {size_mb:.0f} MB | {csv_run['wall_s']:.1f} s | "
          f"{csv_run['cpu_s']:.1f} s | {csv_run['peak_mb']:.0f} MB | {arrow_s:.2f} s | "
          f"{csv_run['wall_s'] / arrow_s:.0f}x |")
    print(f"| messy xlsx | {xlsx_summary['counts']['input']:,} | {xlsx_path.stat().st_size / 1e6:.1f} MB | "
          f"{xlsx_run['wall_s']:.1f} s | {xlsx_run['cpu_s']:.1f} s | {xlsx_run['peak_mb']:.0f} MB | | |")
    for name, summary in (("csv", csv_summary), ("xlsx", xlsx_summary)):
        print(f"{name}: counts {summary['counts']}, timings {summary['timings_s']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
