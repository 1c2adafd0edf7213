"""How a worker turns a chunk's rows of the events table into Python values (mktctl.rules.workers): each
distinct text becomes one Python string per chunk, whatever Arrow type the text comes as."""

from __future__ import annotations

import pyarrow as pa
import pytest

from mktctl.rules.workers import _python_values

TEXTS = ["下载文件", None, "观看直播", "下载文件", "", None, "下载文件"]


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string(), pa.string_view(),
                                  pa.dictionary(pa.uint32(), pa.large_string())])
def test_a_text_column_gives_its_values_with_one_string_per_distinct_text(kind: pa.DataType) -> None:
    column = pa.chunked_array([pa.array(TEXTS[:3]), pa.array(TEXTS[3:])]).cast(kind)

    values = _python_values(column)

    assert values == TEXTS
    assert values[0] is values[3] is values[6]


def test_a_slice_of_a_column_with_more_categories_than_rows_gives_its_own_values() -> None:
    categories = pa.array([f"页面/{i}?utm={i}" for i in range(100_000)], type=pa.large_string())
    column = pa.DictionaryArray.from_arrays(pa.array(range(100_000), type=pa.uint32()), categories)
    part = pa.chunked_array([column]).slice(50_000, 3)

    assert _python_values(part) == ["页面/50000?utm=50000", "页面/50001?utm=50001", "页面/50002?utm=50002"]


def test_other_columns_are_read_as_they_are() -> None:
    assert _python_values(pa.chunked_array([pa.array([1, None, 3])])) == [1, None, 3]
    assert _python_values(pa.chunked_array([pa.array([True, False])])) == [True, False]
