"""The real `mktctl simulate` end to end: its result files (the workbook opens, the page is self-contained,
summary.json has its keys, every row is in the CSV files), both languages, and its errors."""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests.rules.helpers import write_playbook
from tests.rules.test_simulate import EVENTS, LEADS, PLAYBOOK

pytestmark = pytest.mark.e2e
KEYS = {"playbook", "start", "days", "end", "leads", "events", "scores", "thresholds", "grades", "mql", "owners",
        "pools", "segments", "stages", "tags", "flows", "reminders", "attribution", "timings"}


@pytest.fixture
def history(tmp_path):
    write_playbook(tmp_path / "playbook", PLAYBOOK)
    (tmp_path / "leads.csv").write_text(LEADS, encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    return tmp_path


def test_simulate_writes_the_results_and_prints_what_the_thresholds_do(mktctl, history) -> None:
    from openpyxl import load_workbook

    run = mktctl("simulate", "playbook", "--leads", "leads.csv", "--events", "events.csv", "--out", "out",
                 "--workers", "2", cwd=history)

    assert run.code == 0, run.stderr
    assert "leads: 5 rows → 3 people, 1 duplicates, 0 merged, 1 rejected" in run.stdout
    assert "热 ≥ 30: 1 (33.3%)" in run.stdout and "MQL: 1 (33.3%)" in run.stdout
    out = history / "out"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary) == KEYS
    book = load_workbook(out / "summary.xlsx", read_only=True)
    assert {"概览", "评分分布", "阈值", "线索结果", "被拒绝的行为行"} <= set(book.sheetnames)
    with (out / "people.csv").open(encoding="utf-8") as handle:
        assert [row["row"] for row in csv.DictReader(handle)] == ["2", "3", "4", "5", "6"]
    with (out / "events.csv").open(encoding="utf-8") as handle:
        assert [row["row"] for row in csv.DictReader(handle)] == [str(r) for r in range(2, 10)]


def test_the_report_is_one_self_contained_page_with_charts_in_either_language(mktctl, history) -> None:
    chinese = mktctl("simulate", "playbook", "--leads", "leads.csv", "--events", "events.csv", "--out", "zh",
                     "--workers", "0", cwd=history)
    english = mktctl("simulate", "playbook", "--leads", "leads.csv", "--events", "events.csv", "--out", "en",
                     "--workers", "0", "--lang", "en", cwd=history)

    assert chinese.code == english.code == 0, chinese.stderr + english.stderr
    for folder, title in (("zh", "历史数据模拟"), ("en", "Simulation over history")):
        page = (history / folder / "report.html").read_text(encoding="utf-8")
        assert title in page and "<svg" in page
        assert "<script" not in page
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)  # nothing fetched from elsewhere


def test_a_broken_events_file_is_a_user_error_with_its_headers(mktctl, history) -> None:
    (history / "events.csv").write_text("手机号,行为\n13912340001,下载文件\n", encoding="utf-8")

    run = mktctl("simulate", "playbook", "--leads", "leads.csv", "--events", "events.csv", "--out", "out",
                 cwd=history)

    assert run.code == 1
    assert "行为时间" in run.stderr and "Traceback" not in run.stderr



def test_blank_lines_in_the_events_file_are_no_rows_even_the_first_one(mktctl, history) -> None:
    header, *rows = EVENTS.strip("\n").split("\n")
    (history / "events.csv").write_text("\n".join([header, "", *rows, ""]) + "\n", encoding="utf-8")

    run = mktctl("simulate", "playbook", "--leads", "leads.csv", "--events", "events.csv", "--out", "out",
                 "--workers", "0", cwd=history)

    assert run.code == 0, run.stderr
    with (history / "out" / "events.csv").open(encoding="utf-8") as handle:
        assert [row["row"] for row in csv.DictReader(handle)] == [str(r) for r in range(3, 3 + len(rows))]

def test_a_start_that_is_not_a_date_is_a_usage_error(mktctl, history) -> None:
    run = mktctl("simulate", "playbook", "--leads", "leads.csv", "--out", "out", "--start", "March", cwd=history)

    assert run.code == 2
    assert "--start" in run.stderr


@pytest.mark.parametrize(("files", "args", "said"), [
    ({"playbook/mktctl.yaml": "version: 1\nname: x\nscoring_models: [\n"}, [], r"mktctl\.yaml:\d+:\d+: error: YAML"),
    ({"leads.csv": "foo,bar\n1,2\n"}, [], "no lead columns recognised in row 1"),
    ({"events.csv": "PK\x03\x04 not a workbook"}, ["--events", "events.xlsx"], "damaged"),
    ({"leads.csv": "姓名,公司名称,手机号\n王芳,远航科技有限公司,13912340001\n"}, [], "--start YYYY-MM-DD"),
], ids=["a broken playbook", "a lead file without lead columns", "a damaged events workbook", "no date anywhere"])
def test_bad_input_is_a_user_error_with_its_place_and_never_a_traceback(mktctl, history, files, args, said) -> None:
    for name, text in files.items():
        (history / name).write_text(text, encoding="utf-8")
    if args[1:] == ["events.xlsx"]:
        (history / "events.csv").rename(history / "events.xlsx")

    run = mktctl("simulate", "playbook", "--leads", "leads.csv", *args, "--out", "out", cwd=history)

    assert run.code == 1, run.stderr
    assert re.search(said, run.stderr), run.stderr
    assert "Traceback" not in run.stderr


def test_the_workbook_speaks_the_report_language_and_the_csv_files_keep_codes_and_stay_text(mktctl, history
                                                                                             ) -> None:
    from openpyxl import load_workbook

    (history / "leads.csv").write_text(LEADS + "=HYPERLINK(\"x\"),恶意公司,13912340009,上海,2026-03-02 09:00\n",
                                       encoding="utf-8")

    run = mktctl("simulate", "playbook", "--leads", "leads.csv", "--events", "events.csv", "--out", "en",
                 "--workers", "0", "--lang", "en", cwd=history)

    assert run.code == 0, run.stderr
    book = load_workbook(history / "en" / "summary.xlsx", read_only=True)
    people = list(book["People"].iter_rows(values_only=True))
    assert people[0][:4] == ("Row", "Status", "Reason", "Person (lead row)")
    assert {row[1] for row in people[1:]} == {"person", "duplicate", "rejected"}
    rejected = list(book["Rejected events"].iter_rows(values_only=True))
    assert [row[:4] for row in rejected[1:]] == [("8", "rejected", "invalid_time", "行为时间"),
                                                  ("9", "rejected", "unknown_behaviour", "行为")]
    with (history / "en" / "people.csv").open(encoding="utf-8") as handle:
        rows = {row["row"]: row for row in csv.DictReader(handle)}
    assert rows["7"]["name"] == "'=HYPERLINK(\"x\")" and rows["7"]["status"] == "person"


def test_a_result_file_that_cannot_be_written_leaves_the_last_results_as_they_were(history, monkeypatch) -> None:
    from mktctl.deliver import simulation as deliver
    from mktctl.rules.simulate import SimulateOptions

    out = history / "out"
    first = deliver.run_simulation(history / "playbook", history / "leads.csv", history / "events.csv", out,
                                   SimulateOptions(processes=0))
    before = {path.name: path.read_bytes() for path in out.iterdir()}

    def full_disk(frame, path) -> None:
        path.write_text("half a file", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(deliver, "_write_csv", full_disk)
    with pytest.raises(OSError, match="No space"):
        deliver.write_files(first.simulation, out, lang="en", generated_at="later")

    assert {path.name: path.read_bytes() for path in out.iterdir()} == before  # no file replaced, no part left
