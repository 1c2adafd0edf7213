"""A playbook's `imports:` section: `mktctl apply` imports history lead files once per content, cleaned by
the playbook's `lead_cleaning` exactly as `mktctl leads import` cleans them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mktctl.engine.session import open_session
from mktctl.leads.spec import ImportSpec, default_out_dir

pytestmark = pytest.mark.e2e

CSV = ("姓名,公司,手机,邮箱,线索来源\n"
       "张三,甲公司,13911110001,a@jia.cn,\n"
       "李四,乙公司,13911110002,,\n"
       "测试,测试公司,13800138000,,\n")


def result_folder(folder: Path) -> Path:
    """Where apply keeps the results and the journal of the entry ``data/leads.csv``."""
    return default_out_dir(folder, ImportSpec(file="data/leads.csv"))


def lead_count(folder) -> int:
    session = open_session(folder)
    try:
        return len(list(session.tenant.client.crm_iter("LeadsObj")))
    finally:
        session.close()


def test_apply_imports_a_file_once_and_again_only_when_it_changes(tmp_path, mktctl) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leads.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "mktctl.yaml").write_text("version: 1\nimports:\n  - file: data/leads.csv\n    source: 线下展会\n",
                                          encoding="utf-8")

    planned = mktctl("plan", "--detailed-exitcode")
    applied = mktctl("apply", "--yes")
    again = mktctl("plan", "--detailed-exitcode")

    assert planned.code == 2 and "+ imports/data/leads.csv" in planned.stdout
    assert applied.code == 0, applied.output
    assert again.code == 0, again.output
    assert lead_count(tmp_path) == 2  # the test row was rejected
    summary = json.loads((result_folder(tmp_path) / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"input": 3, "accepted": 2, "duplicate": 0, "rejected": 1}
    assert summary["reasons"]["test_data"] == 1
    assert summary["outcomes"]["created"] == 2

    with (tmp_path / "data" / "leads.csv").open("a", encoding="utf-8") as stream:
        stream.write("王五,丙公司,13911110003,,\n")
    changed = mktctl("plan", "--detailed-exitcode")
    reapplied = mktctl("apply", "--yes")

    assert changed.code == 2 and "~ imports/data/leads.csv" in changed.stdout
    assert reapplied.code == 0, reapplied.output
    assert lead_count(tmp_path) == 3
    assert mktctl("plan", "--detailed-exitcode").code == 0


def test_an_import_of_a_missing_file_is_a_validation_error(tmp_path, mktctl) -> None:
    (tmp_path / "mktctl.yaml").write_text("imports:\n  - file: data/missing.csv\n", encoding="utf-8")

    run = mktctl("validate")

    assert run.code == 1
    assert "mktctl.yaml:2:11: error: file 'data/missing.csv': file not found" in run.stderr


# rows 5 to 8 are rejected only by the playbook's lead_cleaning, never by the built-in rules
CLEANING_PLAYBOOK = """version: 1
lead_cleaning:
  duplicate_rules:
    - match: [mobile]
  test_data:
    names: [演示]
    mobiles: ["139-1111-0005"]
    email_domains: [qa.jia.cn]
  competitor_domains: [rival.cn]
imports:
  - file: data/leads.csv
