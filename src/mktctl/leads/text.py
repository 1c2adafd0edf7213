"""Vectorised text clean-up shared by the normalisers.

Every function takes and returns a pandas Series of strings with ``""`` for empty (never NaN), so that
the steps compose. Folding of full-width characters runs only on the values that are not pure ASCII.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# full-width ASCII (U+FF01..U+FF5E) to ASCII, the ideographic space to a space, and the Chinese
# punctuation that people type in numbers and addresses
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x3002: ord("."), 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20,
              0x200B: None, 0xFEFF: None, 0x2014: ord("-"), 0x2013: ord("-"), 0x2212: ord("-"),
              0x3010: ord("["), 0x3011: ord("]"), 0x2018: ord("'"), 0x2019: ord("'")})


def fold_width(value: str) -> str:
    """One value: full-width letters, digits and punctuation to ASCII."""
    return value.translate(_FOLD)


def as_text(series: pd.Series) -> pd.Series:
    """Any column as strings with ``""`` for missing values."""
    import pandas as pd

    if not isinstance(series.dtype, pd.StringDtype):
        series = series.astype("str")
    return series.fillna("")


def fold(series: pd.Series) -> pd.Series:
    """Full-width to ASCII, only where a value has non-ASCII characters (most values are ASCII)."""
    series = as_text(series)
    wide = ~series.str.isascii()
    if wide.any():
        series = series.copy()
        series[wide] = series[wide].map(fold_width)
    return series


def clean_text(series: pd.Series) -> pd.Series:
    """Trim, remove full-width and other odd spaces, collapse runs of spaces; ``"nan"``-like cells empty."""
    series = as_text(series)
    series = series.str.replace("[\u3000\u00a0\u200b\ufeff\u2002\u2003\u2009]", "", regex=True)
    series = series.str.replace(r"[ \t\r\n]+", " ", regex=True).str.strip()
    return series.mask(series.str.lower().isin(("nan", "none", "null", "n/a", "#n/a", "-", "--", "/")), "")


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)
