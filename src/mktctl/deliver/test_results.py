"""What ``mktctl test`` found for the playbook as it is now, for the checklist and the delivery report.

The test command keeps its outcome in ``DIR/.mktctl/test-results.json`` with the digest of the playbook it
ran against (:func:`mktctl.rules.testing.record`). :func:`read_test_results` reads it back and says whether
it still speaks for the playbook:

* ``passed`` / ``failed``: every test file of ``tests/`` ran against the playbook's current digest;
* ``stale``: the playbook changed since (another digest), or only some of the test files ran (``--test``);
* ``not_run``: there are tests, but no outcome is kept;
* ``no_tests``: the playbook has no ``tests/*.yaml``.

Reading never runs the tests: the checklist and the report show what the consultant ran, and when.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS_FILE = Path(".mktctl") / "test-results.json"
TESTS_FOLDER = "tests"
STATES = ("passed", "failed", "stale", "not_run", "no_tests")


@dataclass(frozen=True)
class Failure:
    message: str  # tests/FILE.yaml:LINE:COL: wang day 3: score want 25, got 20
    explanation: tuple[str, ...] = ()


@dataclass(frozen=True)
class TestRun:
    __test__ = False  # not a pytest class

    name: str
    file: str
    passed: bool
    checks: int
    failures: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class TestResults:
    __test__ = False  # not a pytest class

    state: str  # one of STATES
    when: str = ""
    tests: int = 0
    checks: int = 0
    failed_tests: int = 0
    failed_checks: int = 0
    runs: tuple[TestRun, ...] = ()
    files: tuple[str, ...] = field(default=())  # the playbook's test files now

    @property
    def current(self) -> bool:
        """The outcome is for the playbook as it is now, with all of its tests."""
        return self.state in ("passed", "failed")

    @property
    def failures(self) -> list[Failure]:
        return [f for run in self.runs for f in run.failures]


def test_files(root: Path) -> tuple[str, ...]:
    """``tests/NAME.yaml`` of each test file of the playbook in ``root``, in name order."""
    folder = root / TESTS_FOLDER
    found = sorted(p.name for p in folder.glob("*.y*ml") if p.is_file()) if folder.is_dir() else []
    return tuple(f"{TESTS_FOLDER}/{name}" for name in found)


def read_test_results(root: Path, digest: str) -> TestResults:
    """The kept outcome of ``mktctl test`` for the playbook in ``root`` whose digest is now ``digest``."""
    files = test_files(root)
    if not files:
        return TestResults("no_tests")
    try:
        kept = json.loads((root / RESULTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return TestResults("not_run", files=files)
    if not isinstance(kept, dict):
        return TestResults("not_run", files=files)
    runs = tuple(_run(item) for item in kept.get("tests", []) if isinstance(item, dict))
    complete = {run.file for run in runs} >= set(files)
    state = ("passed" if kept.get("passed") is True else "failed") if kept.get("digest") == digest and complete \
        else "stale"
    return TestResults(state, when=str(kept.get("when", "")), tests=len(runs),
                       checks=_int(kept.get("checks")), failed_tests=_int(kept.get("failed_tests")),
                       failed_checks=_int(kept.get("failed_checks")), runs=runs, files=files)


def _run(item: dict[str, Any]) -> TestRun:
    failures = tuple(Failure(str(f.get("message", "")), tuple(str(line) for line in f.get("explanation", [])))
                     for f in item.get("failures", []) if isinstance(f, dict))
    return TestRun(str(item.get("name", "")), str(item.get("file", "")), item.get("passed") is True,
                   _int(item.get("checks")), failures)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# ---- for the delivery report ------------------------------------------------------------------------------


def report_issues(results: TestResults, t: dict[str, Any]) -> list[tuple[str, str]]:
    """The open issues the outcome raises, as (severity, text) in the report's language ``t``."""
    if results.state == "failed":
        return [("error", t["issue.tests_failed"].format(failed=results.failed_checks, checks=results.checks))]
    if results.state == "stale":
        return [("warning", t["issue.tests_stale"].format(when=results.when))]
    if results.state == "not_run":
        return [("warning", t["issue.tests_not_run"])]
    return []


def check_status(results: TestResults) -> str:
    """The report checklist's status of "the rule tests pass": done, open, or na without tests."""
    return {"passed": "done", "no_tests": "na"}.get(results.state, "open")
