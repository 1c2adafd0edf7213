"""Regular expressions over whole string columns with pyarrow's compute kernels (RE2).

pandas falls back to Python's ``re`` for some string methods (``extract``, replacements with group
references); these helpers call the Arrow kernels directly, so a million values take milliseconds.
Patterns must be RE2 syntax: no look-arounds, no back-references in the pattern.
Every helper takes and returns pandas objects with ``""`` for empty values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def _array(series: pd.Series) -> Any:
    import pyarrow as pa

    return pa.array(series.fillna(""), type=pa.large_string())


def _series(array: Any, series: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.Series(array, index=series.index, dtype="str").fillna("")


def replace(series: pd.Series, pattern: str, replacement: str) -> pd.Series:
    """``re.sub`` over the column; ``\\1`` in ``replacement`` refers to a group."""
    import pyarrow.compute as pc

    if series.empty:
        return series
    return _series(pc.replace_substring_regex(_array(series), pattern=pattern, replacement=replacement), series)


def contains(series: pd.Series, pattern: str, *, ignore_case: bool = False) -> pd.Series:
    import pandas as pd
    import pyarrow.compute as pc

    if series.empty:
        return pd.Series(False, index=series.index, dtype=bool)
    result = pc.match_substring_regex(_array(series), pattern=pattern, ignore_case=ignore_case)
    return pd.Series(result.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)


# ---- array level: for the normalisers that chain many kernels --------------------------------------


def to_array(series: pd.Series) -> Any:
    """A string column as one Arrow ``string`` array (``""`` for missing)."""
    import pyarrow as pa

    array = pa.array(series.fillna(""), type=pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def to_series(array: Any, index: Any) -> pd.Series:
    import pandas as pd

    return pd.Series(array, index=index, dtype="str")


def to_bools(array: Any, index: Any) -> pd.Series:
    import pandas as pd

    return pd.Series(array.to_numpy(zero_copy_only=False), index=index, dtype=bool)


def fold_wide(array: Any) -> Any:
    """NFKC (full-width letters, digits, ``＠`` and ``．`` to ASCII) and ``。`` to ``.``, applied only to the
    values that are not pure ASCII."""
    import pyarrow.compute as pc

    wide = pc.invert(pc.string_is_ascii(array))
    if not pc.any(wide).as_py():
        return array
    part = pc.utf8_normalize(pc.filter(array, wide), form="NFKC")
    part = pc.replace_substring(part, pattern="。", replacement=".")
    return pc.replace_with_mask(array, wide, part)


def replace_where(array: Any, hint: str, pattern: str, replacement: str) -> Any:
    """``replace_substring_regex`` only on the values that match ``hint`` (a cheap pattern): an
    expensive pattern with groups then runs on a few values instead of all of them."""
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(array, hint)
    if not pc.any(hit).as_py():
        return array
    part = pc.replace_substring_regex(pc.filter(array, hit), pattern=pattern, replacement=replacement)
    return pc.replace_with_mask(array, hit, part)


def frame_from_arrow(table: Any) -> pd.DataFrame:
    """An Arrow table as a pandas frame with ``str`` columns for strings (no copy of the text)."""
    import pandas as pd
    import pyarrow as pa

    text = pd.StringDtype("pyarrow", na_value=float("nan"))
    mapping = {pa.string(): text, pa.large_string(): text}
    return table.to_pandas(types_mapper=mapping.get, self_destruct=False)