"""
CLEANING_CSV = ("姓名,公司,手机,邮箱\n"
                "张三,甲公司,13911110001,a@jia.cn\n"  # 2 accepted
                "李四,乙公司,13911110002,\n"  # 3 accepted
                "测试,测试公司,13800138000,\n"  # 4 test data by the built-in rules
                "演示客户,丙公司,13911110004,\n"  # 5 a test name of the playbook
                "王五,丁公司,13911110005,\n"  # 6 a test mobile of the playbook
                "赵六,戊公司,13911110006,z@qa.jia.cn\n"  # 7 a test email domain of the playbook
                "钱七,己公司,13911110007,q@mail.rival.cn\n"  # 8 a competitor of the playbook
                "孙八,庚公司,+86 139 1111 0001,\n")  # 9 the same person as row 2


def cleaning_folder(folder: Path) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "leads.csv").write_text(CLEANING_CSV, encoding="utf-8")
    (folder / "mktctl.yaml").write_text(CLEANING_PLAYBOOK, encoding="utf-8")
    return folder


def without_record_ids(path: Path) -> bytes:
    """results.csv byte for byte, but each record_id (the id a tenant gave the lead: another tenant gives
    another) written as <id>."""
    raw = path.read_bytes()
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    for record_id in {row["record_id"] for row in rows if row["record_id"]}:
        raw = raw.replace(record_id.encode(), b"<id>")
    return raw


def test_apply_and_leads_import_clean_a_file_alike_with_the_playbooks_lead_cleaning(tmp_path, mktctl) -> None:
    by_command = cleaning_folder(tmp_path / "by-command")
    by_apply = cleaning_folder(tmp_path / "by-apply")

    imported = mktctl("leads", "import", "data/leads.csv", "--out", "out", cwd=by_command)
    applied = mktctl("apply", "--yes", cwd=by_apply)

    assert imported.code == 0, imported.output
    assert applied.code == 0, applied.output
    results = without_record_ids(by_command / "out" / "results.csv")
    assert without_record_ids(result_folder(by_apply) / "results.csv") == results
    rows = list(csv.DictReader(io.StringIO(results.decode("utf-8-sig"), newline="")))
    assert [(r["source_row"], r["status"], r["reason"], r["record_id"]) for r in rows] == [
        ("2", "accepted", "", "<id>"), ("3", "accepted", "", "<id>"), ("4", "rejected", "test_data", ""),
        ("5", "rejected", "test_data", ""), ("6", "rejected", "test_data", ""), ("7", "rejected", "test_data", ""),
        ("8", "rejected", "competitor", ""), ("9", "duplicate", "duplicate", "<id>")]
    assert lead_count(by_apply) == lead_count(by_command) == 2


def test_a_change_of_the_lead_cleaning_plans_the_import_again(tmp_path, mktctl) -> None:
    folder = cleaning_folder(tmp_path)
    assert mktctl("apply", "--yes").code == 0
    assert mktctl("plan", "--detailed-exitcode").code == 0

    playbook = folder / "mktctl.yaml"
    playbook.write_text(playbook.read_text(encoding="utf-8").replace("[rival.cn]", "[rival.cn, jia.cn]"),
                        encoding="utf-8")
    changed = mktctl("plan", "--detailed-exitcode")

    assert changed.code == 2 and "~ imports/data/leads.csv" in changed.stdout, changed.output


def test_cleaning_rules_are_built_from_the_playbooks_lead_cleaning(tmp_path) -> None:
    from mktctl.kinds.imports import cleaning_rules
    from mktctl.leads.rules import NO_RULES, CleaningRules
    from mktctl.playbook.load import load_playbook

    playbook, _ = load_playbook(cleaning_folder(tmp_path / "with"))
    (tmp_path / "without").mkdir()
    (tmp_path / "without" / "mktctl.yaml").write_text("version: 1\n", encoding="utf-8")
    bare, _ = load_playbook(tmp_path / "without")

    assert cleaning_rules(playbook) == CleaningRules(
        competitor_domains=("rival.cn",), test_names=("演示",), test_mobiles=("139-1111-0005",),
        test_email_domains=("qa.jia.cn",))
    assert cleaning_rules(bare) == NO_RULES


def test_without_lead_cleaning_an_imports_digest_is_what_it_was(tmp_path) -> None:
    """A ledger written before imports were cleaned by the playbook does not plan them again."""
    import hashlib

    from mktctl.base.digest import digest
    from mktctl.playbook.load import load_playbook

    folder = cleaning_folder(tmp_path)
    (folder / "mktctl.yaml").write_text("version: 1\nimports:\n  - file: data/leads.csv\n", encoding="utf-8")
    playbook, _ = load_playbook(folder)
    (resource,) = playbook.of("imports")
    content = hashlib.sha256((folder / "data" / "leads.csv").read_bytes()).hexdigest()

    wanted = resource.kind.job_digest(resource.spec, playbook)

    before = {k: v for k, v in resource.spec.model_dump(mode="json").items() if k != "columns"}  # added later
    assert wanted == digest({"spec": before, "file": content})


def test_apply_says_an_imports_estimate_at_the_tenants_limit_before_it_starts(tmp_path, mktctl) -> None:
    """A tenant profile with a rate limit and a daily quota too small for the job: apply says, before the
    import writes, how long it takes at the limit, how many days of quota it needs, and which journal lets
    the next day's apply continue."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leads.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "mktctl.yaml").write_text("version: 1\nimports:\n  - file: data/leads.csv\n", encoding="utf-8")
    (tmp_path / "mktctl.tenants.yaml").write_text(
        "tenants:\n  limited:\n    sandbox: {}\n    rate_limit: {calls: 100, per_seconds: 1}\n    daily_quota: 3\n",
        encoding="utf-8")

    applied = mktctl("--tenant", "limited", "apply", "--yes")

    assert applied.code == 0, applied.output
    said = " ".join(applied.stderr.split())
    assert "+ imports/data/leads.csv: estimate: at most 2 leads to write and 2 lookups, side by side at " \
           "100 calls / 1 s per interface: under a minute" in said
    journal = result_folder(tmp_path) / "journal.jsonl"
    assert "6 calls do not fit in the tenant's daily OpenAPI quota of 3 calls a day: the job takes 2 days" in said
    assert f"the journal ({journal}) skips what is done" in said
    assert said.index("estimate:") < said.index("[1/1] + imports/data/leads.csv"), "said before the step is done"
    assert lead_count(tmp_path) == 2


def test_apply_says_no_estimate_without_a_rate_limit(tmp_path, mktctl) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leads.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "mktctl.yaml").write_text("version: 1\nimports:\n  - file: data/leads.csv\n", encoding="utf-8")

    applied = mktctl("apply", "--yes")

    assert applied.code == 0, applied.output
    assert "estimate:" not in applied.stderr
