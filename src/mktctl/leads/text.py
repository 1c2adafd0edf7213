"""Text clean-up: ``clean_text(series)`` for a column, ``clean_value(text)`` for one value.

Trimmed, full-width and other odd spaces removed, runs of white space collapsed, null-like cells empty;
a column comes back as ``str`` with ``""`` for empty (never NaN), so that the steps compose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_ODD_SPACES = "\u3000\u00a0\u200b\ufeff\u2002\u2003\u2009"
_NEEDS_WORK = f"[{_ODD_SPACES}\\t\\r\\n]|\\s\\s|^\\s|\\s$"
_NULLISH = ("nan", "NaN", "NAN", "none", "None", "NONE", "null", "Null", "NULL", "n/a", "N/A", "#N/A", "#n/a",
            "-", "--", "/")
_DROP = {ord(c): None for c in _ODD_SPACES}


def clean_value(value: str) -> str:
    """One value: what :func:`clean_text` does to a column."""
    text = " ".join(value.translate(_DROP).split())
    return "" if text in _NULLISH else text


def clean_text(series: pd.Series) -> pd.Series:
    """Trim, remove full-width and other odd spaces, collapse runs of white space; null-like cells
    (``nan``, ``NULL``, ``#N/A``, ``-``) empty. Only the values that need it are touched: one RE2 scan
    finds them, and they are few."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from mktctl.leads import arrow

    array = arrow.to_array(series)
    work = pc.match_substring_regex(array, _NEEDS_WORK)
    if pc.any(work).as_py():
        values = pc.filter(array, work).to_pylist()
        array = pc.replace_with_mask(array, work, pa.array([clean_value(v) for v in values], type=pa.string()))
    nullish = pc.is_in(array, value_set=pa.array(_NULLISH, type=pa.string()))
    if pc.any(nullish).as_py():
        array = pc.if_else(nullish, "", array)
    return arrow.to_series(array, series.index)
