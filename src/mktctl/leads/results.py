"""The result files of a check or an import, in ``--out DIR``.

* ``results.csv`` (UTF-8 with BOM): exactly one row per data row of the input, in file order, with the
  columns ``source_row,status,reason,duplicate_of,mobile_e164,email`` and, for an import, also
  ``outcome,record_id,error``;
* ``results.xlsx``: a summary sheet, the rejected rows with their reasons, the duplicate groups, the
  accepted rows when there are fewer than 100,000, and for an import the failed rows; every cell text;
* ``summary.json``: counts per status, reason and outcome, the invariants, the column mapping, timings.

Every file is created with mode 0600 before it is written, and text cells that a spreadsheet could run as
a formula are neutralised in results.csv (:mod:`mktctl.leads.cells`).

``write_all(summary, spill, out_dir, outcomes=None) -> ResultFiles`` writes the three from what the check
(and the import) returned: the :class:`~mktctl.leads.summary.CheckSummary` and the rows it left in
``spill``; ``outcomes`` (import only) is a frame of ``source_row, outcome, record_id, error`` for the
accepted rows. It returns the files and the summary with the timings of writing them, as summary.json has it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.leads.arrow import frame_from_arrow
from mktctl.leads.cells import neutralise_frame
from mktctl.leads.fields import BY_KEY, DATA_KEYS
from mktctl.leads.private import private_dir, private_file
from mktctl.leads.progress import NoProgress, Progress
from mktctl.leads.spill import Spill, read_accepted
from mktctl.leads.summary import CheckSummary
from mktctl.secrets import redacted_json

if TYPE_CHECKING:
    import pandas as pd

CHECK_COLUMNS = ("source_row", "status", "reason", "duplicate_of", "mobile_e164", "email")
IMPORT_COLUMNS = (*CHECK_COLUMNS, "outcome", "record_id", "error")
ACCEPTED_SHEET_LIMIT = 100_000
REASON_TEXT = {
    "missing_required": "姓名或公司为空 name or company is empty",
    "test_data": "测试数据 test data (测试/test, example.com, 13800138000...)",
    "competitor": "竞品邮箱 competitor's email domain",
    "invalid_contact": "无有效手机、座机或邮箱 no valid mobile, landline or email",
    "invalid_value": "自定义字段的值不合法 a custom field's value is not of its type",
    "duplicate": "与另一行是同一人 same person as another row",
}


@dataclass(frozen=True)
class ResultFiles:
    files: dict[str, Path]  # results.csv, results.xlsx, summary.json
    summary: CheckSummary  # what summary.json holds: the given summary with the timings of writing


def write_all(summary: CheckSummary, spill: Spill, out_dir: Path, *, outcomes: pd.DataFrame | None = None,
              progress: Progress | None = None, started: float | None = None) -> ResultFiles:
    """``started``: when the whole run started (``time.perf_counter()``), for the ``total`` timing."""
    progress = progress or NoProgress()
    progress.phase("write", None)
    t0 = time.perf_counter()
    private_dir(out_dir)
    files = {"results.csv": out_dir / "results.csv", "results.xlsx": out_dir / "results.xlsx",
             "summary.json": out_dir / "summary.json"}
    write_results_csv(spill, files["results.csv"], outcomes)
    timings = {"results_csv": time.perf_counter() - t0}
    t1 = time.perf_counter()
    write_results_xlsx(spill, files["results.xlsx"], summary, outcomes)
    timings["results_xlsx"] = time.perf_counter() - t1
    if started is not None:
        timings["total"] = time.perf_counter() - started
    summary = summary.with_timings(timings)
    _write_json(files["summary.json"], summary.as_json())
    return ResultFiles(files=files, summary=summary)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = private_file(path.with_suffix(".json.tmp"))
    tmp.write_text(redacted_json(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


# ---- results.csv -----------------------------------------------------------------------------------


def _status_batches(spill: Spill) -> Any:
    import pyarrow.parquet as pq

    return pq.ParquetFile(str(spill.status_file)).iter_batches(batch_size=max(spill.batch_rows, 50_000))


def _with_outcomes(frame: pd.DataFrame, outcomes: pd.DataFrame | None) -> pd.DataFrame:
    """Attach outcome, record_id and error; duplicates carry their survivor's record id."""
    if outcomes is None:
        return frame
    indexed = outcomes.set_index("source_row")
    joined = frame.join(indexed[["outcome", "record_id", "error"]], on="source_row")
    dup = frame["status"] == "duplicate"
    if dup.any():
        survivor_ids = indexed["record_id"].reindex(frame.loc[dup, "duplicate_of"].to_numpy()).to_numpy()
        joined.loc[dup, "record_id"] = survivor_ids
    for name in ("outcome", "record_id", "error"):
        joined[name] = joined[name].fillna("").astype("str")
    return joined


