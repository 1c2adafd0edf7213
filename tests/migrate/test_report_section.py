"""The delivery report shows the migration: counts per entity, the checks, the opt-out verification, and what a
person still has to do; a broken check is an open issue."""

from __future__ import annotations

import json
from pathlib import Path

from tests.migrate.conftest import Migrate


def _report(playbook: Path, imports: list[Path] | None = None, lang: str = "zh-CN") -> object:
    from mktctl.deliver.report import build
    from mktctl.playbook.load import load_playbook

    loaded, warnings = load_playbook(playbook)
    return build(loaded, warnings, lang=lang, generated_at="2024-07-01T09:00:00+08:00", generator="mktctl test",
                 imports=imports)


def test_the_report_has_a_migration_section_after_a_migration(migrate: Migrate, exports: Path,
                                                              playbook: Path) -> None:
    from mktctl.deliver.report import render

    migrate(exports)

    report = _report(playbook)
    markdown = render(report, "markdown")  # type: ignore[arg-type]
    html = render(report, "html")  # type: ignore[arg-type]

    assert "### 原营销系统迁移：HubSpot" in markdown
    assert "| people | 8 | 6 | 1 | 1 | 0 | 0 |" in markdown
    assert "退订：6 条原系统退订，5 条退订记录；已向租户核实，5 个退订地址均无法触达" in markdown
    assert "原营销系统迁移：HubSpot" in html
    issues = [text for _severity, text in report.issues]  # type: ignore[attr-defined]
    assert any("迁移留有" in text for text in issues)


def test_the_migrations_own_summary_is_not_counted_as_a_lead_import(migrate: Migrate, exports: Path,
                                                                    playbook: Path) -> None:
    result = migrate(exports)

    report = _report(playbook, imports=[result.out_dir], lang="en")

    names = [row.name for row in report.imports]  # type: ignore[attr-defined]
    # the lead import of the people (named after their export), not the migration's own summary.json
    assert names == ["hubspot-crm-exports-all-contacts-2024-06-01.csv"]
    assert report.migration is not None  # type: ignore[attr-defined]
    assert report.migration.title == "Migration from the previous marketing system: HubSpot"  # type: ignore


def test_an_invariant_that_does_not_hold_is_an_error_of_the_report(migrate: Migrate, exports: Path,
                                                                   playbook: Path) -> None:
    migrate(exports)
    kept = playbook / ".mktctl" / "migration.json"
    summary = json.loads(kept.read_text(encoding="utf-8"))
    summary["invariants"]["no opted-out person is reachable on a channel they opted out of"] = False
    summary["consent"]["check"]["reachable_count"] = 2
    kept.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")

    report = _report(playbook, lang="en")

    errors = [text for severity, text in report.issues if severity == "error"]  # type: ignore[attr-defined]
    assert "migration check does not hold: no opted-out person is reachable on a channel they opted out of" in errors
    assert "after the migration 2 opted-out addresses are still reachable (PIPL)" in errors


def test_a_dry_run_leaves_nothing_for_the_report(migrate: Migrate, exports: Path, playbook: Path) -> None:
    result = migrate(exports, dry_run=True)

    report = _report(playbook, imports=[result.out_dir])

    assert report.migration is None  # type: ignore[attr-defined]
