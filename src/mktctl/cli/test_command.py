"""``mktctl test``: run the playbook's test people through its rules on a virtual clock (docs/testing.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mktctl.cli import options
from mktctl.cli.context import State, state
from mktctl.cli.options import OutputFormat

if TYPE_CHECKING:
    from mktctl.rules.testing import TestReport

TestOutput = Annotated[OutputFormat, options.output(OutputFormat.table, OutputFormat.json, OutputFormat.junit,
                                                    help="table, json or junit (JUnit XML, for CI).")]


def test(
    ctx: typer.Context,
    directory: options.Directory = None,
    name: Annotated[str | None, typer.Option("--test", help="Run only this test (its name or file name).")] = None,
    output: TestOutput = OutputFormat.table,
    out: Annotated[Path | None, options.out("Write the output to FILE instead of the terminal.")] = None,
    timeline: Annotated[str | None, typer.Option("--timeline", help="Print this test person's timeline, day by "
                                                                    "day.")] = None,
) -> None:
    """Run DIR/tests/*.yaml: test people, their events, and what the playbook's rules should do with them.
    Exit 0 when every expectation holds, 1 when any fails."""
    from mktctl.base.clock import now_iso
    from mktctl.rules.testing import record, run_playbook_tests

    st = state(ctx)
    folder = options.folder(directory)
    report = run_playbook_tests(folder, name)
    try:
        record(folder, report, now_iso())
    except OSError as error:
        st.info(f"[yellow]warning[/yellow]: the results were not kept in .mktctl/: {error.strerror}")
    if timeline is not None:
        _timeline(st, report, timeline)
    text = _render(report, output)
    if out is not None:
        from mktctl.base.files import write_atomic

        write_atomic(out, text)
        st.info(f"wrote {out}")
        st.out.print(_summary(report), markup=False)
    else:
        st.out.print(text, end="", markup=False)
    if not report.passed:
        raise typer.Exit(1)


def _render(report: TestReport, output: OutputFormat) -> str:
    """The report as text, personal data masked and secrets redacted before it is encoded."""
    from mktctl.pii import mask_text
    from mktctl.secrets import REDACTOR, redacted_json

    if output is OutputFormat.json:
        return mask_text(redacted_json(report.as_dict(), ensure_ascii=False, indent=2)) + "\n"
    if output is OutputFormat.junit:
        from mktctl.rules.junit import junit_xml

        return junit_xml(report, lambda text: REDACTOR.redact(mask_text(text)))
    lines = []
    for result in report.results:
        total, failed = len(result.checks), len(result.failures)
        mark = "✓" if result.passed else "✗"
        lines.append(f"{mark} {result.case.name} ({result.case.file}): "
                     + (f"{total} checks passed" if result.passed else f"{failed} of {total} checks failed"))
        for failure in result.failures:
            lines.append(mask_text(failure.message))
            lines.extend(f"    {mask_text(line)}" for line in failure.explanation)
    lines.append(_summary(report))
    return REDACTOR.redact("\n".join(lines) + "\n")


def _summary(report: TestReport) -> str:
    counts = report.counts
    if report.passed:
        return f"{counts['tests']} test(s), {counts['checks']} checks: all passed"
    return (f"{counts['failed_tests']} of {counts['tests']} test(s) failed "
            f"({counts['failed_checks']} of {counts['checks']} checks)")


def _timeline(st: State, report: TestReport, person: str) -> None:
    from mktctl.pii import mask_text
    from mktctl.rules.testing import timelines

    for result, days in timelines(report, person):
        st.out.print(f"{person} in {result.case.name} ({result.case.file}), day 0 = {result.case.start}",
                     markup=False)
        for day in days:
            st.out.print(f"  day {day.day} ({day.date})", markup=False)
            for time, line in day.lines:
                st.out.print(f"    {time}  {mask_text(line)}", markup=False)
