"""The result folder of a migration, and its summary.

``RESULTS/``:

* ``summary.json``: per entity the counts (source, migrated, rejected, duplicate, skipped, failed) and
  reasons; the invariants; unknown columns; unmapped values with counts; tag values the playbook lacks; the
  opt-out check; the score distributions; the points totals; the manual steps. Personal data in it is
  masked;
* one CSV per entity (``people.csv``, ``consent.csv``, ``tags.csv``, ``lifecycle_stages.csv``,
  ``scores.csv``, ``behaviour.csv``, ``members.csv``, ``content.csv``): every source row once, with its
  status, reason and target (the lead, member or content key);
* ``migration.xlsx``: the summary, the inventory of the content, the manual steps, the unmapped values and
  a sheet per entity;
* ``people/``: the lead import's own results (``results.csv``, ``results.xlsx``, ``summary.json``,
  ``journal.jsonl``), as ``mktctl leads import`` writes them;
* on a tenant without mktctl's extension API: ``退订名单.xlsx`` and ``会员导入.xlsx`` for the manual
  imports; ``content/``: the rewritten templates and articles.

A migration that is not a dry run also leaves a copy of the summary in the playbook's ``.mktctl/
migration.json``, which ``mktctl report`` shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.migrate.outcome import EntityReport
from mktctl.migrate.reports import build_reports
from mktctl.migrate.summary import STATE_FILE, build_summary

if TYPE_CHECKING:
    from mktctl.migrate.prepare import Prepared
    from mktctl.migrate.state import Applied, MigrateOptions

SHEET_NAMES = {"people": "人员 people", "consent": "退订 consent", "tags": "标签 tags",
               "lifecycle_stages": "生命周期 stages", "scores": "评分 scores", "behaviour": "行为 behaviour",
               "members": "会员 members", "content": "内容清单 content"}


@dataclass
class MigrationResult:
    out_dir: Path
    summary: dict[str, Any]
    reports: dict[str, EntityReport]
    files: list[Path] = field(default_factory=list)

    @property
    def invariants(self) -> dict[str, bool | None]:
        return dict(self.summary["invariants"])

    @property
    def broken(self) -> list[str]:
        """The invariants that do not hold."""
        return [name for name, holds in self.invariants.items() if holds is False]

    @property
    def stopped(self) -> str | None:
        return self.summary.get("stopped")

    @property
    def failed(self) -> int:
        return sum(r.counts["failed"] for r in self.reports.values())

    @property
    def manual_steps(self) -> list[dict[str, str]]:
        return list(self.summary["manual_steps"])


def finish(ready: Prepared, applied: Applied, options: MigrateOptions, playbook_dir: Path) -> MigrationResult:
    from mktctl.migrate.playbook_edit import add_missing_tags, describe

    reports = build_reports(ready, applied, options.dry_run)
    write = options.write_playbook and not options.dry_run
    changes = add_missing_tags(ready.playbook, ready.translator.describe_missing(), write=write)
    summary = build_summary(ready, applied, options, reports, describe(changes, write))
    result = MigrationResult(out_dir=options.out, summary=summary, reports=reports)
    result.files = write_files(result, ready)
    if not options.dry_run:
        from mktctl.base.files import make_folders, write_atomic
        from mktctl.tenant.settings import state_dir

        state = state_dir(playbook_dir)
        make_folders(state)
        write_atomic(state / STATE_FILE, json.dumps(summary, ensure_ascii=False, indent=2) + "\n", mode=0o644)
    return result


def write_files(result: MigrationResult, ready: Prepared) -> list[Path]:
    from mktctl.leads.private import private_file

    out = result.out_dir
    written = []
    for name, report in result.reports.items():
        written.append(_write_csv(report, out / f"{name}.csv"))
    written.append(_write_workbook(result, out / "migration.xlsx"))
    path = out / "summary.json"
    tmp = private_file(path.with_suffix(".json.tmp"))
    tmp.write_text(json.dumps(result.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    written.append(path)
    del ready
    return written


def _write_csv(report: EntityReport, path: Path) -> Path:
    import codecs

    from mktctl.leads.cells import neutralise_frame
    from mktctl.leads.private import private_file

    frame = neutralise_frame(report.frame, [c for c in report.frame.columns if c != "source_row"])
    tmp = private_file(path.with_suffix(".csv.tmp"))
    with tmp.open("wb") as handle:
        handle.write(codecs.BOM_UTF8)
        handle.write(frame.to_csv(index=False).encode("utf-8"))
    tmp.replace(path)
    return path


def _summary_rows(summary: dict[str, Any]) -> list[list[str]]:
    rows = [["项目 item", "值 value"], ["原系统 system", str(summary["system"])],
            ["导出目录 exports", str(summary["source"])],
            ["试运行 dry run", "是 yes" if summary["dry_run"] else "否 no"]]
    for name, entity in summary["entities"].items():
        counts = entity["counts"]
        rows.append([f"{name}", ", ".join(f"{k} {v}" for k, v in counts.items())])
    for name, holds in summary["invariants"].items():
        rows.append([f"校验 {name}", "OK" if holds else "待人工 pending" if holds is None else "FAILED"])
    for item in summary["unknown_columns"]:
        rows.append(["未知列 unknown column", f"{item['file']}: {item['header']}"])
    return rows


def _write_workbook(result: MigrationResult, path: Path) -> Path:
    import pandas as pd

    from mktctl.leads.private import private_file
    from mktctl.leads.sheetwriter import TextWorkbook

    summary = result.summary
    tmp = private_file(path.with_suffix(".xlsx.tmp"))
    with TextWorkbook(tmp) as book:
        book.add_rows("汇总 Summary", _summary_rows(summary), widths=[50, 90])
        steps = [["对象 entity", "位置 where", "步骤 step"]] + [[s["entity"], s["where"], s["step"]]
                                                           for s in summary["manual_steps"]]
        book.add_rows("人工步骤 Manual steps", steps, widths=[14, 40, 100])
        unmapped = [["表 table", "原值 old value", "次数 count"]]
        for table, values in summary["unmapped_values"].items():
            unmapped += [[table, value, str(count)] for value, count in values.items()]
        for group, values in summary["missing_tag_values"].items():
            unmapped += [["tags (missing from the playbook)", f"{group}:{value}", str(count)]
                         for value, count in values.items()]
        book.add_rows("未映射的值 Unmapped", unmapped, widths=[30, 40, 12])
        for name, report in result.reports.items():
            frame = report.frame.astype("str") if len(report.frame) else pd.DataFrame(
                {c: pd.Series([], dtype="str") for c in report.frame.columns})
            book.add_sheet(SHEET_NAMES[name], list(report.frame.columns), [frame])
    tmp.replace(path)
    return path
