"""``mktctl sandbox serve | credentials | reset``, run as the real command in a subprocess."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from mktctl.sandbox.server import serve_in_thread
from mktctl.sandbox.store import Corp, Store
from tests.conftest import RunMktctl
from tests.helpers.served import TOKEN_PATH, mktctl_env, served_process

pytestmark = pytest.mark.e2e
DATA = Path(".mktctl") / "sandbox.db"


def corp_in(data: Path) -> Corp:
    store = Store(data)
    try:
        return store.default_corp()
    finally:
        store.close()


def credentials(mktctl: RunMktctl, *args: str) -> dict[str, str]:
    run = mktctl("sandbox", "credentials", "--output", "json", *args)
    assert run.code == 0, run.output
    return dict(json.loads(run.stdout))


def test_the_sandbox_group_lists_its_commands(mktctl: RunMktctl) -> None:
    run = mktctl("sandbox", "--help")
    assert run.code == 0
    for command in ("serve", "credentials", "reset"):
        assert re.search(rf"^[│ ]\s*{command}\s", run.stdout, re.MULTILINE), command


def test_mktctl_help_imports_neither_fastapi_nor_uvicorn() -> None:
    code = ("import sys; from mktctl.cli.main import main; main(['sandbox', '--help']); "
            "heavy = sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules); "
            "print('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert "HEAVY []" in done.stdout


def test_credentials_show_the_corp_of_the_data_file_in_three_formats(mktctl: RunMktctl, tmp_path: Path) -> None:
    shown = credentials(mktctl)
    assert (tmp_path / DATA).is_file(), "the default data file is ./.mktctl/sandbox.db"
    assert set(shown) == {"url", "app_id", "app_secret", "permanent_code", "open_user_id", "corp_id", "ea",
                          "corp_name", "data"}
    assert shown["url"] == "http://127.0.0.1:8765"
    assert shown["app_id"].startswith("FSAID_") and shown["open_user_id"].startswith("FSUID_")
    assert shown["data"] == str((tmp_path / DATA).resolve())
    corp = corp_in(tmp_path / DATA)
    assert (shown["app_id"], shown["corp_id"], shown["ea"]) == (corp.app_id, corp.corp_id, corp.ea)

    table = mktctl("sandbox", "credentials")
    assert table.code == 0
    for key in ("app_id", "app_secret", "permanent_code", "open_user_id", "corp_id"):
        assert re.search(rf"│ {key}\s+│ {re.escape(shown[key])}\s+│", table.stdout), key
    assert "local test credentials" in table.stdout

    env = mktctl("sandbox", "credentials", "--output", "env", "--url", "http://127.0.0.1:9999/")
    assert env.code == 0
    assert env.stdout.splitlines() == [
        "export MKTCTL_TENANT_URL=http://127.0.0.1:9999;",
        f"export MKTCTL_APP_ID={shown['app_id']};",
        f"export MKTCTL_APP_SECRET={shown['app_secret']};",
        f"export MKTCTL_PERMANENT_CODE={shown['permanent_code']};",
        f"export MKTCTL_OPEN_USER_ID={shown['open_user_id']};",
    ]


def test_credentials_of_another_data_file(mktctl: RunMktctl, tmp_path: Path) -> None:
    mine = credentials(mktctl, "--data", "one.db")
    theirs = credentials(mktctl, "--data", str(tmp_path / "two.db"))
    assert mine["app_id"] != theirs["app_id"]


@pytest.mark.served
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_eval_of_the_env_output_points_mktctl_at_a_served_sandbox(tmp_path: Path) -> None:
    """``eval $(mktctl sandbox credentials --output env --url URL)``, then mktctl's own settings and client."""
    data = tmp_path / DATA
    script = textwrap.dedent("""
        import os, sys
        from pathlib import Path
        from mktctl.tenant.connect import open_tenant
        from mktctl.tenant.settings import resolve
        settings = resolve(Path("."))
        with open_tenant(settings) as tenant:
            print(settings.name, settings.url)
            print(tenant.client.crm_create("LeadsObj", {"name": "环境变量线索"}))
    """)
    with serve_in_thread(data) as sandbox:
        command = (f'eval $("{sys.executable}" -m mktctl sandbox credentials --data "{data}" --output env '
                   f'--url {sandbox.url}) && "{sys.executable}" -c \'{script}\'')
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=mktctl_env(tmp_path), capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        name_line, record_id = done.stdout.splitlines()
        assert name_line == f"environment {sandbox.url}"
        with sandbox.store.reading() as db:
            row = db.execute("SELECT corp_id, data FROM records WHERE id = ?", (record_id,)).fetchone()
        assert row["corp_id"] == sandbox.corp.corp_id and "环境变量线索" in row["data"]


def test_reset_refuses_without_yes_when_not_on_a_terminal(mktctl: RunMktctl, tmp_path: Path) -> None:
    before = corp_in(tmp_path / DATA)
    run = mktctl("sandbox", "reset")
    assert run.code == 1
    assert run.stderr.splitlines() == [
        f"error: refusing to reset the sandbox in {DATA} without --yes: not on a terminal",
        "hint: pass --yes to delete every corp, record and setting in it",
    ]
    assert corp_in(tmp_path / DATA) == before