def write_results_csv(spill: Spill, path: Path, outcomes: pd.DataFrame | None) -> None:
    import codecs

    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns = IMPORT_COLUMNS if outcomes is not None else CHECK_COLUMNS
    tmp = private_file(path.with_suffix(".csv.tmp"))
    with tmp.open("wb") as handle:
        handle.write(codecs.BOM_UTF8)
        writer = None
        for batch in _status_batches(spill):
            frame = frame_from_arrow(pa.Table.from_batches([batch]))
            frame = _with_outcomes(frame, outcomes)
            frame["duplicate_of"] = frame["duplicate_of"].astype("int64").astype("str").where(
                frame["status"] == "duplicate", "")
            frame = neutralise_frame(frame, [c for c in ("mobile_e164", "email", "record_id", "error")
                                             if c in columns])
            table = pa.table({c: pa.array(frame[c].astype("str") if c != "source_row" else frame[c],
                                          type=pa.string() if c != "source_row" else pa.int64())
                              for c in columns})
            if writer is None:
                writer = pacsv.CSVWriter(handle, table.schema,
                                         write_options=pacsv.WriteOptions(quoting_style="needed"))
            writer.write_table(table)
        if writer is None:
            handle.write((",".join(columns) + "\n").encode())
        else:
            writer.close()
    tmp.replace(path)


# ---- results.xlsx ----------------------------------------------------------------------------------


def _summary_rows(summary: dict[str, Any]) -> list[list[str]]:
    rows = [["项目 item", "值 value"]]
    file = summary["file"]
    rows += [["文件 file", str(file["file"])], ["格式 format", str(file["format"])]]
    if file.get("sheet"):
        rows.append(["工作表 sheet", str(file["sheet"])])
    if file.get("encoding"):
        rows.append(["编码 encoding", str(file["encoding"])])
    rows.append(["表头行 header row", str(file["header_row"])])
    for key, value in summary["counts"].items():
        rows.append([f"行数 {key}", str(value)])
    rows.append(["跳过的空行 blank rows skipped", str(summary["blank_rows_skipped"])])
    for key, value in summary["reasons"].items():
        rows.append([f"原因 {key}", str(value)])
    rows.append(["重复组 duplicate groups", str(summary["duplicate_groups"])])
    for key, value in summary.get("outcomes", {}).items():
        rows.append([f"结果 {key}", str(value)])
    for key, value in summary["invariants"].items():
        rows.append([f"校验 {key}", "OK" if value else "FAILED"])
    for key, headers in summary["mapping"]["mapped"].items():
        label = BY_KEY[key].label if key in BY_KEY else key
        rows.append([f"映射 {key} {label}", " + ".join(headers)])
    for item in summary["mapping"]["ignored"]:
        rows.append(["未使用的列 ignored column", f"{item['header']} ({item['why']})"])
    for key, value in summary["warnings"].items():
        if value:
            rows.append([f"提示 {key}", str(value)])
    for key, value in (summary.get("tenant") or {}).items():
        rows.append([f"租户 tenant {key}", str(value)])
    return rows


def write_results_xlsx(spill: Spill, path: Path, summary: CheckSummary, outcomes: pd.DataFrame | None) -> None:
    import pyarrow.parquet as pq

    from mktctl.leads.sheetwriter import TextWorkbook, estimate_widths

    tmp = private_file(path.with_suffix(".xlsx.tmp"))
    with TextWorkbook(tmp) as book:
        book.add_rows("汇总 Summary", _summary_rows(summary.as_json()), widths=[40, 80])
        rejected_columns = ["行号 source_row", "原因 reason", "说明 explanation", "姓名 name", "公司 company",
                            "手机 mobile (raw)", "座机 landline (raw)", "邮箱 email (raw)"]
        rejected = list(_rejected_batches(spill))
        sample = rejected[0].head(2000) if rejected else None
        widths = estimate_widths(rejected_columns, sample) if sample is not None else None
        book.add_sheet("拒绝 Rejected", rejected_columns, rejected, widths=widths)
        groups = frame_from_arrow(pq.read_table(str(spill.groups_file)))
        book.add_sheet("重复 Duplicates", *_group_sheet(groups, outcomes))
        if outcomes is not None:
            book.add_sheet("失败 Failed", *_failed_sheet(spill, outcomes))
        if summary.counts.get("accepted", 0) < ACCEPTED_SHEET_LIMIT:
            book.add_sheet("通过 Accepted", *_accepted_sheet(spill, outcomes))
    tmp.replace(path)


