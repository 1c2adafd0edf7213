"""Values that ended in an internal error (exit 3) and now get exit 1 and a message that says where.

* YAML: one scalar policy in the loader, for every reader of YAML: a whole number of 4,300 digits, a YAML 1.1
  base-60 number (``1:30``, ``1:30.5``), ``.nan`` and ``1e400``, a lone surrogate (``"\\udc80"``), a NUL
  (``"a\\0b.yaml"``, which no file name can hold) - each refused at ``file:line:col``.
* Settings: one parser of numbers (``mktctl.base.numbers``) for ``timeout_seconds``, ``rate_limit`` and
  ``MKTCTL_RATE_LIMIT``; one check of a tenant URL; each message names the setting (the variable, or the
  profile's ``file:line:col``).
* Sandbox data files: one check where the store opens them; a file that is not a sandbox's SQLite database is
  refused with its name and left as it is.
"""

from __future__ import annotations

import math
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktctl.base.numbers import setting_number, setting_rate
from mktctl.base.yamlload import load_yaml_text
from mktctl.errors import DataFileError, MktctlError, PlaybookError, SettingsError
from tests.reliability.support import base_env, record_figures, run
from tests.reliability.test_hostile_yaml import READERS

# ---- YAML scalars --------------------------------------------------------------------------------------

SCALARS = {
    "a 4,300-digit whole number": ("n: " + "9" * 4300, "1:4", "is a whole number of 4,300 digits"),
    "a hexadecimal number of 5,000 digits": ("n: 0x" + "f" * 5000, "1:4", "is a whole number of 5,000 digits"),
    "a whole number past 64 bits": ("n: 9223372036854775808", "1:4", "beyond 64 bits"),
    "a YAML 1.1 base-60 float": ("%YAML 1.1\n---\nn: 1:30.5", "3:4", "'1:30.5' is a YAML 1.1 base-60 number"),
    "a YAML 1.1 base-60 whole number": ("%YAML 1.1\n---\nn: 190:20:30", "3:4", "is a YAML 1.1 base-60 number"),
    "not a number": ("n: .nan", "1:4", "'.nan' is not a finite number"),
    "infinity": ("n: -.inf", "1:4", "'-.inf' is not a finite number"),
    "a float past the largest": ("n: 1e400", "1:4", "'1e400' is too large a number"),
    "an explicit !!int that is not one": ("n: !!int twelve", "1:4", "'twelve' is not a whole number"),
    "an explicit !!float that is not one": ("n: !!float 1.2.3", "1:4", "'1.2.3' is not a number mktctl can read"),
    "a lone surrogate": ('n: "\\udc80"', "1:4", "a lone surrogate (\\udc80)"),
    "a lone surrogate in a key": ('"\\ud800": 1', "1:1", "a lone surrogate (\\ud800)"),
    "a NUL in a file name": ('include: ["a\\0b.yaml"]', "1:11", "a NUL character (\\0)"),
    "a NUL written as \\x00": ('n: "x\\x00"', "1:4", "a NUL character"),
}


@pytest.mark.parametrize("name", list(SCALARS))
def test_the_yaml_scalar_policy_refuses_at_the_position(name: str) -> None:
    text, where, message = SCALARS[name]
    with pytest.raises(PlaybookError) as caught:
        load_yaml_text(text, "p.yaml")
    assert str(caught.value).startswith(f"p.yaml:{where}: "), str(caught.value)
    assert message in str(caught.value)
    assert "quote it if it is text" in str(caught.value) or "remove it" in str(caught.value)


def test_numbers_within_the_policy_are_read_as_numbers() -> None:
    text = ("a: 9223372036854775807\nb: -9223372036854775808\nc: 0x7FFFFFFFFFFFFFFF\nd: 1.5e300\ne: 0o17\n"
            "f: '1:30'\ng: 1:30\nh: 1_000\n")
    assert load_yaml_text(text, "p.yaml").data == {"a": 2**63 - 1, "b": -(2**63), "c": 2**63 - 1, "d": 1.5e300,
                                                   "e": 15, "f": "1:30", "g": "1:30", "h": 1000}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("value", ['"\\udc80"', "9" * 4300, '"a\\0b"'])
