"""``leads check``: read, map, normalise, clean and dedupe a lead file, and write its result files.

``check_file(path, options, out_dir, progress=None, rules=NO_RULES, fields=NO_CUSTOM_FIELDS) -> CheckResult``
touches no tenant. ``run_check(path, options, work_dir, progress=None, rules=NO_RULES, fields=...) -> CheckRun``
is the same pipeline without the result files, for the importer: it returns the
:class:`~mktctl.leads.summary.CheckSummary` and leaves its rows in Parquet files under ``work_dir``
(:mod:`mktctl.leads.spill`). ``rules`` are the cleaning rules beyond the built-in ones (a playbook's
``lead_cleaning``), passed in by whoever runs it; ``fields`` the custom fields of 销售线索 a column may feed
(the playbook's ``lead_fields``, the tenant's describe): their values are read by type
(:mod:`mktctl.leads.custom`) and a row with a value of the wrong type is rejected (``invalid_value``).

Bounded memory: the file is read in chunks of ``options.chunk_rows`` rows; each chunk is normalised and
cleaned on its own and spilled to ``rows.parquet``; only the identity keys (row, mobile, email) of the
whole file stay in memory for the dedupe; a second pass over the spill decides each row's status and
writes ``status.parquet`` (one row per input row), ``accepted.parquet`` (survivors, with the empty
fields their duplicates filled) and the rejected and duplicate rows for the result workbook.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.leads import results
from mktctl.leads.arrow import frame_from_arrow
from mktctl.leads.dedupe import Keep, find_duplicates, merge_survivors
from mktctl.leads.fields import DATA_KEYS, NO_CUSTOM_FIELDS, CustomField, CustomFields
from mktctl.leads.mapping import ColumnMap, MappingFile, load_mapping_file, map_columns, resolve_columns
from mktctl.leads.normalise import FACTS, normalise
from mktctl.leads.private import private_dir
from mktctl.leads.progress import NoProgress, Progress
from mktctl.leads.read import Chunk, SourceInfo, open_source
from mktctl.leads.rules import DUPLICATE, INVALID_VALUE, NO_RULES, REASONS, CleaningRules, reject
from mktctl.leads.spill import PARQUET, Spill
from mktctl.leads.summary import STATUSES, CheckSummary

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

WARNING_FACTS = ("mobile_invalid", "tel_invalid", "email_invalid", "create_time_invalid", "region_unknown",
                 "industry_unknown", "source_unknown")
BOOL_COLUMNS = ("mobile_dummy", "tel_dummy", *WARNING_FACTS)
ROW_COLUMNS = ("source_row", "reason", *DATA_KEYS, *FACTS, "detail")  # detail: what an invalid_value row holds


@dataclass(frozen=True)
class CheckOptions:
    sheet: str | None = None
    mapping: Path | None = None
    competitor_domains: tuple[str, ...] = ()
    keep: Keep = "first"
    header_row: int | None = None
    chunk_rows: int = 200_000
    region: str = "CN"
    threads: int = 2  # chunks normalised at once
    columns: tuple[tuple[str, str], ...] = ()  # header → field, beside (and over) the mapping file's

    def describe(self, rules: CleaningRules = NO_RULES) -> dict[str, Any]:
        """The options and the cleaning rules used with them (``competitor_domains``: this check's and the
        rules', each once), as summary.json lists them."""
        used = rules.with_competitors(self.competitor_domains)
        described: dict[str, Any] = {
            "sheet": self.sheet, "mapping": str(self.mapping) if self.mapping else None,
            "competitor_domains": list(used.competitor_domains), "keep": self.keep, "header_row": self.header_row,
            "test_names": list(used.test_names), "test_mobiles": list(used.test_mobiles),
            "test_email_domains": list(used.test_email_domains)}
        if self.columns:
            described["columns"] = dict(self.columns)
        return described


@dataclass(frozen=True)
class CheckRun:
    """What the pipeline found (its summary), and where its rows are (:class:`~mktctl.leads.spill.Spill`)."""

    source: SourceInfo
    columns: ColumnMap
    options: CheckOptions
    rules: CleaningRules  # the cleaning rules used: the given ones with the options' competitor domains
    spill: Spill
    summary: CheckSummary


@dataclass(frozen=True)
class CheckResult:
    run: CheckRun
    out_dir: Path
    files: dict[str, Path]
    summary: CheckSummary  # the run's, with the timings of the result files


def check_file(path: Path, options: CheckOptions, out_dir: Path, progress: Progress | None = None, *,
               rules: CleaningRules = NO_RULES, fields: CustomFields = NO_CUSTOM_FIELDS) -> CheckResult:
    """Check ``path`` and write results.csv, results.xlsx and summary.json into ``out_dir``."""
    import tempfile

    private_dir(out_dir)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=".mktctl-leads-", dir=out_dir) as work:
        run = run_check(path, options, Path(work), progress, rules=rules, fields=fields)
        written = results.write_all(run.summary, run.spill, out_dir, progress=progress, started=started)
    return CheckResult(run=run, out_dir=out_dir, files=written.files, summary=written.summary)