def _rejected_batches(spill: Spill) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    columns = ["source_row", "reason", "name", "company", "raw_mobile", "raw_tel", "raw_email", "detail"]
    parquet = pq.ParquetFile(str(spill.rows_file))
    for batch in parquet.iter_batches(batch_size=spill.batch_rows, columns=columns):
        batch = batch.filter(pc.not_equal(batch.column("reason"), ""))
        if not batch.num_rows:
            continue
        frame = frame_from_arrow(pa.Table.from_batches([batch]))
        explanation = frame["reason"].map(REASON_TEXT).fillna("").astype("str")
        # an invalid value is explained by its column, field and value
        frame.insert(2, "explanation", frame.pop("detail").where(lambda d: d != "", explanation))
        frame["source_row"] = frame["source_row"].astype("str")
        yield frame


def _group_sheet(groups: pd.DataFrame, outcomes: pd.DataFrame | None) -> tuple[list[str], list[pd.DataFrame], Any]:
    from mktctl.leads.sheetwriter import estimate_widths

    columns = ["组 group (kept row)", "行号 source_row", "角色 role", "姓名 name", "公司 company", "手机 mobile",
               "邮箱 email", "座机 landline"]
    frame = groups[["survivor", "order", "name", "company", "mobile", "email", "tel"]].copy()
    role = (frame["survivor"] == frame["order"]).map({True: "保留 kept", False: "重复 duplicate"})
    frame.insert(2, "role", role.astype("str"))
    if outcomes is not None:
        ids = outcomes.set_index("source_row")["record_id"]
        frame["record_id"] = ids.reindex(frame["survivor"].to_numpy()).fillna("").astype("str").to_numpy()
        columns.append("线索ID record_id")
    frame["survivor"] = frame["survivor"].astype("str")
    frame["order"] = frame["order"].astype("str")
    return columns, [frame], estimate_widths(columns, frame.head(2000))


def _failed_sheet(spill: Spill, outcomes: pd.DataFrame) -> tuple[list[str], list[pd.DataFrame], Any]:
    from mktctl.leads.sheetwriter import estimate_widths

    columns = ["行号 source_row", "姓名 name", "公司 company", "手机 mobile", "邮箱 email", "错误 error"]
    failed = outcomes[outcomes["outcome"] == "failed"]
    accepted = read_accepted(spill).set_index("source_row")
    frame = accepted.reindex(failed["source_row"].to_numpy())[["name", "company", "mobile", "email"]].reset_index()
    frame["error"] = failed["error"].to_numpy()
    frame["source_row"] = frame["source_row"].astype("str")
    frame = frame.fillna("")
    return columns, [frame], estimate_widths(columns, frame.head(2000))


def _accepted_sheet(spill: Spill, outcomes: pd.DataFrame | None) -> tuple[list[str], list[pd.DataFrame], Any]:
    from mktctl.leads.sheetwriter import estimate_widths

    accepted = read_accepted(spill)
    custom = [c for c in accepted.columns if c.endswith("__c")]  # the custom fields the file feeds
    columns = (["行号 source_row"] + [f"{BY_KEY[k].label} {k}" for k in DATA_KEYS] + custom
               + ["合并行数 group_size"])
    frame = accepted[["source_row", *DATA_KEYS, *custom, "group_size"]].copy()
    if outcomes is not None:
        frame = frame.merge(outcomes[["source_row", "outcome", "record_id", "error"]], on="source_row", how="left")
        columns += ["结果 outcome", "线索ID record_id", "错误 error"]
    for name in frame.columns:
        frame[name] = frame[name].fillna("").astype("str")
    return columns, [frame], estimate_widths(columns, frame.head(2000))