def test_every_yaml_reader_applies_the_scalar_policy(tmp_path: Path, reader: str, value: str) -> None:
    text = f"x-probe: {value}\n"
    with pytest.raises(MktctlError) as caught:
        READERS[reader](tmp_path, text)
    assert ":1:10: " in str(caught.value) or ":3:10: " in str(caught.value), str(caught.value)


PROBES = {  # the probes of the report, run as a user would
    "4,300-digit whole number": "version: 1\nname: p\ndescription: " + "9" * 4300 + "\n",
    "YAML 1.1 base-60 float": "%YAML 1.1\n---\nversion: 1\nname: p\ndescription: 1:30.5\n",
    "lone surrogate escape": 'version: 1\nname: "\\udc80"\n',
    "NUL in a file name": 'version: 1\nname: p\ninclude: ["a\\0b.yaml"]\n',
}


def test_validate_answers_each_probe_with_exit_1_and_a_position(tmp_path: Path) -> None:
    for name, text in PROBES.items():
        (tmp_path / "mktctl.yaml").write_text(text, encoding="utf-8")
        done = run(["validate"], tmp_path, base_env(tmp_path))
        assert done.code == 1, (name, done.output)
        assert done.stderr.startswith("mktctl.yaml:"), (name, done.stderr)
        assert "Traceback" not in done.output and "internal error" not in done.output
        record_figures("hostile value", {"input": name, "command": "validate", "exit": done.code,
                                         "message": done.stderr.splitlines()[0][:120]})


# ---- settings ------------------------------------------------------------------------------------------

ENV = {"MKTCTL_TENANT_URL": "http://127.0.0.1:9", "MKTCTL_APP_ID": "FSAID_1", "MKTCTL_APP_SECRET": "s3cret-value",
       "MKTCTL_PERMANENT_CODE": "perm-code-value", "MKTCTL_OPEN_USER_ID": "FSUID_1"}
PROFILE = ("tenants:\n  prod:\n    url: {url}\n    app_id: FSAID_1\n    app_secret: ${{env:S}}\n"
           "    permanent_code: ${{env:P}}\n    open_user_id: FSUID_1\n    timeout_seconds: {timeout}\n"
           "    rate_limit: {{calls: {calls}, per_seconds: {seconds}}}\n")


def profile(folder: Path, *, url: str = "https://open.fxiaoke.com", timeout: str = "30", calls: str = "100",
            seconds: str = "20") -> None:
    text = PROFILE.format(url=url, timeout=timeout, calls=calls, seconds=seconds)
    (folder / "mktctl.tenants.yaml").write_text(text, encoding="utf-8")


def resolve_profile(folder: Path) -> object:
    from mktctl.tenant.settings import resolve

    return resolve(folder, "prod", environ={"S": "secret-one", "P": "secret-two"}, home=folder)


