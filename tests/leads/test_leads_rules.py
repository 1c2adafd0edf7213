"""Rejection reasons (one per row, in order) and the dedupe of rows sharing a mobile or an email."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mktctl.leads.dedupe import find_duplicates, merge_survivors
from mktctl.leads.normalise import normalise
from mktctl.leads.rules import CleaningRules, reject


def reasons(rows: list[dict[str, str]], competitors: tuple[str, ...] = ("rival.cn",),
            **extra: tuple[str, ...]) -> list[str]:
    frame = pd.DataFrame(rows, dtype="str").fillna("")
    return reject(normalise(frame), CleaningRules(competitor_domains=competitors, **extra)).tolist()


BASE = {"name": "张三", "company": "示例科技", "mobile": "13912345670", "email": "zs@corp.cn", "tel": ""}


@pytest.mark.parametrize(("change", "reason"), [
    ({}, ""),
    ({"name": ""}, "missing_required"),
    ({"company": "　"}, "missing_required"),
    ({"name": "测试"}, "test_data"),
    ({"company": "测试公司"}, "test_data"),
    ({"name": "Test"}, "test_data"),
    ({"company": "TEST Co., Ltd"}, "test_data"),
    ({"company": "test123"}, "test_data"),
    ({"company": "Contest Analytics"}, ""),  # "test" inside a word is not a test
    ({"email": "a@example.com"}, "test_data"),
    ({"email": "a@example.cn"}, "test_data"),
    ({"email": "a@test.com"}, "test_data"),
    ({"mobile": "13800138000"}, "test_data"),
    ({"mobile": "11111111111"}, "test_data"),
    ({"email": "a@rival.cn"}, "competitor"),
    ({"email": "a@mail.rival.cn"}, "competitor"),
    ({"email": "a@notrival.cn"}, ""),
    ({"mobile": "", "email": "", "tel": ""}, "invalid_contact"),
    ({"mobile": "12345", "email": "bad@", "tel": "62345678"}, "invalid_contact"),
    ({"mobile": "", "email": "", "tel": "010-62345678"}, ""),
    ({"mobile": "1391234567", "email": "zs@corp.cn"}, ""),  # a bad mobile, a good email: kept
])
def test_each_reason(change: dict[str, str], reason: str) -> None:
    assert reasons([{**BASE, **change}]) == [reason]


def test_the_first_reason_in_order_wins() -> None:
    first = reasons([{**BASE, "name": "", "company": "测试", "email": "a@rival.cn", "mobile": ""}])
    assert first == ["missing_required"]
    assert reasons([{**BASE, "name": "测试", "email": "a@rival.cn", "mobile": ""}]) == ["test_data"]
    assert reasons([{**BASE, "email": "a@rival.cn", "mobile": ""}]) == ["competitor"]


def test_playbook_test_data_adds_to_the_rules() -> None:
    rows = [{**BASE, "name": "演示账号"}, {**BASE, "mobile": "139-0000-1111"}, {**BASE, "email": "x@qa.corp.cn"}]
    assert reasons(rows) == ["", "", ""]
    assert reasons(rows, test_names=("演示",), test_mobiles=("13900001111",), test_email_domains=("qa.corp.cn",)) == [
        "test_data", "test_data", "test_data"]


def dup(mobile: list[str], email: list[str], keep: str = "first", order: list[int] | None = None) -> list[int]:
    rows = np.asarray(order or list(range(2, 2 + len(mobile))))
    survivor, _ = find_duplicates(rows, pd.Series(mobile, dtype="str"), pd.Series(email, dtype="str"), keep)  # type: ignore[arg-type]
    return survivor.tolist()


def test_rows_sharing_a_mobile_or_an_email_are_one_person_transitively() -> None:
    # 2 and 3 share a mobile, 3 and 4 an email, so 2-3-4 are one person; 5 is alone; 6 shares 5's email
    assert dup(["m1", "m1", "m2", "m3", ""], ["e1", "e2", "e2", "e3", "e3"]) == [2, 2, 2, 5, 5]


def test_keep_last_keeps_the_latest_row() -> None:
    assert dup(["m1", "m1", "m2", "m3", ""], ["e1", "e2", "e2", "e3", "e3"], keep="last") == [4, 4, 4, 6, 6]


def test_empty_values_are_no_identity() -> None:
    assert dup(["", "", ""], ["", "", ""]) == [2, 3, 4]


def test_a_long_chain_settles() -> None:
    n = 500
    mobile = [f"m{i // 2}" for i in range(n)]
    email = [f"e{(i + 1) // 2}" for i in range(n)]
    assert set(dup(mobile, email)) == {2}


def test_survivor_takes_empty_fields_from_its_duplicates_in_keep_order() -> None:
    rows = pd.DataFrame({"order": [2, 5, 9], "survivor": [2, 2, 2], "mobile": ["+86139", "+86139", ""],
                         "email": ["", "a@b.cn", "c@d.cn"], "city": ["", "", "北京市"], "remark": ["一", "二", ""]})
    rows = rows.astype({c: "str" for c in ("mobile", "email", "city", "remark")})
    first = merge_survivors(rows, ["mobile", "email", "city", "remark"], "first").loc[2]
    assert first.tolist() == ["+86139", "a@b.cn", "北京市", "一"]
    rows["survivor"] = 9
    last = merge_survivors(rows, ["mobile", "email", "city", "remark"], "last").loc[9]
    assert last.tolist() == ["+86139", "c@d.cn", "北京市", "二"]


def test_a_landline_alone_is_no_identity(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mktctl.leads.check import CheckOptions, check_file
    from tests.leads.conftest import read_results, write_csv

    path = write_csv(tmp_path / "l.csv", [
        ["甲", "公司", "", "010-62345678", "", "", "", "", ""],
        ["乙", "公司", "", "010-62345678", "", "", "", "", ""],
    ])
    check_file(path, CheckOptions(), tmp_path / "out")
    assert [r["status"] for r in read_results(tmp_path / "out")] == ["accepted", "accepted"]
