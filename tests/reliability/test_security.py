"""Leak nothing: secrets, personal data and formulas; refuse hostile spreadsheets.

(a) secrets from the environment (tenant credentials in ``MKTCTL_*``, a playbook value from
    ``${env:...}``) never reach a file under the playbook folder or a result folder, nor the console, nor
    the log of a crash;
(b) phones and emails are masked on the console unless ``--show-pii``; result files are 0600; ``leads
    purge`` removes them;
(c) client data that looks like a formula stays text in every spreadsheet mktctl writes;
(d) hostile spreadsheets get a clear error and exit 1, quickly and within a memory ceiling.

The sandbox's own guards (loopback only, credentials on every call, corps isolated, body size limit) are
tested in tests/sandbox (test_sandbox_server.py, test_sandbox_token.py, test_sandbox_isolation.py,
test_sandbox_limits.py, test_sandbox_hostile.py).
"""

from __future__ import annotations

import csv
import json
import re
import resource
import secrets
import stat
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from tests.helpers.served import Wire
from tests.reliability.hostile import HOSTILE
from tests.reliability.support import (
    Done,
    base_env,
    mktctl_command,
    read_results,
    record_figures,
    run,
    write_messy_csv,
)
from tests.reliability.test_apply_faults import environment

pytestmark = [pytest.mark.e2e, pytest.mark.served]