def resolve_options(options: CheckOptions, fields: CustomFields = NO_CUSTOM_FIELDS
                    ) -> tuple[CheckOptions, MappingFile | None]:
    mapping = load_mapping_file(options.mapping, fields) if options.mapping else None
    if mapping is not None:
        options = replace(options, sheet=options.sheet or mapping.sheet,
                          header_row=options.header_row or mapping.header_row)
    if options.columns:
        inline = resolve_columns(dict(options.columns), fields)
        mapping = inline if mapping is None else mapping.with_columns(inline)
    return options, mapping


def run_check(path: Path, options: CheckOptions, work_dir: Path, progress: Progress | None = None, *,
              rules: CleaningRules = NO_RULES, fields: CustomFields = NO_CUSTOM_FIELDS) -> CheckRun:
    import pyarrow.parquet as pq

    progress = progress or NoProgress()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    options, mapping = resolve_options(options, fields)
    used = rules.with_competitors(options.competitor_domains)
    source = open_source(Path(path), sheet=options.sheet, header_row=options.header_row)
    columns = map_columns(source.info.headers, mapping, fields)
    _require_identity_columns(source.info, columns)
    custom = columns.custom_fields(fields)
    extra = tuple(c.api_name for c in custom)
    spill = Spill(work_dir, batch_rows=options.chunk_rows)
    progress.phase("read", None)
    keys: list[pd.DataFrame] = []
    warnings = dict.fromkeys(WARNING_FACTS, 0)
    invalid = dict.fromkeys(extra, 0)
    input_rows = blank_rows = 0
    writer: pq.ParquetWriter | None = None

    def one(chunk: Chunk) -> tuple[int, pd.DataFrame, Any, dict[str, int]]:
        frame, wrong = _pass_one(chunk.frame, chunk.rows, columns, options, used, custom)
        return len(chunk.rows), frame, _to_arrow(frame, extra), wrong

    # chunks are independent until the dedupe: normalise them on worker threads (Arrow's kernels release
    # the GIL), at most ``threads`` in flight so memory stays bounded, and write them in file order
    with ThreadPoolExecutor(max_workers=max(1, options.threads), thread_name_prefix="mktctl-check") as pool:
        pending: deque[Future[tuple[int, pd.DataFrame, Any, dict[str, int]]]] = deque()
        chunks = iter(source.chunks(options.chunk_rows))
        while True:
            while len(pending) < max(1, options.threads):
                chunk = next(chunks, None)
                if chunk is None:
                    break
                pending.append(pool.submit(one, chunk))
            if not pending:
                break
            read, frame, table, wrong = pending.popleft().result()
            blank_rows += read - len(frame)
            input_rows += len(frame)
            for fact in WARNING_FACTS:
                warnings[fact] += int(frame[fact].sum())
            for name, count in wrong.items():
                invalid[name] += count
            if writer is None:
                writer = pq.ParquetWriter(str(spill.rows_file), table.schema, **PARQUET)
            writer.write_table(table)
            kept = frame["reason"] == ""
            keys.append(frame.loc[kept, ["source_row", "mobile", "email"]])
            progress.advance(read)
    if writer is None:
        table = _to_arrow(_pass_one_empty(extra), extra)
        writer = pq.ParquetWriter(str(spill.rows_file), table.schema, **PARQUET)
        writer.write_table(table)
    writer.close()
    timings["read_normalise_clean"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    progress.phase("dedupe", None)
    candidates = _concat(keys)
    del keys
    survivor, sizes = find_duplicates(candidates["source_row"].to_numpy(), candidates["mobile"],
                                      candidates["email"], options.keep)
    order = candidates["source_row"].to_numpy()
    del candidates
    timings["dedupe"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    statuses = _pass_two(spill, options.keep, order, survivor, sizes, extra)
    timings["statuses"] = time.perf_counter() - t2
    mapping_summary = columns.describe()
    if custom:
        mapping_summary["custom_fields"] = {c.api_name: {"label": c.label, "type": c.type,
                                                         "invalid": invalid[c.api_name]} for c in custom}
    summary = CheckSummary(
        file=source.info.describe(), options=options.describe(rules),
        counts={"input": input_rows, **{s: statuses.counts[s] for s in STATUSES}},
        blank_rows_skipped=blank_rows, reasons=statuses.reasons, duplicate_groups=statuses.duplicate_groups,
        warnings={**warnings, "ragged_rows": len(source.info.ragged_rows)}, mapping=mapping_summary,
        timings=timings)
    return CheckRun(source=source.info, columns=columns, options=options, rules=used, spill=spill, summary=summary)


def _require_identity_columns(source: SourceInfo, columns: ColumnMap) -> None:
    from mktctl.errors import DataFileError

    mapped = columns.mapped
    if not ({"name", "company"} & set(mapped)) and not ({"mobile", "email", "tel", "contact"} & set(mapped)):
        headers = ", ".join(h for h in source.headers if h) or "(none)"
        raise DataFileError(
            f"{source.path}: no lead columns recognised in row {source.header_row} (headers: {headers})",
            file=str(source.path),
            hint="give a mapping file with --mapping MAP.yaml (see docs/leads.md), or --sheet if the leads are "
                 "on another sheet")


def _pass_one(chunk: pd.DataFrame, rows: np.ndarray, columns: ColumnMap, options: CheckOptions,
              rules: CleaningRules, custom: list[CustomField]) -> tuple[pd.DataFrame, dict[str, int]]:
    """One chunk: blank rows out; map, normalise, reject; custom fields read by their types (with the rows
    each has a wrong value in)."""
    import numpy as np

    if len(chunk.columns):
        filled = np.zeros(len(chunk), dtype=bool)
        for name in chunk.columns:
            filled |= (chunk[name].fillna("").str.strip() != "").to_numpy()
    else:
        filled = np.zeros(len(chunk), dtype=bool)
    if not filled.all():
        chunk = chunk.loc[filled]
    raw = columns.fields_frame(chunk)
    frame = normalise(raw, region=options.region)
    reason = reject(frame, rules)
    frame["detail"] = ""
    invalid: dict[str, int] = {}
    if custom:
        from mktctl.leads.custom import convert

        headers = {key: " + ".join(c.header for c in cols) for key, cols in columns.mapped.items()}
        converted = convert(raw, custom, headers)
        frame[list(converted.values.columns)] = converted.values
        wrong = (reason == "") & (converted.problem != "")
        reason = reason.where(~wrong, INVALID_VALUE)
        frame["detail"] = converted.problem.where(wrong, "")
        invalid = converted.invalid
    frame.insert(0, "reason", reason)
    frame.insert(0, "source_row", rows[filled])
    return frame.reset_index(drop=True), invalid


def _pass_one_empty(extra: tuple[str, ...] = ()) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in (*ROW_COLUMNS, *extra)})
    frame["source_row"] = np.empty(0, dtype=np.int64)
    for name in BOOL_COLUMNS:
        frame[name] = np.empty(0, dtype=bool)
    return frame