@pytest.mark.parametrize(("setting", "value", "where", "message"), [
    ("timeout", "abc", "8:22: tenant 'prod' timeout_seconds", "'abc' is not a number"),
    ("timeout", "-1", "8:22: tenant 'prod' timeout_seconds", "-1 is out of range; expected more than 0"),
    ("timeout", "0", "8:22: tenant 'prod' timeout_seconds", "0 is out of range"),
    ("timeout", "'.inf'", "8:22: tenant 'prod' timeout_seconds", "'.inf' is not a number"),
    ("timeout", "'1e400'", "8:22: tenant 'prod' timeout_seconds", "'1e400' is not a finite number"),
    ("timeout", "[30]", "8:22: tenant 'prod' timeout_seconds", "expected a number, not a list"),
    ("timeout", "true", "8:22: tenant 'prod' timeout_seconds", "expected a number, not true"),
    ("calls", "1.5", "9:25: tenant 'prod' rate_limit.calls", "1.5 is not a whole number"),
    ("calls", "0", "9:25: tenant 'prod' rate_limit.calls", "0 is out of range; expected at least 1"),
    ("seconds", "-20", "9:43: tenant 'prod' rate_limit.per_seconds", "-20 is out of range"),
    ("url", "'http://[::1'", "3:10: tenant 'prod' url", "is not a URL (Invalid IPv6 URL)"),
    ("url", "'http://127.0.0.1:abc'", "3:10: tenant 'prod' url", "is not a URL (Port could not be cast"),
    ("url", "'http://xn--zz'", "3:10: tenant 'prod' url", "is not a URL (Invalid A-label)"),
    ("url", "'htp:/x'", "3:10: tenant 'prod' url", "is not an http(s) URL (the scheme 'htp')"),
    ("url", "'http://'", "3:10: tenant 'prod' url", "is not an http(s) URL (no host)"),
    ("url", "'https://h:99999'", "3:10: tenant 'prod' url", "is not a URL (Port out of range 0-65535)"),
    ("url", "'https://h:0'", "3:10: tenant 'prod' url", "port 0 does not exist (1 to 65535)"),
    ("url", "'https://a b'", "3:10: tenant 'prod' url", "a URL has no spaces"),
])
def test_a_wrong_profile_setting_names_its_position(tmp_path: Path, setting: str, value: str, where: str,
                                                    message: str) -> None:
    profile(tmp_path, **{setting: value})
    with pytest.raises(SettingsError) as caught:
        resolve_profile(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'mktctl.tenants.yaml'}:{where}: "), str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize("value", ["1/inf", "1/nan", "1/1e400", "1/0", "0/20", "1.5/20", "-1/20", "1/-5", "1/",
                                   "100", "ten/20", "1/" + "9" * 50, "1/２０"])
def test_a_wrong_rate_limit_variable_names_the_variable(value: str) -> None:
    from mktctl.tenant.settings import resolve

    with pytest.raises(SettingsError) as caught:
        resolve(Path.cwd(), None, environ={**ENV, "MKTCTL_RATE_LIMIT": value}, home=Path.cwd())
    assert str(caught.value).startswith("MKTCTL_RATE_LIMIT"), str(caught.value)
    assert "0 for no limit" in (caught.value.hint or "")


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:abc", "http://xn--zz", "ftp://h", "http://a b/",
                                 "http://h:0"])
def test_a_malformed_tenant_url_variable_names_the_variable(url: str) -> None:
    from mktctl.tenant.settings import resolve

    with pytest.raises(SettingsError, match=r"^MKTCTL_TENANT_URL: "):
        resolve(Path.cwd(), None, environ={**ENV, "MKTCTL_TENANT_URL": url}, home=Path.cwd())


def test_good_settings_are_read_as_before(tmp_path: Path) -> None:
    from mktctl.tenant.settings import resolve

    profile(tmp_path, url="https://open.fxiaoke.com/", timeout="12.5", calls="50", seconds="10")
    read = resolve_profile(tmp_path)
    assert (read.url, read.timeout_s, read.rate_limit.calls, read.rate_limit.per_seconds) == (  # type: ignore[attr-defined]
        "https://open.fxiaoke.com", 12.5, 50, 10.0)
    env = resolve(tmp_path, None, environ={**ENV, "MKTCTL_RATE_LIMIT": " 7/0.5 "}, home=tmp_path)
    assert (env.rate_limit.calls, env.rate_limit.per_seconds) == (7, 0.5)  # type: ignore[union-attr]


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(max_size=12), st.floats(), st.integers(), st.booleans(), st.none()),
       low=st.sampled_from([0.0, 1.0]), above=st.booleans(), whole=st.booleans())
def test_a_setting_is_a_finite_number_in_range_or_a_settings_error(value: object, low: float, above: bool,
                                                                     whole: bool) -> None:
    try:
        number = setting_number(value, name="X", low=low, high=1000.0, above=above, whole=whole)
    except SettingsError as error:
        assert str(error).startswith("X: ")
        return
    assert math.isfinite(number) and low <= number <= 1000.0 and not (above and number == low)
    assert not whole or number.is_integer()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789./-+eEinfa ", max_size=10))
