"""Properties: every input row appears exactly once in results.csv; normalisation is idempotent; the
dedupe does not depend on how the file is chunked."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.leads.check import CheckOptions, check_file
from mktctl.leads.emails import parse_emails
from mktctl.leads.phones import parse_phones
from tests.leads.conftest import read_results, write_csv

MOBILES = ["13912345670", "+86 139 1234 5670", "15900000001", "159-0000-0002", "1.5900000003E10", "123", "",
           "13800138000", "+852 6123 4567", "010-62345678"]
EMAILS = ["a@corp.cn", "A@CORP.CN", "b@corp.cn", "mailto:c@corp.cn", "bad", "", "x@example.com", "d@rival.cn"]
NAMES = ["张三", "李四", "", "测试", "王　五"]
COMPANIES = ["示例科技", "", "Test Co", "华信"]

row = st.one_of(
    st.tuples(st.sampled_from(NAMES), st.sampled_from(COMPANIES), st.sampled_from(MOBILES), st.sampled_from(EMAILS)),
    st.just(("", "", "", "")),  # a blank row
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def write(rows: list[tuple[str, str, str, str]], folder: Path) -> Path:
    return write_csv(folder / "leads.csv", [list(r) for r in rows], headers=["姓名", "公司", "手机", "邮箱"])


@SETTINGS
@given(st.lists(row, min_size=0, max_size=40))
def test_every_data_row_appears_exactly_once(rows: list[tuple[str, str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(rows, Path(folder))
        result = check_file(path, CheckOptions(competitor_domains=("rival.cn",)), Path(folder) / "out")
        seen = [int(r["source_row"]) for r in read_results(Path(folder) / "out")]
    data_rows = [i + 2 for i, r in enumerate(rows) if any(r)]
    assert seen == data_rows
    counts = result.summary.counts
    assert counts["input"] == len(data_rows) == counts["accepted"] + counts["duplicate"] + counts["rejected"]


@SETTINGS
@given(st.lists(row, min_size=1, max_size=40), st.integers(min_value=1, max_value=7),
       st.sampled_from(["first", "last"]))
def test_dedupe_does_not_depend_on_chunking(rows: list[tuple[str, str, str, str]], chunk: int, keep: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(rows, Path(folder))
        check_file(path, CheckOptions(keep=keep, chunk_rows=10_000), Path(folder) / "whole")  # type: ignore[arg-type]
        check_file(path, CheckOptions(keep=keep, chunk_rows=chunk), Path(folder) / "chunked")  # type: ignore[arg-type]
        whole = (Path(folder) / "whole" / "results.csv").read_bytes()
        chunked = (Path(folder) / "chunked" / "results.csv").read_bytes()
    assert chunked == whole


phone_text = st.text(alphabet="0123456789０１２３４５６７８９ +-()转x.E#", min_size=0, max_size=20)
email_text = st.text(alphabet="abcAB@.＠．。 ;mailto:_-0", min_size=0, max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(phone_text, st.sampled_from(MOBILES)), min_size=1, max_size=20))
def test_phone_normalisation_is_idempotent(values: list[str]) -> None:
    once = parse_phones(pd.Series(values, dtype="str"))
    spelled = once["e164"] + once["ext"].map(lambda x: f";ext={x}" if x else "")
    twice = parse_phones(spelled.astype("str"))
    assert twice["e164"].tolist() == once["e164"].tolist()
    assert twice["kind"].tolist() == once["kind"].tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(email_text, st.sampled_from(EMAILS)), min_size=1, max_size=20))
def test_email_normalisation_is_idempotent(values: list[str]) -> None:
    once = parse_emails(pd.Series(values, dtype="str"))["email"]
    assert parse_emails(once)["email"].tolist() == once.tolist()
