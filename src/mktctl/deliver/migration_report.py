"""The delivery report's section on a replacement migration (``mktctl migrate``), read from files only.

A migration that is not a dry run leaves a copy of its summary in the playbook's ``.mktctl/migration.json``;
a ``summary.json`` with ``"kind": "mktctl-migration"`` in a folder given to ``mktctl report --imports`` is
read too (the latest by its ``at`` is shown). The section lists the counts of every entity, whether each
invariant holds, the opt-out check, and what is left to a person; an invariant that does not hold, or an
opted-out address still reachable, is an open issue of the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl.base.language import CLAUSE, COLON, LIST

KIND = "mktctl-migration"
STATE_FILE = "migration.json"
MAX_BYTES = 10 * 1024 * 1024
COUNTS = ("source", "migrated", "rejected", "duplicate", "skipped", "failed")

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("原营销系统迁移", "Migration from the previous marketing system"),
    "system": ("原系统", "Previous system"), "at": ("迁移时间", "Migrated at"),
    "source": ("导出目录", "Exports"), "results": ("结果目录", "Results"),
    "entity": ("数据", "Entity"), "source_count": ("原数据", "source"), "migrated": ("已迁移", "migrated"),
    "rejected": ("拒绝", "rejected"), "duplicate": ("重复", "duplicate"), "skipped": ("跳过", "skipped"),
    "failed": ("失败", "failed"), "checks": ("校验", "Checks"), "ok": ("通过", "holds"),
    "broken": ("不通过", "does not hold"), "pending": ("待人工完成", "pending a manual step"),
    "optouts": ("退订：{facts} 条原系统退订，{records} 条退订记录；{check}",
                "Opt-outs: {facts} in the old system, {records} consent records; {check}"),
    "verified": ("已向租户核实，{checked} 个退订地址均无法触达", "verified on the tenant: none of {checked} "
                                                                    "opted-out addresses is reachable"),
    "reachable": ("{count} 个退订地址仍可触达！", "{count} opted-out addresses are still reachable!"),
    "unverified": ("未核实：{note}", "not verified: {note}"),
    "unmapped": ("未映射的值：{values}", "Unmapped values: {values}"),
    "manual": ("人工步骤（{count}）：{steps}", "Manual steps ({count}): {steps}"),
    "unknown": ("未知列：{columns}", "Unknown columns: {columns}"),
    "issue.invariant": ("迁移校验不通过：{name}", "migration check does not hold: {name}"),
    "issue.reachable": ("迁移后仍有 {count} 个退订地址可触达（PIPL）", "after the migration {count} opted-out "
                                                                       "addresses are still reachable (PIPL)"),
    "issue.manual": ("迁移留有 {count} 个人工步骤（见 migration.xlsx）", "the migration left {count} manual steps "
                                                                        "(see migration.xlsx)"),
}


@dataclass
class MigrationSection:
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    checks: list[tuple[str, str, str]] = field(default_factory=list)  # (invariant, label, status class)
    notes: list[str] = field(default_factory=list)
    issues: list[tuple[str, str]] = field(default_factory=list)  # (severity, text) for the report's issues


def is_migration_summary(path: Path) -> bool:
    """Whether ``path`` holds a migration's summary (read as little as needed)."""
    data = _load(path)
    return data is not None and data.get("kind") == KIND


def _load(path: Path) -> dict[str, Any] | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def find(state: Path, roots: list[Path]) -> dict[str, Any] | None:
    """The latest migration summary: ``state/migration.json``, or a migration ``summary.json`` in ``roots``."""
    candidates = [state / STATE_FILE]
    for root in roots:
        if root.is_file():
            candidates.append(root)
        elif root.is_dir():
            candidates.extend(sorted(root.rglob("summary.json")))
    found = [d for d in (_load(p) for p in candidates) if d is not None and d.get("kind") == KIND]
    found = [d for d in found if not d.get("dry_run")]
    return max(found, key=lambda d: str(d.get("at", ""))) if found else None


def section(summary: dict[str, Any], lang: str) -> MigrationSection:
    zh = lang == "zh-CN"

    def t(key: str, **values: Any) -> str:
        return _TEXT[key][0 if zh else 1].format(**values)

    colon, items, clauses = COLON.say(lang), LIST.say(lang), CLAUSE.say(lang)
    result = MigrationSection(title=f"{t('title')}{colon}{summary.get('system', '')}")
    result.facts = [(t("system"), str(summary.get("system", ""))), (t("at"), str(summary.get("at", ""))),
                    (t("source"), str(summary.get("source", ""))), (t("results"), str(summary.get("results", "")))]
    result.columns = [t("entity"), t("source_count"), *(t(k) for k in COUNTS[1:])]
    for name, entity in (summary.get("entities") or {}).items():
        counts = entity.get("counts") or {} if isinstance(entity, dict) else {}
        result.rows.append([str(name), *(str(counts.get(k, 0)) for k in COUNTS)])
    for name, holds in (summary.get("invariants") or {}).items():
        state = "ok" if holds is True else "broken" if holds is False else "pending"
        result.checks.append((str(name), t(state), state))
        if holds is False:
            result.issues.append(("error", t("issue.invariant", name=name)))
    consent = summary.get("consent") or {}
    check = consent.get("check")
    if check:
        if not check.get("verified"):
            said = t("unverified", note=check.get("note", ""))
        elif check.get("reachable_count"):
            said = t("reachable", count=check["reachable_count"])
            result.issues.append(("error", t("issue.reachable", count=check["reachable_count"])))
        else:
            said = t("verified", checked=check.get("addresses_checked", 0))
        result.notes.append(t("optouts", facts=consent.get("facts", 0), records=consent.get("records", 0), check=said))
    unmapped = summary.get("unmapped_values") or {}
    if unmapped:
        shown = clauses.join(f"{table}{colon}" + items.join(f"{v} ×{n}" for v, n in list(values.items())[:6])
                             for table, values in unmapped.items())
        result.notes.append(t("unmapped", values=shown))
    unknown = summary.get("unknown_columns") or []
    if unknown:
        result.notes.append(t("unknown", columns=items.join(f"{u['file']}{colon}{u['header']}" for u in unknown[:10])))
    steps = summary.get("manual_steps") or []
    if steps:
        result.notes.append(t("manual", count=len(steps), steps=clauses.join(s.get("step", "") for s in steps[:5])))
        result.issues.append(("warning", t("issue.manual", count=len(steps))))
    return result