PAYLOADS = ('=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", "\t=1", "\r=1")
PLAYBOOK = """version: 1
name: 密钥演练
departments:
  - name: 市场部
users:
  - employee_number: E001
    name: 张三
    mobile: '13900001111'
    email: zhang.san@corp.cn
    department: 市场部
  - employee_number: E002
    name: 李四
    mobile: '13900002222'
    department: 市场部
wecom:
  corp_name: 示例科技
  authorisation_url: ${env:WECOM_AUTH_URL}
"""


def everything_written(root: Path, *, skip: tuple[str, ...] = ()) -> list[Path]:
    """Every file under ``root`` (hidden ones too), except the names in ``skip``."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.name not in skip
                  and not any(p.name.startswith(s) for s in skip))


def leaks(values: dict[str, str], files: list[Path], outputs: list[Done]) -> list[str]:
    found = []
    for path in files:
        data = path.read_bytes()
        found += [f"{name} in {path}" for name, value in values.items() if value.encode() in data]
    for done in outputs:
        found += [f"{name} printed" for name, value in values.items() if value in done.output]
    return found


@pytest.fixture
def served(served_sandbox_factory):  # type: ignore[no-untyped-def]
    return served_sandbox_factory()


def small_leads(path: Path, rows: int = 40) -> Path:
    return write_messy_csv(path, rows, seed=3)


# ---- (a) secrets -----------------------------------------------------------------------------------


def test_secrets_never_reach_a_file_the_console_or_a_crash_log(tmp_path, served) -> None:
    folder = tmp_path / "playbook"
    folder.mkdir()
    (folder / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    small_leads(folder / "leads.csv")
    auth_code = secrets.token_hex(16)
    values = {**{k: v for k, v in environment(served).items() if k in ("MKTCTL_APP_SECRET", "MKTCTL_PERMANENT_CODE")},
              "WECOM_AUTH_URL": f"https://open.work.weixin.qq.com/wwopen/auth?code={auth_code}",
              "the auth code alone": auth_code}
    state = tmp_path / "state"  # crash logs go to $XDG_STATE_HOME/mktctl/crash: grepped with everything else
    env = {**base_env(tmp_path), **environment(served), "WECOM_AUTH_URL": values["WECOM_AUTH_URL"],
           "XDG_STATE_HOME": str(state)}
    commands = [
        ["validate"], ["plan", "--out", "plan.json"], ["plan", "-o", "json"], ["apply", "plan.json"],
        ["plan", "--detailed-exitcode"], ["-v", "apply", "--yes"], ["plan", "-o", "markdown"], ["steps"],
        ["checklist", "-o", "xlsx", "--out", "checklist.xlsx"], ["report", "--out", "report.html"],
        ["workbook", "export", "--out", "workbook.xlsx"],
        ["leads", "check", "leads.csv", "--out", "check"], ["leads", "import", "leads.csv", "--out", "import"],
        ["-v", "leads", "link", "--out", "link"],
    ]
    outputs = [run(args, folder, env) for args in commands]
    codes = {" ".join(args): done.code for args, done in zip(commands, outputs, strict=True)}
    assert codes["apply plan.json"] == 0 and codes["leads import leads.csv --out import"] == 0, codes
    assert codes["plan --detailed-exitcode"] == 0, outputs[4].output

    # two crashes, with the secret in the exception: a bug while importing, a bug while applying
    crashes = [crash(folder, env, "mktctl.leads.importer._Plan", "prepare",
                     "lambda *a, **k: boom('the app secret is ' + os.environ['MKTCTL_APP_SECRET'] + ' and ' + "
                     "os.environ['MKTCTL_PERMANENT_CODE'])", ["leads", "import", "leads.csv", "--out", "crash"]),
               crash(folder, env, "mktctl.tenant.extension", "upsert_setting",
                     "lambda tenant, kind, key, spec: boom(f'cannot store {spec!r}')", ["apply", "--yes"],
                     playbook_change=("示例科技", "示例科技二"))]
    logs = sorted((state / "mktctl" / "crash").glob("crash-*.log"))
    assert [c.code for c in crashes] == [3, 3], [c.output for c in crashes]
    assert all("internal error" in c.stderr and "this is a bug in mktctl" in c.stderr for c in crashes)
    assert logs and all(stat.S_IMODE(log.stat().st_mode) == 0o600 for log in logs)
    texts = [log.read_text(encoding="utf-8") for log in logs]
    assert any("***" in text and "RuntimeError" in text for text in texts), texts

    with served.store.reading() as db:
        tokens = [row["token"] for row in db.execute("SELECT token FROM tokens")]
    values.update({f"access token {i}": token for i, token in enumerate(tokens)})
    # the sandbox's database is the tenant itself; report.html: test_the_delivery_report_holds_no_secret
    files = everything_written(tmp_path, skip=("served-", "report.html"))
    found = leaks(values, files, outputs + crashes)
    assert not found, found
    assert {p.name for p in files} >= {"plan.json", "mktctl.lock.yaml", "journal.jsonl", "audit.jsonl", "results.csv",
                                        "summary.json", "checklist.xlsx", "workbook.xlsx"}
    record_figures("secrets grep", {"secret_values": len(values), "files_grepped": len(files),
                                    "bytes_grepped": sum(p.stat().st_size for p in files),
                                    "commands": len(commands) + len(crashes), "crash_logs": len(logs), "leaks": 0})


def test_the_delivery_report_holds_no_secret(tmp_path) -> None:
    code = secrets.token_hex(16)
    (tmp_path / "mktctl.yaml").write_text(
        "version: 1\nname: 报告\nwecom:\n  corp_name: 示例科技\n  authorisation_url: ${env:WECOM_AUTH_URL}\n",
        encoding="utf-8")
    env = {**base_env(tmp_path), "WECOM_AUTH_URL": f"https://open.work.weixin.qq.com/wwopen/auth?code={code}"}
    done = run(["report", "--out", "report.html"], tmp_path, env)
    assert done.code == 0, done.output
    assert code not in (tmp_path / "report.html").read_text(encoding="utf-8")


def crash(folder: Path, env: dict[str, str], module: str, name: str, replacement: str, args: list[str], *,
          playbook_change: tuple[str, str] | None = None) -> Done:
    """Run ``mktctl ARGS`` with ``module.name`` replaced by a function that raises: a bug."""
    if playbook_change is not None:
        entry = folder / "mktctl.yaml"
        entry.write_text(entry.read_text(encoding="utf-8").replace(*playbook_change), encoding="utf-8")
    target, _, attribute = module.rpartition(".") if module.endswith("_Plan") else (module, "", "")
    driver = (
        "import importlib, os, sys\n"
        "def boom(message):\n    raise RuntimeError(message)\n"
        f"holder = importlib.import_module({target or module!r})\n"
        + (f"holder = getattr(holder, {attribute!r})\n" if attribute else "")
        + f"setattr(holder, {name!r}, {replacement})\n"
        "from mktctl.cli.main import main\nsys.exit(main(sys.argv[1:]))\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", driver, *args], cwd=folder, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False)
    return Done(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


# ---- (b) personal data -----------------------------------------------------------------------------


def test_personal_data_is_masked_private_and_purged(tmp_path, served) -> None:
    folder = tmp_path / "playbook"
    folder.mkdir()
    (folder / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    leads = small_leads(folder / "leads.csv", 60)
    env = {**base_env(tmp_path), **environment(served), "WECOM_AUTH_URL": "https://example.cn/auth?code=x"}

    plan = run(["plan"], folder, env)
    shown = run(["plan", "--show-pii"], folder, env)
    applied = run(["apply", "--yes"], folder, env)
    assert plan.code == shown.code == applied.code == 0, plan.output + shown.output + applied.output
    assert "13900001111" not in plan.output and "zhang.san@corp.cn" not in plan.output
    assert "****" in plan.output
    assert "13900001111" in shown.output

    checked = run(["leads", "check", "leads.csv", "--out", "check"], folder, env)
    imported = run(["leads", "import", "leads.csv", "--out", "import"], folder, env)
    with_pii = run(["leads", "check", "leads.csv", "--out", "check", "--show-pii"], folder, env)
    wire = Wire(served.url, served.corp)
    wire.create("ContactObj", name="王五", mobile1=first_mobile(folder / "import"))
    wire.close()
    linked = run(["leads", "link", "--out", "link"], folder, env)
    assert checked.code == imported.code == linked.code == 0, checked.output + imported.output + linked.output
    people = personal_values(folder / "import", leads)
    for done in (plan, applied, checked, imported, linked):
        printed = [v for v in people if v in done.output]
        assert not printed, printed[:5]
    assert any(v in with_pii.output for v in people)
    # nor in the logs mktctl keeps: the audit log, the apply journal, the ledger
    for path in everything_written(folder / ".mktctl"):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not [v for v in [*people, "13900001111", "zhang.san@corp.cn"] if v in text], path

    for out in ("check", "import", "link"):
        folder_mode = stat.S_IMODE((folder / out).stat().st_mode)
        assert folder_mode == 0o700, (out, oct(folder_mode))
        for path in everything_written(folder / out):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path, oct(path.stat().st_mode))

    (folder / "import" / "客户原始文件.xlsx").write_bytes(b"the client's own file: never touched")
    purged = run(["leads", "purge", "--out", "import"], folder, env)
    assert purged.code == 0, purged.output
    assert "removed 3 file(s)" in purged.stdout and "results.csv" in purged.stdout and "journal.jsonl" in purged.stdout
    assert sorted(p.name for p in (folder / "import").iterdir()) == ["summary.json", "客户原始文件.xlsx"]
    refused = run(["leads", "purge", "--out", "."], folder, env)
    assert refused.code == 1 and "not a lead result folder" in refused.stderr and "Traceback" not in refused.output
    assert (folder / "mktctl.yaml").exists() and (folder / "leads.csv").exists()


def first_mobile(out: Path) -> str:
    return next(unplain for r in read_results(out) if (unplain := r["mobile_e164"]) and r["status"] == "accepted")


def personal_values(out: Path, source: Path) -> list[str]:
    """The phones and emails of the file, as written and as normalised (long enough to be unambiguous)."""
    values = set()
    for row in read_results(out):
        values.update(v for v in (row["mobile_e164"], row["email"]) if len(v) > 6)
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values.update(v.strip() for v in (row["手机号码"], row["邮箱"]) if len(v.strip()) > 6)
    return sorted(values)


# ---- (c) formulas ----------------------------------------------------------------------------------


def decode_ooxml(text: str) -> str:
    """``_x000D_`` → a carriage return: how xlsxwriter escapes control characters (openpyxl leaves it)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def cells(path: Path) -> list[tuple[str, str, object, str]]:
    book = openpyxl.load_workbook(path)
    return [(sheet.title, cell.coordinate, cell.value, cell.data_type)
            for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_formula_safe(path: Path, payloads: tuple[str, ...], *, exact: bool = True) -> int:
    """No cell of ``path`` is a formula; each payload is in some cell as it was (or inside a longer text)."""
    found = cells(path)
    formulas = [c for c in found if c[3] == "f"]
    assert not formulas, formulas[:5]
    texts = [decode_ooxml(str(v)) for _, _, v, t in found if t == "s"]
    for payload in payloads:
        assert any((t == payload) if exact else (payload in t) for t in texts), (path.name, payload)
    return len(found)


def test_formulas_from_client_data_stay_text(tmp_path, served) -> None:
    folder = tmp_path / "playbook"
    folder.mkdir()
    rows = []
    for i, payload in enumerate(PAYLOADS):
        rows.append([payload, f"公司{i}", f"1391234{i:04d}", "", f"p{i}@corp.cn", payload])  # accepted
        rows.append([f"客户{i}", payload, payload, payload, payload, ""])  # rejected: no valid contact
    rows += [[f"邮箱{i}", f"邮箱公司{i}", "", "", email, ""]
             for i, email in enumerate(("=1+1@corp.cn", "-2+3@corp.cn", "+1@corp.cn"))]  # valid emails
    with (folder / "leads.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "公司名称", "手机号码", "座机", "邮箱", "备注", '=HYPERLINK("http://evil","x")'])
        writer.writerows(rows)
    env = {**base_env(tmp_path), **environment(served)}

    template = run(["leads", "template", "--out", "template.xlsx"], folder, env)
    imported = run(["leads", "import", "leads.csv", "--out", "import"], folder, env)
    assert template.code == imported.code == 0, template.output + imported.output
    wire = Wire(served.url, served.corp)
    mobile = first_mobile(folder / "import")
    for payload in PAYLOADS[:3]:  # three contacts with the lead's mobile: an ambiguity for a person to settle
        wire.create("ContactObj", name=payload, mobile1=mobile)
    wire.close()
    linked = run(["leads", "link", "--objects", "contacts", "--out", "link"], folder, env)
    assert linked.code == 0, linked.output

    counted = assert_formula_safe(folder / "import" / "results.xlsx", PAYLOADS)
    assert_formula_safe(folder / "import" / "results.xlsx", ('=HYPERLINK("http://evil","x")',), exact=False)
    counted += assert_formula_safe(folder / "link" / "ambiguities.xlsx", PAYLOADS[:3])
    counted += assert_formula_safe(folder / "template.xlsx", ())
    for name in ("results.csv", "link_results.csv"):
        path = folder / ("import" if name == "results.csv" else "link") / name
        with path.open(encoding="utf-8-sig", newline="") as handle:
            risky = [value for row in csv.reader(handle) for value in row
                     if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"[+-]?\d+(\.\d+)?", value)]
        assert not risky, (name, risky[:5])
    emails = {r["email"] for r in read_results(folder / "import")}
    assert {"'=1+1@corp.cn", "'-2+3@corp.cn", "'+1@corp.cn"} <= emails  # neutralised, and recoverable

    # the deliverables of the playbook (src/mktctl/deliver): a playbook whose names are payloads
    names = "\n".join(f"  - name: {json.dumps(p)}" for p in PAYLOADS)
    (folder / "mktctl.yaml").write_text(f"version: 1\nname: 公式\ndepartments:\n{names}\n", encoding="utf-8")
    exported = run(["workbook", "export", "--out", "workbook.xlsx"], folder, env)
    checklist = run(["checklist", "-o", "xlsx", "--out", "checklist.xlsx"], folder, env)
    assert exported.code == checklist.code == 0, exported.output + checklist.output
    counted += assert_formula_safe(folder / "workbook.xlsx", PAYLOADS)
    counted += assert_formula_safe(folder / "checklist.xlsx", PAYLOADS, exact=False)
    record_figures("formula payloads", {"payloads": len(PAYLOADS) + 4, "workbooks": 5, "csv_files": 2,
                                        "cells_checked": counted, "formulas_found": 0})


# ---- (d) hostile spreadsheets ----------------------------------------------------------------------

MEMORY_CEILING = 3 << 30  # address space of the mktctl process: python, pandas and pyarrow need about 1.5 GB
TIME_CEILING_S = 30.0


def _ceiling() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_spreadsheets_get_a_clear_error(tmp_path, name: str) -> None:
    build, message = HOSTILE[name]
    path = build(tmp_path)
    started = time.monotonic()
    done = subprocess.run(mktctl_command("leads", "check", path.name, "--out", "out"), cwd=tmp_path,
                          env=base_env(tmp_path), capture_output=True, text=True, encoding="utf-8",
                          timeout=TIME_CEILING_S * 2, check=False, preexec_fn=_ceiling)
    seconds = time.monotonic() - started

    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.startswith("error: "), done.stderr
    assert message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert seconds < TIME_CEILING_S
    record_figures("hostile spreadsheet", {"input": name, "bytes": path.stat().st_size, "seconds": round(seconds, 2),
                                           "exit": done.returncode, "message": done.stderr.splitlines()[0][:160]})


def test_a_sheet_of_a_million_rows_is_read_within_the_ceilings(tmp_path) -> None:
    from tests.reliability.hostile import many_rows

    path = many_rows(tmp_path)
    done = subprocess.run(mktctl_command("leads", "check", path.name, "--out", "out"), cwd=tmp_path,
                          env=base_env(tmp_path), capture_output=True, text=True, encoding="utf-8",
                          timeout=TIME_CEILING_S * 2, check=False, preexec_fn=_ceiling)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["input"] == 2 and summary["blank_rows_skipped"] == 1_048_573

