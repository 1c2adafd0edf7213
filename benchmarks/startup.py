"""How long `mktctl --help` takes, against `python -c "import typer"` (the goal: at most 1.5×).

Run: python benchmarks/startup.py [--runs 20]. Prints the medians and the ratio, and which heavy modules
`mktctl --help` imported (there should be none: pandas, fastapi, uvicorn, httpx, pydantic).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("pandas", "fastapi", "uvicorn", "starlette", "httpx", "pydantic", "numpy", "openpyxl", "jinja2")


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_imports() -> list[str]:
    probe = ("import sys; from mktctl.cli.main import main; main(['--help']); "
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return eval(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    typer_only = median_seconds([sys.executable, "-c", "import typer"], runs)
    script = Path(sys.executable).with_name("mktctl")  # the console script a user runs
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mktctl"]
    mktctl_help = median_seconds([*command, "--help"], runs)
    print(f"python -c 'import typer': {typer_only * 1000:.0f} ms (median of {runs})")
    print(f"mktctl --help:            {mktctl_help * 1000:.0f} ms (median of {runs})")
    print(f"ratio:                    {mktctl_help / typer_only:.2f}× (goal ≤ 1.5×)")
    print(f"heavy modules imported by --help: {heavy_imports() or 'none'}")


if __name__ == "__main__":
    main()
