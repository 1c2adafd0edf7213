"""``mktctl test``: run a playbook's test files and compare what happens with what they expect.

``load_tests(directory, rules, only=None) -> list[TestCase]`` reads ``DIR/tests/*.yaml`` (every broken file's
problems at once, positioned); ``run_tests(rules, cases, digest="") -> TestReport`` runs each case on its
own clock and checks every expectation against the person's state at its moment. A failure reads
``tests/FILE.yaml:LINE:COL: wang day 3: score want 25, got 20`` and carries its explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl.base.suggest import did_you_mean
from mktctl.errors import MktctlError, PlaybookError
from mktctl.rules.checks import check
from mktctl.rules.clock import Clock
from mktctl.rules.compile import Rules
from mktctl.rules.explain import explain
from mktctl.rules.snapshot import snapshot
from mktctl.rules.testfile import TestCase, read_test_file
from mktctl.rules.testreader import Check
from mktctl.rules.timeline import Day, by_day
from mktctl.rules.world import World, run_people

TESTS_FOLDER = "tests"


@dataclass
class CheckResult:
    check: Check
    passed: bool
    got: str
    explanation: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """``tests/FILE.yaml:LINE:COL: wang day 3: score want 25, got 20``."""
        return f"{self.check.mark}: {self.check.title} want {show(self.check.want, self.check.kind)}, got {self.got}"

    def as_dict(self) -> dict[str, Any]:
        mark = self.check.mark
        return {"person": self.check.person, "check": self.check.kind, "when": self.check.when or "end",
                "passed": self.passed, "want": show(self.check.want, self.check.kind), "got": self.got,
                "file": mark.file, "line": mark.line, "column": mark.column, "message": self.message,
                "explanation": self.explanation}


@dataclass
class TestResult:
    __test__ = False  # not a pytest class

    case: TestCase
    world: World
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]


@dataclass
class TestReport:
    __test__ = False  # not a pytest class

    results: list[TestResult] = field(default_factory=list)
    digest: str = ""  # the playbook's digest the tests ran against
    rules: Rules | None = None

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def counts(self) -> dict[str, int]:
        checks = [c for r in self.results for c in r.checks]
        return {"tests": len(self.results), "failed_tests": sum(not r.passed for r in self.results),
                "checks": len(checks), "failed_checks": sum(not c.passed for c in checks)}

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "digest": self.digest, **self.counts,
                "tests": [{"name": r.case.name, "file": r.case.file, "passed": r.passed,
                           "start": r.case.start.isoformat(), "checks": [c.as_dict() for c in r.checks]}
                          for r in self.results]}


def find_test_files(directory: Path) -> list[Path]:
    folder = directory / TESTS_FOLDER
    return sorted(p for p in folder.glob("*.y*ml") if p.is_file()) if folder.is_dir() else []


def load_tests(directory: Path, rules: Rules, only: str | None = None) -> list[TestCase]:
    """The test cases of ``DIR/tests/*.yaml`` (only the one named ``only``, by its name or file name)."""
    files = find_test_files(directory)
    if not files:
        raise MktctlError(f"no tests in {directory / TESTS_FOLDER}",
                          hint="write test people and expectations in tests/NAME.yaml (docs/testing.md); "
                               "`mktctl init` writes a starter test")
    cases, problems = [], []
    for path in files:
        try:
            cases.append(read_test_file(path, f"{TESTS_FOLDER}/{path.name}", rules))
        except PlaybookError as error:
            problems.extend(error.problems)
    if problems:
        raise PlaybookError(sorted(problems, key=lambda p: (p.mark.file, p.mark.line, p.mark.column) if p.mark
                                   else ("", 0, 0)))
    if only is not None:
        chosen = [c for c in cases if only in (c.name, Path(c.file).stem, Path(c.file).name)]
        if not chosen:
            names = [c.name for c in cases] + [Path(c.file).stem for c in cases]
            hint = did_you_mean(only, names) or f"tests: {', '.join(c.name for c in cases)}"
            raise MktctlError(f"no test named {only!r}", hint=hint)
        cases = chosen
    return cases


def run_case(rules: Rules, case: TestCase) -> TestResult:
    world = run_people(rules, case.people, clock=Clock(case.start), until=case.until, seed=case.seed,
                       refreshes=case.refreshes)
    result = TestResult(case, world)
    for item in case.checks:
        person = world.people[item.person]
        snap = snapshot(person, item.at if item.at is not None else case.until)
        passed, got = check(item, snap, rules)
        lines = [] if passed else explain(item.kind, person, snap, rules)
        result.checks.append(CheckResult(item, passed, got, lines))
    return result


def run_tests(rules: Rules, cases: Sequence[TestCase], digest: str = "") -> TestReport:
    return TestReport([run_case(rules, case) for case in cases], digest)


def show(value: Any, kind: str) -> str:
    """An expected value as failure messages write it."""
    if kind in ("score", "grade") and isinstance(value, dict):
        if len(value) == 1:
            return show(next(iter(value.values())), "")
        return ", ".join(f"{k} {show(v, '')}" for k, v in value.items())
    if kind in ("received", "not_received", "reminders", "not_reminders"):
        items = [", ".join(f"{k} {v}" for k, v in item.items() if v is not None) for item in value]
        return ("none of " if kind.startswith("not_") else "") + "; ".join(f"{{{i}}}" for i in items)
    if kind in ("tags", "segments"):
        return "、".join(value)
    if kind in ("not_tags", "not_segments"):
        return "none of " + "、".join(value)
    if kind == "attribution":
        return ", ".join(f"{k} {v:g}" for k, v in value.items())
    if kind == "fields":
        return ", ".join(f"{label}={v}" for label, v in value.values())
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_playbook_tests(directory: Path, only: str | None = None) -> TestReport:
    """Load the playbook in ``directory``, compile its rules, and run its tests (only ``only``, if given)."""
    from mktctl.playbook.load import load_playbook
    from mktctl.rules.compile import compile_rules

    playbook, _warnings = load_playbook(directory)
    rules = compile_rules(playbook)
    report = run_tests(rules, load_tests(directory, rules, only), playbook.digest())
    report.rules = rules
    return report


def timelines(report: TestReport, person: str) -> list[tuple[TestResult, list[Day]]]:
    """``person``'s timeline, day by day, in every test that has them."""
    found = [(r, by_day(r.world.people[person], r.world.clock)) for r in report.results if person in r.world.people]
    if not found:
        people = [p for r in report.results for p in r.world.people]
        hint = did_you_mean(person, people) or f"test people: {', '.join(dict.fromkeys(people))}"
        raise MktctlError(f"no test person {person!r}", hint=hint)
    return found


def record(directory: Path, report: TestReport, when: str) -> Path:
    """Keep the outcome for the playbook's digest in ``DIR/.mktctl/test-results.json`` (for the checklist and
    the delivery report): when, digest, counts, and each test's name, file, result, number of checks and
    failures (message and explanation, phone numbers and e-mails masked)."""
    from mktctl.base.files import make_folders, write_atomic
    from mktctl.pii import mask_text
    from mktctl.secrets import redacted_json

    target = directory / ".mktctl" / "test-results.json"
    summary = {"when": when, "digest": report.digest, "passed": report.passed, **report.counts,
               "tests": [{"name": r.case.name, "file": r.case.file, "passed": r.passed, "checks": len(r.checks),
                          "failures": [{"message": mask_text(f.message),
                                        "explanation": [mask_text(line) for line in f.explanation]}
                                       for f in r.failures]}
                         for r in report.results]}
    make_folders(target.parent)
    write_atomic(target, redacted_json(summary, ensure_ascii=False, indent=2) + "\n")
    return target
