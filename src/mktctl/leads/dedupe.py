"""Duplicates within a file: rows sharing a mobile OR an email are one person, transitively.

``find_duplicates(order, mobile, email, keep="first") -> (survivor_order, group_size)``: for each row,
the ``order`` (spreadsheet row) of the row that survives for its person; a row is a duplicate when
that is not itself. The earliest row in file order survives (``keep="last"``: the latest). A landline
alone is not an identity. Rows are given as arrays so that the keys of a whole file fit in memory while
its other columns stay on disk; the result depends only on the rows, never on how they were chunked.

``merge_survivors(rows, keep)`` fills a survivor's empty fields from its duplicates: the first
non-empty value in file order (``keep="last"``: the latest).

Connected components by label propagation with pointer jumping: each pass gives every row the smallest
label among the rows sharing its mobile or its email; a few passes (log of the longest chain) settle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

Keep = Literal["first", "last"]


def find_duplicates(order: np.ndarray, mobile: np.ndarray | pd.Series, email: np.ndarray | pd.Series,
                    keep: Keep = "first") -> tuple[np.ndarray, np.ndarray]:
    import numpy as np
    import pandas as pd

    n = len(order)
    if n == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    order = np.asarray(order, dtype=np.int64)
    position = np.argsort(order, kind="stable")  # rows in file order
    rank = np.empty(n, dtype=np.int64)
    rank[position] = np.arange(n)
    if keep == "last":
        rank = n - 1 - rank
    codes = []
    shared = np.zeros(n, dtype=bool)  # rows that share a key with another row
    for keys in (mobile, email):
        values = keys if isinstance(keys, pd.Series) else pd.Series(np.asarray(keys, dtype=object), dtype="str")
        values = values.reset_index(drop=True).fillna("")
        code, _ = pd.factorize(values.where(values != "", None), use_na_sentinel=True)
        code = np.asarray(code, dtype=np.int64)
        has = code >= 0
        if has.any():
            shared[has] |= np.bincount(code[has])[code[has]] > 1
        codes.append(code)
    label = rank.copy()  # a row's label: the smallest rank among its person's rows
    rows = np.flatnonzero(shared)
    if len(rows):
        sub_codes = [code[rows] for code in codes]
        sub_label = label[rows]
        slot_of_rank = np.full(n, -1, dtype=np.int64)
        slot_of_rank[rank[rows]] = np.arange(len(rows))
        while True:
            before = sub_label.copy()
            for code in sub_codes:
                has = code >= 0
                smallest = np.full(int(code.max()) + 1 if has.any() else 1, n, dtype=np.int64)
                np.minimum.at(smallest, code[has], sub_label[has])
                sub_label[has] = np.minimum(sub_label[has], smallest[code[has]])
            # pointer jumping: take the label of the row whose rank is my label
            sub_label = np.minimum(sub_label, sub_label[slot_of_rank[sub_label]])
            if np.array_equal(sub_label, before):
                break
        label[rows] = sub_label
    by_rank = np.empty(n, dtype=np.int64)
    by_rank[rank] = np.arange(n)
    survivor = order[by_rank[label]]
    sizes = np.bincount(label, minlength=n)[label]
    return survivor, sizes


def merge_survivors(rows: pd.DataFrame, fields: list[str], keep: Keep = "first") -> pd.DataFrame:
    """``rows``: the members of groups with duplicates, with ``order`` and ``survivor`` columns. Returns
    one row per survivor with each empty field taken from the first duplicate (in keep order) that has it."""
    ascending = keep == "first"
    ranked = rows.sort_values("order", ascending=ascending, kind="stable")
    values = ranked[["survivor", *fields]].copy()
    for name in fields:
        column = values[name]
        values[name] = column.where(column != "", None)
    merged = values.groupby("survivor", sort=True).first()
    for name in fields:
        merged[name] = merged[name].fillna("").astype("str")
    return merged