def _to_arrow(frame: pd.DataFrame, extra: tuple[str, ...] = ()) -> Any:
    import pyarrow as pa

    fields = [pa.field("source_row", pa.int64())]
    for name in (*ROW_COLUMNS[1:], *extra):
        fields.append(pa.field(name, pa.bool_() if name in BOOL_COLUMNS else pa.string()))
    schema = pa.schema(fields)
    arrays = []
    for item in schema:
        column = frame[item.name]
        if item.type == pa.string():
            arrays.append(pa.array(column.fillna(""), type=pa.string()))
        else:
            arrays.append(pa.array(column.to_numpy(), type=item.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({"source_row": pd.Series([], dtype="int64"), "mobile": pd.Series([], dtype="str"),
                             "email": pd.Series([], dtype="str")})
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class _Statuses:
    counts: dict[str, int]  # per status
    reasons: dict[str, int]  # per reason, with "duplicate"
    duplicate_groups: int


def _pass_two(spill: Spill, keep: Keep, order: np.ndarray, survivor: np.ndarray, sizes: np.ndarray,
              extra: tuple[str, ...] = ()) -> _Statuses:
    """Statuses for every row, accepted rows with merged fields (custom ones too), and the duplicate groups."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sort = np.argsort(order, kind="stable")
    order, survivor, sizes = order[sort], survivor[sort], sizes[sort]
    counts = dict.fromkeys(STATUSES, 0)
    reasons = dict.fromkeys((*REASONS, *((INVALID_VALUE,) if extra else ()), DUPLICATE), 0)
    status_writer = accepted_writer = None
    members: list[pd.DataFrame] = []
    fields = [*DATA_KEYS, *extra]
    duplicate_groups = 0
    parquet = pq.ParquetFile(str(spill.rows_file))
    for batch in parquet.iter_batches(batch_size=spill.batch_rows, columns=["source_row", "reason", *fields]):
        rows = batch.column("source_row").to_numpy()
        reason = batch.column("reason")
        kept = pc.equal(reason, "").to_numpy(zero_copy_only=False)
        at = np.minimum(np.searchsorted(order, rows), max(len(order) - 1, 0))
        found = kept & (len(order) > 0)
        their_survivor = np.where(found, survivor[at] if len(order) else 0, 0)
        their_size = np.where(found, sizes[at] if len(order) else 0, 0)
        is_dup = kept & (their_survivor != rows)
        dup_mask = pa.array(is_dup)
        status = pc.if_else(pa.array(~kept), "rejected", pc.if_else(dup_mask, "duplicate", "accepted"))
        final_reason = pc.if_else(dup_mask, DUPLICATE, reason)
        counts["rejected"] += int((~kept).sum())
        counts["duplicate"] += int(is_dup.sum())
        counts["accepted"] += int((kept & ~is_dup).sum())
        for item in pc.value_counts(final_reason).to_pylist():
            if item["values"]:
                reasons[item["values"]] += int(item["counts"])
        status_table = pa.table({
            "source_row": pa.array(rows, type=pa.int64()), "status": status, "reason": final_reason,
            "duplicate_of": pa.array(np.where(is_dup, their_survivor, 0), type=pa.int64()),
            "mobile_e164": batch.column("mobile"), "email": batch.column("email"),
        })
        if status_writer is None:
            status_writer = pq.ParquetWriter(str(spill.status_file), status_table.schema, **PARQUET)
        status_writer.write_table(status_table)
        grouped = kept & (their_size > 1)
        if grouped.any():
            member = frame_from_arrow(pa.Table.from_batches([batch.filter(pa.array(grouped))]))
            member = member[["source_row", *fields]].rename(columns={"source_row": "order"})
            member["survivor"] = their_survivor[grouped]
            members.append(member)
        single = pa.Table.from_batches([batch.filter(pa.array(kept & (their_size <= 1)))])
        single = single.select(["source_row", *fields]).append_column(
            "group_size", pa.array(np.ones(single.num_rows, dtype=np.int64)))
        accepted_writer = _write(accepted_writer, spill.accepted_file, single)
    if status_writer is not None:
        status_writer.close()
    group_table = None
    if members:
        grouped_rows = pd.concat(members, ignore_index=True)
        merged = merge_survivors(grouped_rows, fields, keep).reset_index()
        merged = merged.rename(columns={"survivor": "source_row"})
        sizes_by_survivor = grouped_rows.groupby("survivor").size()
        merged_sizes = sizes_by_survivor.reindex(merged["source_row"]).to_numpy()
        accepted_writer = _write(accepted_writer, spill.accepted_file, _accepted_arrow(merged, merged_sizes, fields))
        duplicate_groups = len(merged)
        group_table = grouped_rows.sort_values(["survivor", "order"], kind="stable")
    if accepted_writer is None:
        accepted_writer = _write(None, spill.accepted_file, _accepted_arrow(
            pd.DataFrame({"source_row": pd.Series([], dtype="int64"),
                          **{f: pd.Series([], dtype="str") for f in fields}}), 1, fields))
    accepted_writer.close()
    groups = group_table if group_table is not None else pd.DataFrame(
        {"order": pd.Series([], dtype="int64"), "survivor": pd.Series([], dtype="int64"),
         **{f: pd.Series([], dtype="str") for f in fields}})
    pq.write_table(pa.Table.from_pandas(groups, preserve_index=False), str(spill.groups_file))
    if status_writer is None:  # an input without data rows
        pq.write_table(pa.table({"source_row": pa.array([], pa.int64()), "status": pa.array([], pa.string()),
                                 "reason": pa.array([], pa.string()), "duplicate_of": pa.array([], pa.int64()),
                                 "mobile_e164": pa.array([], pa.string()), "email": pa.array([], pa.string())}),
                       str(spill.status_file))
    return _Statuses(counts=counts, reasons=reasons, duplicate_groups=duplicate_groups)


def _accepted_arrow(frame: pd.DataFrame, group_size: Any, fields: list[str]) -> Any:
    import numpy as np
    import pyarrow as pa

    columns: dict[str, Any] = {"source_row": pa.array(frame["source_row"].to_numpy(dtype=np.int64), pa.int64())}
    for name in fields:
        columns[name] = pa.array(frame[name].fillna(""), type=pa.string())
    size = np.broadcast_to(np.asarray(group_size, dtype=np.int64), (len(frame),))
    columns["group_size"] = pa.array(size, type=pa.int64())
    return pa.table(columns)


def _write(writer: Any, path: Path, table: Any) -> Any:
    import pyarrow.parquet as pq

    if writer is None:
        writer = pq.ParquetWriter(str(path), table.schema, **PARQUET)
    if table.num_rows:
        writer.write_table(table)
    return writer
