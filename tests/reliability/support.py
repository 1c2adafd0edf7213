"""What the reliability tests share: a served sandbox as a tenant profile, the messy lead files, the checks
made directly on the tenant's data, and the figures for docs/reliability.md."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("leads_data", ROOT / "benchmarks" / "leads_data.py")
assert _spec is not None and _spec.loader is not None
leads_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(leads_data)


# read once, when the tests are collected: the autouse fixture of tests/conftest.py clears MKTCTL_* variables
# before each test runs
_FIGURES = os.environ.get("MKTCTL_RELIABILITY_FIGURES")


def record_figures(name: str, figures: dict[str, Any]) -> None:
    """Figures for docs/reliability.md, when MKTCTL_RELIABILITY_FIGURES names a file to append to."""
    target = _FIGURES
    if target:
        with Path(target).open("a", encoding="utf-8") as stream:
            stream.write(json.dumps({"test": name, **figures}, ensure_ascii=False) + "\n")


def base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKTCTL_")}
    env.update({"NO_COLOR": "1", "COLUMNS": "160", "PYTHONIOENCODING": "utf-8",
                "XDG_CONFIG_HOME": str(home / ".config")})
    return env


def profile_env(sandbox: Any, folder: Path, *, name: str = "served") -> dict[str, str]:
    """Point ``--tenant served`` of ``folder`` at a served sandbox: a profile in mktctl.tenants.yaml whose
    secrets are references to environment variables (returned), with the client's rate limit lifted (the
    real platform's 100 calls / 20 s per interface would make 10,000 creates last half an hour)."""
    corp = sandbox.corp
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mktctl.tenants.yaml").write_text(
        f"tenants:\n  {name}:\n    url: {sandbox.url}\n    app_id: {corp.app_id}\n"
        "    app_secret: ${env:SERVED_APP_SECRET}\n    permanent_code: ${env:SERVED_PERMANENT_CODE}\n"
        f"    open_user_id: {corp.admin_open_user_id}\n    rate_limit: {{calls: 100000, per_seconds: 1}}\n"
        "    timeout_seconds: 10\n", encoding="utf-8")
    return {"SERVED_APP_SECRET": corp.app_secret, "SERVED_PERMANENT_CODE": corp.permanent_code}


def in_process(*args: str) -> tuple[int, str]:
    """Run mktctl in this process as its console script does (``mktctl.cli.main.main``, where an unexpected
    error becomes exit 3): the exit code and everything printed."""
    import contextlib
    import io

    from mktctl.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def mktctl_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mktctl", *args]


@dataclass
class Done:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> Done:
    started = time.monotonic()
    done = subprocess.run(mktctl_command(*args), cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, check=False)
    return Done(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def write_messy_csv(path: Path, rows: int, seed: int = 11) -> Path:
    leads_data.write_csv(path, rows, seed=seed)
    return path


def read_results(out: Path) -> list[dict[str, str]]:
    with (out / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def leads_on(sandbox: Any) -> list[dict[str, Any]]:
    """Every live lead of the sandbox's corp, read from its database (its API has faults injected)."""
    with sandbox.store.reading() as db:
        rows = db.execute("SELECT id, data FROM records WHERE corp_id = ? AND api_name = 'LeadsObj' "
                          "AND life_status = 'normal'", (sandbox.corp.corp_id,)).fetchall()
    return [{"_id": row["id"], **json.loads(row["data"])} for row in rows]


@dataclass
class ImportCheck:
    rows: int = 0
    accepted: int = 0
    created: int = 0
    leads: int = 0
    problems: list[str] = field(default_factory=list)


def unplain(value: str) -> str:
    """A value of results.csv as it was: without the quote that makes it formula-safe."""
    return value[1:] if value[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r") else value


def check_import_exactly_once(sandbox: Any, out: Path) -> ImportCheck:
    """Every accepted row of ``out`` is on the tenant exactly once: its mobile and its email each belong to
    exactly its own lead, no two accepted rows share a lead, no lead is there that no row made; the result
    files' invariants hold and every duplicate points at its survivor's lead."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    results = read_results(out)
    leads = leads_on(sandbox)
    check = ImportCheck(rows=len(results), leads=len(leads))
    problems = check.problems
    if not all(summary["invariants"].values()):
        problems.append(f"invariants: {summary['invariants']}")
    if len(results) != summary["counts"]["input"] or len({r["source_row"] for r in results}) != len(results):
        problems.append("results.csv does not have exactly one row per input row")
    by_value: dict[str, set[str]] = defaultdict(set)
    for lead in leads:
        for name in ("mobile", "email"):
            if lead.get(name):
                by_value[str(lead[name])].add(lead["_id"])
    accepted = [r for r in results if r["status"] == "accepted"]
    check.accepted = len(accepted)
    check.created = sum(1 for r in accepted if r["outcome"] == "created")
    ids = [r["record_id"] for r in accepted]
    if len(set(ids)) != len(ids) or "" in ids:
        problems.append(f"{len(ids) - len(set(ids))} accepted rows share a lead, {ids.count('')} have none")
    lead_ids = {lead["_id"] for lead in leads}
    for row in accepted:
        for value in (unplain(row["mobile_e164"]), unplain(row["email"])):
            if value and by_value.get(value) != {row["record_id"]}:
                problems.append(f"row {row['source_row']}: {value[:4]}… is on leads {sorted(by_value.get(value, []))}"
                                f", expected only {row['record_id']}")
        if row["record_id"] not in lead_ids:
            problems.append(f"row {row['source_row']}: lead {row['record_id']} is not on the tenant")
    if len(leads) != len(accepted):
        problems.append(f"{len(leads)} leads on the tenant for {len(accepted)} accepted rows")
    survivors = {r["source_row"]: r["record_id"] for r in accepted}
    for row in results:
        if row["status"] == "duplicate" and row["record_id"] != survivors.get(row["duplicate_of"]):
            problems.append(f"duplicate row {row['source_row']} does not carry its survivor's lead")
    return check
