"""The behaviour export's row checks: each row's first problem, with the column it is in and the words that
explain it (mktctl.rules.history)."""

from __future__ import annotations

from pathlib import Path

from mktctl.rules.history import read_events

HEADER = "手机号,邮箱,行为时间,行为,内容,转化,跟进"
ROWS = [
    ("13912340001,,2026-03-02 10:00,下载文件,产品白皮书,,", "", "", ""),
    (",,2026-03-02 10:00,下载文件,,,", "missing_key", "手机号", "no 手机号 or 邮箱"),
    ("12345,not-an-email,2026-03-02 10:00,下载文件,,,", "invalid_key", "手机号",
     "neither a valid mobile nor a valid e-mail"),
    ("13912340001,,,下载文件,,,", "missing_time", "行为时间", "no time"),
    ("13912340001,,昨天,下载文件,,,", "invalid_time", "行为时间", "not a date and time"),
    ("13912340001,,2026-03-02 10:00,,,,否", "nothing_happened", "行为", "no 行为, 转化 or 跟进"),
    ("13912340001,,2026-03-02 10:00,下载文档,,,", "unknown_behaviour", "行为", "did you mean '下载文件'?"),
    ("13912340001,,2026-03-02 10:00,,,成交,", "unknown_conversion", "转化", "转化 is one of"),
    ("13912340001,,2026-03-02 10:00,下载文件,,,也许", "invalid_follow_up", "跟进", "跟进 is 是 or 否"),
    # two problems: the first in the order above is the one given
    (",,昨天,下载文档,,,也许", "missing_key", "手机号", "no 手机号 or 邮箱"),
    ("13912340001,,昨天,下载文档,,,", "invalid_time", "行为时间", "not a date and time"),
]


def test_each_row_gets_its_first_problem_with_its_column_and_words(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("\n".join([HEADER, *(row for row, *_ in ROWS)]) + "\n", encoding="utf-8")

    checked = read_events(path).rows.to_dicts()

    assert [(r["row"], r["reason"], r["column"]) for r in checked] == [
        (line, reason, column) for line, (_, reason, column, _) in enumerate(ROWS, start=2)]
    for found, (_, _, _, words) in zip(checked, ROWS, strict=True):
        assert words in found["detail"], found
        assert bool(found["detail"]) == bool(words)
    assert checked[0]["follow_up"] is False


def test_a_blank_first_row_is_no_row_and_the_rows_keep_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    lines = ["手机号,行为时间,行为", "", "13912340001,2026-03-02 10:00,下载文件", "",
             "13912340002,2026-03-02 11:00,观看直播"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    checked = read_events(path).rows.to_dicts()

    assert [(r["row"], r["mobile_e164"], str(r["behaviour"]), r["reason"]) for r in checked] == [
        (3, "+8613912340001", "下载文件", ""), (5, "+8613912340002", "观看直播", "")]
