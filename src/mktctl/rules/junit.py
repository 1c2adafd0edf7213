"""A test report as JUnit XML, the format CI systems (GitLab, Jenkins, GitHub Actions reporters) read:
one ``testsuite`` per test file, one ``testcase`` per expectation check, a ``failure`` with the positioned
message and its explanation."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

from mktctl.rules.testing import TestReport


def junit_xml(report: TestReport, clean: Callable[[str], str] = str) -> str:
    """``clean`` is applied to every text (the CLI masks personal data with it)."""

    def attr(text: str) -> str:
        return quoteattr(clean(text))

    counts = report.counts
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name="mktctl test" tests="{counts["checks"]}" failures="{counts["failed_checks"]}">']
    for result in report.results:
        case = result.case
        failed = len(result.failures)
        lines.append(f'  <testsuite name={attr(case.name)} file={attr(case.file)} tests="{len(result.checks)}" '
                     f'failures="{failed}" errors="0" skipped="0">')
        for item in result.checks:
            mark = item.check.mark
            opening = (f'    <testcase classname={attr(case.file)} name={attr(item.check.title)} '
                       f'file={attr(mark.file)} line="{mark.line}"')
            if item.passed:
                lines.append(opening + "/>")
                continue
            body = "\n".join([item.message, *item.explanation])
            lines += [opening + ">", f"      <failure message={attr(item.message)}>{_escape(clean(body))}</failure>",
                      "    </testcase>"]
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"