def test_reset_with_yes_starts_over_with_new_credentials(mktctl: RunMktctl, tmp_path: Path) -> None:
    data = tmp_path / DATA
    with serve_in_thread(data) as sandbox:
        before = sandbox.corp
        sandbox.store.create_corp("第二家")
        run = mktctl("sandbox", "reset", "--yes")
        assert run.code == 0, run.output
        after = corp_in(data)
        assert run.stdout.strip() == f"sandbox reset: {DATA} holds one empty corp with new credentials " \
                                     f"(app id {after.app_id})"
        assert [c.app_id for c in sandbox.store.corps()] == [after.app_id], "every corp is gone but a new one"
        assert after.app_id != before.app_id and after.corp_id != before.corp_id
        old = httpx.post(sandbox.url + TOKEN_PATH, json={"appId": before.app_id, "appSecret": before.app_secret,
                                                         "permanentCode": before.permanent_code}).json()
        assert old["errorCode"] == 10006, "a served sandbox on the same file refuses the old credentials at once"


def test_reset_of_a_missing_data_file_changes_nothing(mktctl: RunMktctl, tmp_path: Path) -> None:
    run = mktctl("sandbox", "reset", "--data", "missing.db")
    assert (run.code, run.stderr.strip()) == (0, "nothing to reset: missing.db does not exist")
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--host", "0.0.0.0"], "error: refusing to serve the sandbox on 0.0.0.0: it is not a loopback address"),
    (["--faults", "5xx=2"], "error: fault spec '5xx=2': '5xx=2': a rate is between 0 and 1 (or 0% and 100%)"),
    (["--rate-limit", "fast"], "error: rate limit 'fast': expected CALLS/SECONDS, at least one call, e.g. 100/20"),
    (["--api", "private"], "'private' is not one of 'full', 'public'."),
])
def test_serve_refuses_wrong_settings_before_it_starts(mktctl: RunMktctl, args: list[str], message: str) -> None:
    run = mktctl("sandbox", "serve", "--port", "0", *args)
    assert run.code in (1, 2), run.output
    assert message in run.stderr
    assert "Traceback" not in run.output


@pytest.mark.served
def test_serve_prints_how_to_use_it_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    data = tmp_path / DATA
    with served_process(data, "--faults", "5xx=0.5,seed=1", "--rate-limit", "100/20") as served:
        statuses = [httpx.post(served.url + "/cgi/department/list", json={}).status_code for _ in range(10)]
        assert set(statuses) == {200, 500}
        code = served.stop()
    assert code == 0, served.stderr
    assert served.stdout.splitlines() == [
        f"Sandbox tenant serving at {served.url}",
        f"  data: {data.resolve()}  api: full  faults: 5xx=0.5,seed=1  rate limit: 100 calls / 20 s per interface",
        f"  credentials:        mktctl sandbox credentials --data {data}",
        f"  point mktctl at it: eval $(mktctl sandbox credentials --data {data} --output env)",
        "Press Ctrl-C to stop.",
        f"faults injected: {statuses.count(500)} in 10 calls (5xx {statuses.count(500)})",
    ]
    assert served.stderr.strip().endswith("sandbox stopped")
    assert "Traceback" not in served.stderr


@pytest.mark.served
def test_credentials_find_where_the_data_file_is_served_until_the_server_stops(mktctl: RunMktctl,
                                                                              tmp_path: Path) -> None:
    data = tmp_path / DATA
    record = data.with_name("sandbox.db.served.json")
    with served_process(data) as served:
        assert json.loads(record.read_text())["url"] == served.url
        run = mktctl("sandbox", "credentials", "--output", "env")
        assert run.code == 0, run.output
        assert f"export MKTCTL_TENANT_URL={served.url};" in run.stdout.splitlines()
        assert credentials(mktctl, "--url", "http://127.0.0.1:9999")["url"] == "http://127.0.0.1:9999", "--url wins"
        assert served.stop() == 0
    assert not record.exists(), "the record goes when the server stops"
    assert credentials(mktctl)["url"] == "http://127.0.0.1:8765"


def test_a_record_left_by_a_server_that_died_is_ignored(mktctl: RunMktctl, tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True, timeout=60)
    (tmp_path / DATA).parent.mkdir(parents=True)
    (tmp_path / ".mktctl" / "sandbox.db.served.json").write_text(json.dumps(
        {"url": "http://127.0.0.1:4444", "pid": int(dead.stdout), "data": str(tmp_path / DATA)}))
    assert credentials(mktctl)["url"] == "http://127.0.0.1:8765"


@pytest.mark.served
def test_serve_with_allow_remote_warns(tmp_path: Path) -> None:
    with served_process(tmp_path / DATA, "--host", "0.0.0.0", "--allow-remote", "--api", "public") as served:
        extension = httpx.post(served.url + "/mktctl/ext/v1/capabilities", json={})
        assert extension.status_code == 404, "--api public: no extension prefix"
        assert served.stop() == 0
    assert served.stderr.startswith("warning: serving on 0.0.0.0: anyone who can reach this machine can call the "
                                    "sandbox with its test credentials and read its data")
    assert "http://0.0.0.0:" in served.stdout
