"""A client's behaviour export read for ``mktctl simulate``: one event per row, every row accounted for.

``read_events(path) -> EventsFile``: the file is read as ``leads check`` reads a lead file (CSV in UTF-8 or
GB18030, xlsx/xls; every cell as text; the header row found among title rows; row numbers as the
spreadsheet shows them), its columns recognised by their headers in Chinese or English
(:data:`HEADERS`), and each row checked. The first problem of a row rejects it, with its column:

* ``missing_key``: neither 手机号 nor 邮箱 is filled; ``invalid_key``: neither is a valid mobile or e-mail;
* ``missing_time`` / ``invalid_time``: 行为时间 is empty or is not a date and time;
* ``nothing_happened``: no 行为, no 转化 and no 跟进;
* ``unknown_behaviour``: 行为 is not one of the platform's behaviours (with did-you-mean);
* ``unknown_conversion``: 转化 is not 商机, 客户 or 订单; ``invalid_follow_up``: 跟进 is not yes or no.

Keys are normalised like the lead file's (mobiles in E.164, e-mails in lower case) and times like its
创建时间 (:func:`mktctl.leads.normalise.parse_times`). Columns are polars; the lead pipeline's vectorised
parsers run over the distinct values only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.errors import DataFileError
from mktctl.rules.model import CONVERSIONS
from mktctl.rules.testreader import BEHAVIOURS

if TYPE_CHECKING:
    import polars as pl

#: event field -> the headers that mean it (compared folded: case, spaces and punctuation ignored)
HEADERS: dict[str, tuple[str, ...]] = {
    "mobile": ("手机号", "手机", "手机号码", "移动电话", "mobile", "mobilephone", "phone", "cellphone"),
    "email": ("邮箱", "电子邮箱", "邮件地址", "email", "e-mail", "emailaddress", "mail"),
    "time": ("行为时间", "时间", "发生时间", "事件时间", "日期", "time", "timestamp", "datetime", "date", "occurredat"),
    "behaviour": ("行为", "行为类型", "行为名称", "事件", "behaviour", "behavior", "action", "event"),
    "content": ("内容", "行为内容", "内容名称", "对象", "content", "object", "item"),
    "channel": ("渠道", "触达渠道", "channel"),
    "source": ("来源", "线索来源", "来源渠道", "source", "utmsource"),
    "campaign": ("市场活动", "活动", "营销活动", "campaign", "utmcampaign"),
    "event_type": ("活动类型", "eventtype"),
    "converted": ("转化", "转化类型", "converted", "conversion"),
    "follow_up": ("跟进", "销售跟进", "followup", "followedup"),
}
LABELS = {"mobile": "手机号", "email": "邮箱", "time": "行为时间", "behaviour": "行为", "content": "内容",
          "channel": "渠道", "source": "来源", "campaign": "市场活动", "event_type": "活动类型", "converted": "转化",
          "follow_up": "跟进"}
YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "已跟进", "跟进"})
NO = frozenset({"", "否", "n", "no", "false", "0", "×"})
MAX_EVENT_ROWS = 50_000_000  # rows of one events file (a lead file's limit is lower: see mktctl.leads.guard)
REASONS = ("missing_key", "invalid_key", "missing_time", "invalid_time", "nothing_happened", "unknown_behaviour",
           "unknown_conversion", "invalid_follow_up")


@dataclass(frozen=True)
class EventsFile:
    path: Path
    info: dict[str, Any]  # what the reader found (format, encoding, sheet, header row)
    columns: dict[str, str]  # event field -> the header it was read from
    rows: pl.DataFrame  # row, the fields, keys normalised, moment (YYYY-MM-DD HH:MM:SS), reason, column, detail


def read_events(path: Path) -> EventsFile:
    import polars as pl

    from mktctl.leads.fields import fold_header
    from mktctl.leads.read import open_source

    source = open_source(Path(path), max_rows=MAX_EVENT_ROWS)
    headers = source.info.headers
    wanted = {fold_header(h): key for key, names in HEADERS.items() for h in names}
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = wanted.get(fold_header(header))
        if key is not None and key not in columns:
            columns[key] = index
    if "time" not in columns or not ({"mobile", "email"} & set(columns)) or \
            not ({"behaviour", "converted", "follow_up"} & set(columns)):
        found = ", ".join(h for h in headers if h) or "(none)"
        raise DataFileError(f"{path}: the events need a person (手机号 or 邮箱), a time (行为时间) and what happened "
                            f"(行为, 转化 or 跟进); the headers in row {source.info.header_row} are: {found}",
                            file=str(path), hint="name the columns as in docs/simulate.md (Chinese or English)")
    info = source.info
    rows = _read_csv(path, info.delimiter or ",", info.header_row, columns) \
        if info.format == "csv" and info.encoding in ("utf-8", "utf-8-sig") else None
    if rows is None:
        rows = _read_chunks(source, columns)
    for key in HEADERS:
        if key not in rows.columns:
            rows = rows.with_columns(pl.lit("").alias(key))
    blank = pl.all_horizontal(pl.col(k) == "" for k in HEADERS)
    rows = rows.filter(~blank)  # a blank line is not a row (it still counts in the row numbers)
    rows = _normalise(rows)
    return EventsFile(Path(path), info.describe(), {k: headers[i] for k, i in columns.items()},
                      _check(rows, columns, headers))


def _read_csv(path: Path, delimiter: str, header_row: int, columns: dict[str, int]) -> pl.DataFrame | None:
    """A UTF-8 CSV file through polars' reader (multi-threaded; a blank line is a row of nulls, so the row
    numbers stay those of the file). None when polars cannot read it as the lead reader does (its first row
    sets the width it expects)."""
    import polars as pl

    wanted = sorted(columns.items(), key=lambda item: item[1])
    try:
        frame = pl.read_csv(path, separator=delimiter, has_header=False, skip_rows=header_row, infer_schema=False,
                            columns=[index for _, index in wanted], new_columns=[key for key, _ in wanted],
                            truncate_ragged_lines=True, encoding="utf8", quote_char='"')
    except pl.exceptions.NoDataError:  # the header and nothing after it
        frame = pl.DataFrame({key: pl.Series([], dtype=pl.String) for key, _ in wanted})
    except pl.exceptions.PolarsError:  # rows polars will not take (a blank first row, say): the lead reader's way
        return None
    return frame.select(pl.int_range(header_row + 1, header_row + 1 + pl.len(), dtype=pl.Int64).alias("row"),
                        *(pl.col(key).fill_null("").str.strip_chars() for key, _ in wanted))


def _read_chunks(source: Any, columns: dict[str, int]) -> pl.DataFrame:
    """A workbook (or a CSV file in GB18030) through the lead reader, chunk by chunk."""
    import polars as pl

    parts = []
    for chunk in source.chunks():
        frame = pl.from_pandas(chunk.frame) if len(chunk.frame.columns) else pl.DataFrame()
        picked = {key: (frame[f"c{index}"] if f"c{index}" in frame.columns else pl.Series([""] * len(chunk.rows)))
                  for key, index in columns.items()}
        parts.append(pl.DataFrame({"row": chunk.rows, **{k: pl.Series(v).cast(pl.String).fill_null("")
                                                         .str.strip_chars() for k, v in picked.items()}}))
    return pl.concat(parts) if parts else pl.DataFrame({"row": pl.Series([], dtype=pl.Int64)})


def _distinct(column: pl.Series, parse: Any) -> pl.DataFrame:
    """``parse`` (a pandas-Series function of the lead pipeline) over the distinct values of ``column``."""
    import pandas as pd
    import polars as pl

    values = column.unique()
    parsed = parse(pd.Series(values.to_list(), dtype="str"))
    texts = [str(v) for v in parsed] if parsed.isna().any() else pl.from_pandas(parsed)  # (no value missing: as is)
    return pl.DataFrame({"value": values, "parsed": texts}, schema={"value": pl.String, "parsed": pl.String})


COMMON_TIMES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M", "%Y年%m月%d日 %H:%M")


def _times(column: pl.Series, parse_times: Any) -> pl.DataFrame:
    """Each distinct time text as ``YYYY-MM-DD HH:MM:SS`` ("" when it is none): the common spellings by
    polars, the rest (dates alone, Excel serial numbers ...) by the lead pipeline's parser."""
    import pandas as pd
    import polars as pl

    distinct = pl.DataFrame({"time": column.unique()})
    parsed = distinct.with_columns(moment=pl.coalesce([pl.col("time").str.to_datetime(f, strict=False)
                                                       for f in COMMON_TIMES]).dt.strftime("%Y-%m-%d %H:%M:%S"))
    rest = parsed.filter(pl.col("moment").is_null() & (pl.col("time") != ""))["time"].to_list()
    found = dict(zip(rest, parse_times(pd.Series(rest, dtype="str"))[0].tolist(), strict=True)) if rest else {}
    return parsed.with_columns(moment=pl.col("moment").fill_null(pl.col("time").replace_strict(
        found, default="", return_dtype=pl.String)))