def test_a_rate_is_calls_and_a_positive_window_or_a_settings_error(text: str) -> None:
    try:
        calls, seconds = setting_rate(text, name="R")
    except SettingsError:
        return
    assert calls >= 1 and 0 < seconds < math.inf


def test_the_rate_limit_and_url_probes_exit_1_with_the_variable_named(tmp_path: Path) -> None:
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: p\n", encoding="utf-8")
    probes = {"MKTCTL_RATE_LIMIT=1/inf": {**ENV, "MKTCTL_RATE_LIMIT": "1/inf"},
              "MKTCTL_TENANT_URL=http://[::1": {**ENV, "MKTCTL_TENANT_URL": "http://[::1"}}
    for name, variables in probes.items():
        done = run(["plan"], tmp_path, {**base_env(tmp_path), **variables})
        assert done.code == 1, done.output
        assert done.stderr.startswith(f"error: {name.split('=')[0]}"), done.stderr
        assert "Traceback" not in done.output
        record_figures("hostile value", {"input": name, "command": "plan", "exit": done.code,
                                         "message": done.stderr.splitlines()[0][:120]})
    profile(tmp_path, timeout=".nan")
    done = run(["--tenant", "prod", "plan"], tmp_path, {**base_env(tmp_path), "S": "x" * 8, "P": "y" * 8})
    assert done.code == 1 and "mktctl.tenants.yaml:8:22: " in done.stderr, done.output
    record_figures("hostile value", {"input": "timeout_seconds: .nan", "command": "plan", "exit": done.code,
                                     "message": done.stderr.splitlines()[0][:120]})


# ---- sandbox data files --------------------------------------------------------------------------------


def junk(folder: Path) -> Path:
    path = folder / "junk.db"
    path.write_bytes(os.urandom(4096))
    return path


def damaged(folder: Path) -> Path:
    path = folder / "damaged.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    return path


def another_program(folder: Path) -> Path:
    path = folder / "places.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.db"
    os.mkfifo(path)
    return path


DATA_FILES = {
    "random bytes": (junk, "not a sandbox data file (it is not a SQLite database)"),
    "a damaged SQLite header": (damaged, "not a sandbox data file (SQLite says: "),
    "another program's database": (another_program, "a SQLite database of other tables (moz_places)"),
    "a FIFO": (fifo, "is a FIFO (named pipe), not a sandbox data file"),
    "a device": (lambda folder: Path("/dev/zero"), "is a device, not a sandbox data file"),
    "a folder": (lambda folder: folder, "is a folder, not a sandbox data file"),
}


@pytest.mark.parametrize("name", list(DATA_FILES))
def test_a_file_that_is_no_sandbox_data_is_refused_and_left_as_it_is(tmp_path: Path, name: str) -> None:
    from mktctl.sandbox.store import Store

    build, message = DATA_FILES[name]
    path = build(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(DataFileError) as caught:
        Store(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value), str(caught.value)
    assert caught.value.file == str(path)
    if before is not None:
        assert path.read_bytes() == before


def test_sandbox_commands_and_profiles_refuse_a_non_sqlite_data_file(tmp_path: Path) -> None:
    path = junk(tmp_path)
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: p\n", encoding="utf-8")
    (tmp_path / "mktctl.tenants.yaml").write_text("tenants:\n  local:\n    sandbox: {data: junk.db}\n",
                                                  encoding="utf-8")
    for args in (["sandbox", "credentials", "--data", "junk.db"], ["sandbox", "reset", "--yes", "--data", "junk.db"],
                 ["--tenant", "local", "plan"]):
        done = run(args, tmp_path, base_env(tmp_path))
        assert done.code == 1, done.output
        assert "junk.db: not a sandbox data file" in done.stderr and "Traceback" not in done.output
        record_figures("hostile value", {"input": "4 KB of random bytes as sandbox data", "command": " ".join(args),
                                         "exit": done.code, "message": done.stderr.splitlines()[0][:120]})
    assert path.stat().st_size == 4096
