"""People: the old system's contacts through the lead pipeline (check, import, every row accounted for).

1. :func:`stage` writes the people table as a lead file the pipeline reads by itself (Chinese headers, the
   name joined from first and last names, dates already read), each person on the same row number as in
   the export, so that ``people/results.csv`` and the export speak of the same rows;
2. :func:`check` runs the lead check on it (no tenant): each row's status (accepted, duplicate, rejected)
   and its normalised mobile and email, which the other entities use to find their person;
3. :func:`import_people` imports it with :func:`mktctl.leads.importer.import_leads` into ``RESULTS/people``
   (resumable: its journal survives a kill). Before that, a person whose old id is already on a lead of the
   tenant (the ``source_id_field``) is recorded in the import's journal as that lead, so that a rerun
   matches them by their old id even when their mobile or email changed or they have neither.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.migrate.exports import EntityTable

if TYPE_CHECKING:
    import pandas as pd

    from mktctl.leads.check import CheckRun
    from mktctl.leads.progress import Progress
    from mktctl.leads.rules import CleaningRules
    from mktctl.tenant.connect import Tenant

STAGED_HEADERS = {"name": "姓名", "company": "公司名称", "mobile": "手机", "tel": "座机", "email": "邮箱",
                  "province": "省份", "city": "城市", "industry": "行业", "job_title": "职位", "source": "线索来源",
                  "create_time": "创建时间", "remark": "备注", "url": "网址"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_LINE_BREAKS = re.compile(r"[\r\n]+")


@dataclass(frozen=True)
class Staged:
    path: Path
    header_row: int
    rows: list[int]


def full_names(table: EntityTable) -> pd.Series:
    """``name``, else last and first name joined: 张 + 三 → 张三; Ada + Lovelace → Ada Lovelace."""
    name = table.column("name")
    first, last = table.column("first_name"), table.column("last_name")
    cjk = (first + last).str.contains(_CJK)
    joined = (last + first).where(cjk, (first + " " + last).str.strip())
    return name.where(name.str.strip() != "", joined)


def stage(table: EntityTable, work_dir: Path, times: pd.Series) -> Staged:
    """Write the staged lead file; ``times`` are the create times already read (``YYYY-MM-DD HH:MM:SS``)."""
    header_row = int(table.source.get("header_row") or 1)
    values = {key: table.column(key) for key in STAGED_HEADERS}
    values["name"] = full_names(table)
    values["create_time"] = times
    path = work_dir / f"{table.path.stem}.csv"  # the export's name: people/summary.json and reports show it
    width = len(STAGED_HEADERS)
    blank = [""] * width
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for _ in range(header_row - 1):
            writer.writerow(blank)
        writer.writerow(list(STAGED_HEADERS.values()))
        line = header_row
        columns = [values[key].tolist() for key in STAGED_HEADERS]
        for index, row in enumerate(table.rows):
            while line + 1 < row:
                writer.writerow(blank)
                line += 1
            writer.writerow([_LINE_BREAKS.sub(" ", str(column[index])) for column in columns])
            line += 1
    return Staged(path=path, header_row=header_row, rows=list(table.rows))


def check(staged: Staged, work_dir: Path, rules: CleaningRules) -> tuple[CheckRun, pd.DataFrame]:
    """The lead check of the staged file, and its status frame (``source_row, status, reason, duplicate_of,
    mobile_e164, email``; one row per person)."""
    import pyarrow.parquet as pq

    from mktctl.leads.arrow import frame_from_arrow
    from mktctl.leads.check import CheckOptions, run_check

    run = run_check(staged.path, CheckOptions(header_row=staged.header_row), work_dir, rules=rules)
    statuses = frame_from_arrow(pq.read_table(str(run.spill.status_file)))
    return run, statuses.sort_values("source_row", kind="stable").reset_index(drop=True)


def leads_by_old_id(tenant: Tenant, field: str, old_ids: list[str]) -> dict[str, str]:
    """old id → the lead holding it, looked up 100 ids at a time."""
    found: dict[str, str] = {}
    unique = sorted({i for i in old_ids if i})
    for start in range(0, len(unique), 100):
        part = unique[start:start + 100]
        for record in tenant.client.crm_iter("LeadsObj", [{"field_name": field, "field_values": part,
                                                           "operator": "IN"}], fields=["_id", field]):
            value = str(record.get(field) or "")
            if value and value not in found:
                found[value] = str(record["_id"])
    return found


def seed_journal(tenant: Tenant, people_dir: Path, run: CheckRun, old_ids: dict[int, str],
                 existing: dict[str, str]) -> int:
    """Record the accepted people whose old id is on a lead as ``unchanged`` with that lead, in the import's
    journal (unless it already has them done). Returns how many were recorded."""
    from mktctl.leads.importer import tenant_identity
    from mktctl.leads.journal import Journal, person_key
    from mktctl.leads.private import private_dir
    from mktctl.leads.spill import read_accepted

    accepted = read_accepted(run.spill)
    wanted = []
    for row in accepted.itertuples(index=False):
        lead = existing.get(old_ids.get(int(row.source_row), ""))
        if lead:
            key = person_key(row.mobile, row.email, tel=row.tel, name=row.name, company=row.company)
            wanted.append((key, lead))
    if not wanted:
        return 0
    private_dir(people_dir)
    journal = Journal.open(people_dir, tenant_identity(tenant), {"seeded_by": "mktctl migrate (old ids)"})
    recorded = 0
    try:
        for key, lead in wanted:
            entry = journal.entries.get(key)
            if entry is None or entry.state != "done":
                journal.done(key, "unchanged", lead)
                recorded += 1
    finally:
        journal.close()
    return recorded


def import_people(tenant: Tenant, staged: Staged, people_dir: Path, *, rules: CleaningRules, workers: int,
                  progress: Progress | None = None) -> Any:
    from mktctl.leads.check import CheckOptions
    from mktctl.leads.importer import ImportOptions, import_leads

    options = ImportOptions(check=CheckOptions(header_row=staged.header_row), workers=workers)
    return import_leads(tenant, staged.path, options, people_dir, progress, rules=rules)


def read_outcomes(people_dir: Path) -> pd.DataFrame:
    """``people/results.csv``: source_row, status, reason, duplicate_of, outcome, record_id, error."""
    import pandas as pd

    from mktctl.leads.cells import restore

    frame = pd.read_csv(people_dir / "results.csv", dtype="str", keep_default_na=False, encoding="utf-8-sig")
    frame["source_row"] = frame["source_row"].astype("int64")
    for name in ("record_id", "error"):
        if name in frame.columns:
            frame[name] = frame[name].map(restore)
    return frame
