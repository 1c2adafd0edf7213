"""Spreadsheet cells that stay text and hold no secret: the one place where every xlsx and CSV writer of
mktctl (lead results, link results and ambiguities, the lead template, the configuration workbook, the
checklist) takes its text cells from.

* **Formula safety (CSV injection, OWASP).** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return can run as a formula when it is opened or edited in Excel or WPS (``=HYPERLINK(...)``,
  ``=cmd|' /C calc'!A0``).

  - In **xlsx** every text cell is a string cell, which is never evaluated; such a cell also gets the *quote
    prefix* (the ``'`` a person types in front of text, kept as the cell's style), so that editing it keeps
    it text: :class:`TextCells` for workbooks written with xlsxwriter, :func:`formula_like_mask` for
    mktctl's own fast writer (:mod:`mktctl.leads.sheetwriter`).
  - In **CSV**, :func:`neutralise` puts a single quote in front of such a value, which the spreadsheet shows
    as text and which any reader of the CSV can strip (:func:`restore`). Plain numbers such as
    ``+8613912345678`` (an E.164 phone) or ``-2`` are left as they are: a spreadsheet reads them as numbers,
    never as formulas, and every phone in results.csv would otherwise change. :func:`neutralise_frame`
    does it to a pandas frame, :func:`neutralise_polars` to a polars one.
* **Secrets.** Every text is redacted (:data:`mktctl.secrets.REDACTOR`) before it is written: a spreadsheet
  is compressed, so its bytes can only be kept clean cell by cell.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from mktctl.secrets import REDACTOR

if TYPE_CHECKING:
    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_START = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?[0-9]+(?:\.[0-9]+)?$"
_PLAIN = re.compile(_PLAIN_NUMBER)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula (or a DDE call) when it is edited."""
    return text.startswith(TRIGGERS)


def neutralise(value: str) -> str:
    """A CSV value: ``=1+1`` → ``'=1+1``; ``+8613912345678`` and ``hello`` unchanged."""
    if value[:1] in TRIGGERS and not _PLAIN.match(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The value :func:`neutralise` was given: ``'=1+1`` → ``=1+1`` (for programs that read the CSV files)."""
    if value[:1] == "'" and value[1:2] in TRIGGERS and not _PLAIN.match(value[1:]):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame, columns: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The text columns of ``frame`` (or ``columns``) redacted and with :func:`neutralise` applied,
    vectorised: what a CSV writer writes."""
    out = redact_frame(frame, columns)
    for name in columns if columns is not None else list(frame.columns):
        values = out[name]
        if not _is_text(values):
            continue
        text = values.fillna("").astype("str")
        risky = text.str.contains(FORMULA_START, regex=True) & ~text.str.fullmatch(_PLAIN_NUMBER[1:-1])
        if risky.any():
            out[name] = text.where(~risky, "'" + text)
    return out


def redact_frame(frame: pd.DataFrame, columns: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """``frame`` with every secret value replaced by ``***`` in its text columns (a copy)."""
    out = frame.copy()
    secrets = REDACTOR.values()
    if not secrets:
        return out
    for name in columns if columns is not None else list(frame.columns):
        values = out[name]
        if not _is_text(values):
            continue
        text = values.fillna("").astype("str")
        for secret in secrets:
            hit = text.str.contains(secret, regex=False)
            if hit.any():
                text = text.where(~hit, text.str.replace(secret, REDACTOR.MASK, regex=False))
                out[name] = text
    return out


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or str(values.dtype) in ("str", "string")


def redact_array(values: Any) -> Any:
    """A pyarrow string array with every secret value replaced by ``***``."""
    import pyarrow.compute as pc

    for secret in REDACTOR.values():
        if pc.any(pc.match_substring(values, secret)).as_py():
            values = pc.replace_substring(values, secret, REDACTOR.MASK)
    return values


def formula_like_mask(values: Any) -> Any:
    """For a pyarrow string array: which values :func:`is_formula_like` (a boolean array)."""
    import pyarrow.compute as pc

    return pc.match_substring_regex(values, FORMULA_START)


class TextCells:
    """Text cells for a workbook written with xlsxwriter: always a string cell (never a formula, a number or
    a link), redacted, and with the quote prefix when :func:`is_formula_like`. Formats are made once per
    set of properties::

        cells = TextCells(book)
        cells.write(sheet, 0, 0, value, bold=True)
    """

    OPTIONS: ClassVar[dict[str, bool]] = {"strings_to_formulas": False, "strings_to_numbers": False,
                                          "strings_to_urls": False}
    """The options every xlsxwriter workbook of mktctl is opened with."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def format(self, **properties: Any) -> Any:
        """The workbook's format with these properties (made on first use)."""
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.book.add_format(properties)
        return self._formats[key]

    def write(self, sheet: Any, row: int, col: int, value: object, **properties: Any) -> str:
        """Write ``value`` as text; returns the text written."""
        text = REDACTOR.redact(str(value))
        if is_formula_like(text):
            properties = {**properties, "quote_prefix": True}
        sheet.write_string(row, col, text, self.format(**properties) if properties else None)
        return text


def neutralise_polars(frame: Any) -> Any:
    """A polars DataFrame with its text columns redacted and with :func:`neutralise` applied, in columns:
    what a CSV writer writes (categorical columns become text; their distinct values are what is looked at)."""
    import polars as pl

    columns = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            columns.append(_neutralised(pl.col(name)).alias(name))
        elif isinstance(dtype, pl.Categorical):
            text = pl.col(name).cast(pl.String)
            distinct = frame.get_column(name).unique().cast(pl.String).drop_nulls()
            safe = pl.select(_neutralised(pl.lit(distinct))).to_series()
            changed = distinct != safe
            columns.append((text.replace(distinct.filter(changed), safe.filter(changed)) if changed.any() else text)
                           .alias(name))
    return frame.with_columns(columns)


def _neutralised(text: Any) -> Any:
    import polars as pl

    for secret in REDACTOR.values():
        text = text.str.replace_all(secret, REDACTOR.MASK, literal=True)
    risky = text.str.contains(FORMULA_START) & ~text.str.contains(_PLAIN_NUMBER)
    return pl.when(risky).then(pl.lit("'") + text).otherwise(text)