def _normalise(rows: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    from mktctl.leads.emails import parse_emails
    from mktctl.leads.normalise import parse_times
    from mktctl.leads.phones import parse_phones

    def phones(values: Any) -> Any:
        parsed = parse_phones(values)
        return parsed["e164"].where(parsed["kind"] == "mobile", "")

    mobiles = _distinct(rows["mobile"], phones)
    emails = _distinct(rows["email"], lambda v: parse_emails(v)["email"])
    times = _times(rows["time"], parse_times)
    # each value looked up among the distinct ones (every value is one of them), the rows in their order
    return rows.with_columns(mobile_e164=pl.col("mobile").replace_strict(mobiles["value"], mobiles["parsed"]),
                             email_key=pl.col("email").replace_strict(emails["value"], emails["parsed"]),
                             moment=pl.col("time").replace_strict(times["time"], times["moment"]))


def _check(rows: pl.DataFrame, columns: dict[str, int], headers: list[str]) -> pl.DataFrame:
    """Each row's first problem: ``reason``, the ``column`` (its header) and a ``detail``."""
    import polars as pl

    from mktctl.base.suggest import did_you_mean

    def header(key: str) -> str:
        return headers[columns[key]] if key in columns else LABELS[key]

    key_column = header("mobile" if "mobile" in columns else "email")
    unknown = sorted(set(rows.filter((pl.col("behaviour") != "") & ~pl.col("behaviour").is_in(BEHAVIOURS))
                         ["behaviour"].to_list()))
    known = f"behaviours are {'、'.join(BEHAVIOURS)}"
    hints = {b: f"unknown behaviour {b!r}; " + (did_you_mean(b, BEHAVIOURS) or known) for b in unknown}
    follow = pl.col("follow_up").str.to_lowercase()
    checks = [
        ("missing_key", (pl.col("mobile") == "") & (pl.col("email") == ""), key_column, "no 手机号 or 邮箱"),
        ("invalid_key", (pl.col("mobile_e164") == "") & (pl.col("email_key") == ""), key_column,
         "neither a valid mobile nor a valid e-mail"),
        ("missing_time", pl.col("time") == "", header("time"), "no time"),
        ("invalid_time", pl.col("moment") == "", header("time"), "not a date and time"),
        ("nothing_happened", (pl.col("behaviour") == "") & (pl.col("converted") == "") & follow.is_in(NO),
         header("behaviour"), "no 行为, 转化 or 跟进"),
        ("unknown_behaviour", pl.col("behaviour").is_in(unknown), header("behaviour"), None),
        ("unknown_conversion", (pl.col("converted") != "") & ~pl.col("converted").is_in(CONVERSIONS),
         header("converted"), f"转化 is one of {'、'.join(CONVERSIONS)}"),
        ("invalid_follow_up", ~follow.is_in(YES | NO), header("follow_up"), "跟进 is 是 or 否"),
    ]
    # each row's first problem as its place in ``checks`` (null: none), in one pass; then its words
    first = pl.when(checks[0][1]).then(pl.lit(0, dtype=pl.Int8))
    for place, (_, failed, _, _) in enumerate(checks[1:], start=1):
        first = first.when(failed).then(pl.lit(place, dtype=pl.Int8))
    places = list(range(len(checks)))

    def words(values: list[str]) -> pl.Expr:
        return pl.col("problem").replace_strict(places, values, default="", return_dtype=pl.String)

    unknown_place = next(place for place, check in enumerate(checks) if check[3] is None)
    said = pl.col("behaviour").replace_strict(hints, default="", return_dtype=pl.String)
    checked = rows.with_columns(problem=first.otherwise(None), follow_up=follow.is_in(YES)).with_columns(
        reason=words([name for name, _, _, _ in checks]), column=words([where for _, _, where, _ in checks]),
        detail=pl.when(pl.col("problem") == unknown_place).then(said)
        .otherwise(words([text or "" for _, _, _, text in checks])))
    # what the run and the results need, the repeated texts as categories (millions of rows stay small)
    repeated = ("behaviour", "content", "channel", "source", "campaign", "event_type", "converted", "reason", "column",
                "detail")
    return checked.select("row", "mobile_e164", "email_key", "moment", "follow_up",
                          *(pl.col(name).cast(pl.Categorical) for name in repeated))
