"""Fuzzing the commands: whatever YAML, CSV, workbook, setting or file name a user gives, the answer is 0, 1 (a
user's mistake, said as such) or 2 (a usage error), never 3 (an internal error) and never a traceback.

Inputs are mutations of real files: the shipped ``standard`` playbook with values replaced by hostile
scalars (numbers past every limit, YAML 1.1 forms, escapes of surrogates and NULs, tags, aliases, merges),
its tenant profile the same way, CSV text with quotes, line breaks and delimiters in every place, and the
playbook's exported configuration workbook with hostile cell texts, damaged XML or overwritten bytes. Then the
settings of a tenant (``MKTCTL_RATE_LIMIT``, ``MKTCTL_DEADLINE``, ``MKTCTL_TENANT_URL``, ``--deadline``, a
profile's ``timeout_seconds``, ``rate_limit``, ``url``, sandbox data) given to ``plan`` against a served sandbox,
and hostile file names (a NUL, undecodable bytes, devices, links to a terminal, names too long) given to every
file option. Each command runs in this process (``mktctl.cli.main.main``, what the console script calls),
where an exit 3 is what its crash handler returns; examples are few (the suite runs on two cores).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.base.inputs import folder_or_file
from mktctl.errors import DataFileError, MktctlError
from tests.reliability.support import ROOT, in_process, record_figures

FUZZ = settings(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
EXAMPLES = 30  # per test: each example is a whole command (0.1-0.5 s); the class is shown by the variety
TALLY: Counter[str] = Counter()
REASONS: Counter[str] = Counter()


def first_error(output: str) -> str:
    return next((line for line in output.splitlines() if "error" in line.lower()), "")


def tallied(name: str, code: int, output: str, example: object, *, usage: bool = False) -> None:
    """Count the answer; fail on an exit 3, a traceback, or an exit 2 where no option can be misused."""
    TALLY[f"{name}: exit {code}"] += 1
    if code == 1:
        REASONS[f"{name}: " + re.sub(r"\S*/|\d+", "", first_error(output).split("error:")[-1]).strip()[:50]] += 1
    assert code in ((0, 1, 2) if usage else (0, 1)), f"{name} exited {code} for {example!r}:\n{output[-2000:]}"
    assert "Traceback" not in output and "internal error" not in output, f"{name}, {example!r}:\n{output[-2000:]}"


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    TALLY.clear()
    REASONS.clear()
    yield
    record_figures("command fuzz", {"examples": sum(TALLY.values()), **dict(sorted(TALLY.items())),
                                    "refusals": dict(REASONS.most_common(15))})


@pytest.fixture(scope="module")
def playbook() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mktctl-fuzz-") as name:
        folder = Path(name) / "standard"
        shutil.copytree(ROOT / "playbooks" / "standard", folder, symlinks=True)
        yield folder


# ---- YAML: validate, and the tenant profile ------------------------------------------------------------

HOSTILE_SCALARS = (
    "9" * 30, "9" * 4301, "-" + "9" * 19, "0x" + "f" * 40, "0o" + "7" * 30, "0b" + "1" * 70, "1:30", "1:30.5",
    "190:20:30.15", ".nan", "-.inf", ".Inf", "1e400", "-1e-400", "1_0", "0777", "+12", "-0", '"\\udc80"',
    '"\\ud83d"', '"a\\0b"', '"\\x00"', '"\\U0010FFFF"', '"\\e[2J"', "!!int abc", "!!float x", "!!int 0x",
    "!!binary aGk=", "!!timestamp 2024-13-45", "!!set {a, b}", "!!omap [a: 1]", "!!str 1", "!custom x",
    "!!python/object/apply:os.system ['id']", "~", "yes", "off", "Y", "'quoted'", '"tab\\there"', "[1, [2, [3]]]",
    "{a: 1, b: {c: 2}}", "[]", "{}", "2026-11-23T10:00:00Z", "13912345678", "''", "${env:MKTCTL_FUZZ_UNSET}",
    "${var.missing}", "${keyring:svc:name}", "http://[::1", "javascript:alert(1)", "*undefined", "&a x",
    "{<<: {a: 1}, b: 2}", "{<<: [{a: 1}, {a: 2, b: 3}]}", "? complex", "|\n  block", ">-\n  folded",
    "'" + "x" * 5000 + "'", "张三", "\u202eevil", "-", ": x", "true: false",
)
VALUE = st.one_of(st.sampled_from(HOSTILE_SCALARS),
                  st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(lambda t: repr(t)))
LINE = re.compile(r"^(\s*(?:- )?[\w\-\u4e00-\u9fff]+:[ ]+)(\S.*)$")


def mutate(text: str, picks: list[tuple[int, str]], yaml11: bool) -> str:
    lines = text.splitlines()
    candidates = [i for i, line in enumerate(lines) if LINE.match(line)]
    for where, value in picks:
        if candidates:
            i = candidates[where % len(candidates)]
            match = LINE.match(lines[i])
            if match is None:  # replaced already, by a value of several lines
                continue
            lines[i] = match.group(1) + value.replace("\n", "\n" + " " * (len(match.group(1)) + 2))
    return ("%YAML 1.1\n---\n" if yaml11 else "") + "\n".join(lines) + "\n"


PLAYBOOK_FILES = ("mktctl.yaml", "organisation.yaml", "leads.yaml", "audience.yaml", "channels.yaml",
                  "content.yaml", "events.yaml", "products.yaml", "reports.yaml")


@settings(FUZZ, max_examples=EXAMPLES)
@given(name=st.sampled_from(PLAYBOOK_FILES), picks=st.lists(st.tuples(st.integers(0, 10_000), VALUE), min_size=1,
                                                             max_size=3), yaml11=st.booleans())
def test_validate_answers_any_yaml_with_0_or_1(playbook: Path, name: str, picks: list[tuple[int, str]],
                                               yaml11: bool) -> None:
    path = playbook / name
    original = path.read_text(encoding="utf-8")
    mutated = mutate(original, picks, yaml11)
    try:
        path.write_text(mutated, encoding="utf-8")
        code, output = in_process("validate", str(playbook))
    finally:
        path.write_text(original, encoding="utf-8")
    tallied("validate", code, output, mutated[:300])


@settings(FUZZ, max_examples=100)  # in process, without a command: a few milliseconds each
@given(picks=st.lists(st.tuples(st.integers(0, 10_000), VALUE), min_size=1, max_size=3), yaml11=st.booleans())
def test_a_tenant_profile_resolves_or_says_where_it_is_wrong(playbook: Path, picks: list[tuple[int, str]],
                                                             yaml11: bool) -> None:
    from mktctl.tenant.settings import resolve

    text = mutate((playbook / "mktctl.tenants.yaml").read_text(encoding="utf-8"), picks, yaml11)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "mktctl.tenants.yaml").write_text(text, encoding="utf-8")
        environ = {k: "fuzz-value-1234" for k in ("FXIAOKE_APP_ID", "FXIAOKE_APP_SECRET", "FXIAOKE_PERMANENT_CODE",
                                                   "FXIAOKE_OPEN_USER_ID")}
        for tenant in ("production", "sandbox-public"):
            try:
                resolve(folder, tenant, environ=environ, home=folder)
                TALLY["profile: resolved"] += 1
            except MktctlError as error:
                TALLY["profile: refused"] += 1
                where = re.search(r"mktctl\.tenants\.yaml(:\d+:\d+)?: |^unknown tenant profile", str(error))
                assert where is not None, f"{error} (for {text!r})"


# ---- CSV (and a mapping file): leads check -------------------------------------------------------------

PLAIN = st.text(alphabet=st.sampled_from([*"ab张三139@.+-= '\\", "\u3000", "\ufeff"]), max_size=12)
CELL = st.one_of(PLAIN, PLAIN.map(lambda t: f'"{t}"'), st.lists(st.sampled_from(
    [*'ab张三139@.,;|\t"\'\r\n =+-\\', '""', '"\n', "\x00"]), max_size=12).map("".join))
MAPPINGS = ("columns: {名字: name}\n", "columns: {a: mobile, b: email}\nheader_row: 1\n", "header_row: 99999999999\n",
            "columns: {x: nosuchfield}\n", "sheet: 1:30\n", 'columns: {"\\udc80": name}\n', "header_row: .nan\n",
            "<<: {columns: {a: name}}\n", "- a\n- b\n", "columns: &c {a: name, b: *c}\n", "")


@settings(FUZZ, max_examples=EXAMPLES)
@given(rows=st.lists(st.lists(CELL, max_size=6), max_size=20), header=st.booleans(),
       delimiter=st.sampled_from(",;\t|"), encoding=st.sampled_from(("utf-8", "utf-8-sig", "gb18030", "utf-16")),
       mapping=st.one_of(st.none(), st.sampled_from(MAPPINGS)))
def test_leads_check_answers_any_csv_with_0_or_1(rows: list[list[str]], header: bool, delimiter: str,
                                                 encoding: str, mapping: str | None) -> None:
    lines = ([delimiter.join(["姓名", "手机号码", "邮箱"])] if header else []) + [delimiter.join(r) for r in rows]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "leads.csv"
        path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
        args = ["leads", "check", str(path), "--out", str(folder / "out")]
        if mapping is not None:
            (folder / "mapping.yaml").write_text(mapping, encoding="utf-8")
            args += ["--mapping", str(folder / "mapping.yaml")]
        code, output = in_process(*args)
    tallied("leads check", code, output, lines[:5])


# ---- workbooks: workbook import ------------------------------------------------------------------------

CELL_TEXTS = ("_xD800_", "_x0000_", "_x001B_[2J", "9" * 5000, "1:30", "=1+1", "${env:HOME}", "${var.x}", "\u202e",
              "&#xD800;", "&#0;", "{'a': 1}", "- a\n- b", "!!python/object:os.system", "*alias", "&anchor x",
              "? complex", "%YAML 1.1", "~", "null", "yes", ".nan", "1e400", "0x" + "f" * 100, "", " ", "\t",
              "x" * 40_000,
              "<![CDATA[x]]>", "]]>", "javascript:alert(1)", "http://[::1", "13912345678", "是", "否", "全部")
TEXT_ELEMENT = re.compile(rb"(<t(?:\s[^>]*)?>)([^<]*)(</t>)")


@pytest.fixture(scope="module")
def exported(playbook: Path) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as name:
        out = Path(name) / "workbook.xlsx"
        code, output = in_process("workbook", "export", str(playbook), "--out", str(out))
        assert code == 0, output
        with zipfile.ZipFile(out) as archive:
            return {item: archive.read(item) for item in archive.namelist()}


def rebuilt(parts: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def with_texts(data: bytes, texts: list[tuple[int, str]]) -> bytes:
    """``data`` with the texts of some ``<t>`` elements replaced (XML-escaped, except character references)."""
    spans = list(TEXT_ELEMENT.finditer(data))
    if not spans:
        return data
    chosen = {spans[where % len(spans)].start(): text for where, text in texts}

    def replace(match: re.Match[bytes]) -> bytes:
        text = chosen.get(match.start())
        if text is None:
            return match.group()
        body = text.encode() if text.startswith("&#") else escape(text).encode()
        return match.group(1) + body + match.group(3)

    return TEXT_ELEMENT.sub(replace, data)


@settings(FUZZ, max_examples=EXAMPLES)
@given(how=st.sampled_from(("texts", "texts", "texts", "xml", "bytes")), part=st.integers(0, 10_000),
       texts=st.lists(st.tuples(st.integers(0, 100_000), st.sampled_from(CELL_TEXTS)), min_size=1, max_size=4),
       edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 40),
                                st.sampled_from((b"<", b">", b"/>", b'"', b"&", b"<c>", b'<c r="XFD1">', b"</row>",
                                                 b'<f>SUM(A1)</f>', b't="s"', b"<v>999999</v>", b"\x00", b"\xff"))),
                      min_size=1, max_size=5))
def test_workbook_import_answers_any_workbook_with_0_or_1(exported: dict[str, bytes], how: str, part: int,
                                                          texts: list[tuple[int, str]],
                                                          edits: list[tuple[float, int, bytes]]) -> None:
    names = sorted(n for n in exported if n.endswith(".xml"))
    parts = dict(exported)
    name = names[part % len(names)]
    if how == "texts":
        parts = {n: with_texts(d, texts) if n.endswith(".xml") else d for n, d in parts.items()}
    else:
        content = bytearray(parts[name])
        for where, length, bit in edits:
            start = int(where * len(content))
            content[start:start + length] = bit if how == "xml" else bytes(len(bit))
        parts[name] = bytes(content)
    with tempfile.TemporaryDirectory() as folder:
        path = rebuilt(parts, Path(folder) / "回传.xlsx")
        code, output = in_process("workbook", "import", str(path), "--into", str(Path(folder) / "playbook"))
    tallied(f"workbook import ({how})", code, output, (how, name, texts if how == "texts" else edits))


# ---- settings: plan against a served sandbox -----------------------------------------------------------
# Only values that are refused, or valid ones that keep a run short, are drawn: a valid rate limit of one call a
# day or a valid address elsewhere would make a correct run wait or leave this machine (tests stay on loopback).

BAD_NUMBERS = ("abc", "-1", "0", ".nan", "-.inf", "1e400", "9" * 4300, "1:30.5", "[30]", "{a: 1}", "true", "~", "''",
               '"\\udc80"', '"1\\x00"', "!!float x", "0x" + "f" * 40, "1_0_", "３０")
RATES = ("{calls: 100000, per_seconds: 1}", "{calls: 1, per_seconds: .inf}", "{calls: 0}", "{calls: 1.5}",
         "{calls: -5, per_seconds: 20}", "{per_seconds: 0}", "{calls: 100000, per_seconds: 1e400}", "5", "[]",
         "{calls: abc}", "{calls: 9999999999999999999999}")
ENV_RATES = ("0", "none", "100000/1", "1/inf", "1/nan", "1/0", "0/20", "-1/20", "1e400/1", "abc", "1/", "/",
             "1/" + "9" * 400, "１/２", "\udcff/20", "\x1b[2J", " 100000 / 1 ")
DEADLINES = ("30", "0.5", "abc", "-1", "0", "nan", "inf", "1e400", "9" * 4300, " ", "\udcff", "1/2")


@dataclass(frozen=True)
class Served:
    url: str
    folder: Path  # a small playbook, and the sandbox data files a profile may name
    profile: dict[str, str]  # a valid profile for the served sandbox
    env: dict[str, str]  # the variables its secrets name, and the MKTCTL_* ones for the same tenant


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    from mktctl.sandbox.server import serve_in_thread

    with tempfile.TemporaryDirectory(prefix="mktctl-fuzz-") as name:
        folder = Path(name)
        (folder / "mktctl.yaml").write_text("version: 1\nname: 设置\n", encoding="utf-8")
        (folder / "junk.db").write_bytes(bytes(range(256)) * 16)
        sandbox = serve_in_thread(folder / "served.db").start()
        try:
            corp = sandbox.corp
            profile = {"url": sandbox.url, "app_id": corp.app_id, "app_secret": "${env:FUZZ_SECRET}",
                       "permanent_code": "${env:FUZZ_CODE}", "open_user_id": corp.admin_open_user_id,
                       "rate_limit": "{calls: 100000, per_seconds: 1}", "timeout_seconds": "10"}
            env = {"FUZZ_SECRET": corp.app_secret, "FUZZ_CODE": corp.permanent_code, "MKTCTL_APP_ID": corp.app_id,
                   "MKTCTL_APP_SECRET": corp.app_secret, "MKTCTL_PERMANENT_CODE": corp.permanent_code,
                   "MKTCTL_OPEN_USER_ID": corp.admin_open_user_id}
            yield Served(sandbox.url, folder, profile, env)
        finally:
            sandbox.stop()


def urls(served_url: str) -> st.SearchStrategy[str]:
    """The served sandbox's URL as a person might write it, and malformed or refused ones (none reachable)."""
    port = served_url.rsplit(":", 1)[1]
    return st.sampled_from((
        served_url, served_url + "/", f"http://localhost:{port}", f"HTTP://127.0.0.1:{port}",
        f"http://ops:pw-1234@127.0.0.1:{port}", "http://[::1", "http://127.0.0.1:abc", "http://xn--zz", "ftp://h",
        "http://a b/", "http://127.0.0.1:0", "http://127.0.0.1:99999", "javascript:alert(1)", "127.0.0.1",
        "http://", "http://10.1.2.3:8765", "http://0.0.0.0:8765", "http://[fe80::1]:80", "\x00", "\udcff",
        "http://\u202e.example", "http://例子.测试:99999"))


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data(), by_profile=st.booleans())
def test_plan_answers_any_tenant_setting_with_0_or_1_naming_the_setting(served: Served, data: st.DataObject,
                                                                         by_profile: bool) -> None:
    served_url = served.url
    env = dict(served.env)
    args = ["plan", str(served.folder)]
    hostile = data.draw(st.lists(st.sampled_from(("url", "rate", "timeout", "deadline", "sandbox", "deadline option",
                                                  "plain http")), min_size=1, max_size=2, unique=True))
    profile = dict(served.profile)
    if "url" in hostile:
        profile["url"] = env["MKTCTL_TENANT_URL"] = data.draw(urls(served_url))
    else:
        env["MKTCTL_TENANT_URL"] = served_url
    if "rate" in hostile:
        profile["rate_limit"] = data.draw(st.sampled_from(RATES))
        env["MKTCTL_RATE_LIMIT"] = data.draw(st.sampled_from(ENV_RATES))
    else:
        env["MKTCTL_RATE_LIMIT"] = "0"
    if "timeout" in hostile:
        profile["timeout_seconds"] = data.draw(st.sampled_from(("10", "3600", *BAD_NUMBERS)))
    if "deadline" in hostile:
        profile["deadline_seconds"] = data.draw(st.sampled_from(("30", *BAD_NUMBERS)))
        env["MKTCTL_DEADLINE"] = data.draw(st.sampled_from(DEADLINES))
    if "plain http" in hostile:  # the addresses drawn above are loopback or refused whatever this says
        profile["allow_plain_http"] = env["MKTCTL_ALLOW_PLAIN_HTTP"] = data.draw(
            st.sampled_from(("true", "no", "maybe", "1:30", "2")))
    if "deadline option" in hostile:
        args = ["--deadline", data.draw(st.sampled_from(DEADLINES)), *args]
    if "sandbox" in hostile:  # an embedded sandbox named by the profile: its data file
        profile = {"sandbox": data.draw(st.sampled_from(
            ("{data: junk.db}", "{data: /dev/zero}", "{data: .}", "{data: mktctl.yaml}", "{api: other}", "5",
             "{data: '\\0'}", "{data: fuzz-sandbox.db}")))}
        by_profile = True
    if by_profile:
        env = {k: v for k, v in env.items() if not k.startswith("MKTCTL_")}
        args = ["--tenant", "fuzz", *args]
    text = "tenants:\n  fuzz:\n" + "".join(f"    {key}: {value}\n" for key, value in profile.items())
    (served.folder / "mktctl.tenants.yaml").write_text(text, encoding="utf-8")
    with mock.patch.dict(os.environ, env):
        code, output = in_process(*args)
    example = (args, text if by_profile else {k: v for k, v in env.items() if k.startswith("MKTCTL_")})
    tallied("plan (settings)", code, output, example, usage="deadline option" in hostile)
    if code == 1:  # the message says which setting: a variable, an option, or the profile's file:line:col
        where = re.search(r"MKTCTL_\w+|--deadline|mktctl\.tenants\.yaml:\d+:\d+|junk\.db|/dev/zero|"
                          r"mktctl\.yaml: not a sandbox|is a folder", first_error(output))
        assert where is not None, f"no setting named for {example!r}:\n{output[-2000:]}"


# ---- file names: every file option ---------------------------------------------------------------------

NAME_PARTS = st.one_of(
    st.sampled_from(("\x00", "\n", "\x1b[2J", "\u202e", "..", ".", "/", "~", "-", " ", "张三", "*", "?", "\\")),
    st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF),  # bytes that are not UTF-8, as argv carries them
    st.text(alphabet="ab.", min_size=1, max_size=4))
NAMES = st.one_of(
    st.sampled_from(("/dev/zero", "/dev/urandom", "/dev/null", "/dev/stdin", "/dev/tty", "/proc/self/fd/0",
                     "/proc/self/status", "/", "", "x" * 300, "a/" * 2000 + "b", "-", "--help", "pipe", "link")),
    st.lists(NAME_PARTS, min_size=1, max_size=6).map("".join))


@pytest.fixture(scope="module")
def files_folder() -> Iterator[Path]:
    """A folder with a lead file, a small playbook, an export folder, a FIFO and a link to it."""
    with tempfile.TemporaryDirectory(prefix="mktctl-fuzz-") as name:
        folder = Path(name)
        (folder / "playbook").mkdir()
        (folder / "playbook" / "mktctl.yaml").write_text("version: 1\nname: 文件名\n", encoding="utf-8")
        (folder / "leads.csv").write_text("姓名,手机号码\n张三,13912345678\n", encoding="utf-8")
        (folder / "exports").mkdir()
        (folder / "exports" / "people.csv").write_text("姓名,邮箱\n张三,z@corp.cn\n", encoding="utf-8")
        os.mkfifo(folder / "pipe")
        (folder / "link").symlink_to(folder / "pipe")
        yield folder


def file_commands(folder: Path, name: str) -> dict[str, list[str]]:
    out, playbook = str(folder / "out"), folder / "playbook"
    return {
        "leads check FILE": ["leads", "check", name, "--out", out],
        "leads check --mapping": ["leads", "check", str(folder / "leads.csv"), "--mapping", name, "--out", out],
        "workbook import FILE": ["workbook", "import", name, "--into", str(folder / "new")],
        "report --imports": ["report", str(playbook), "--imports", name, "--out", str(folder / "r.md")],
        "migrate --map": ["migrate", "--from", str(folder / "exports"), "--out", out, "--map", name, "--dry-run",
                          str(playbook)],
        "apply PLAN_FILE": ["apply", name],
    }


def is_folder(name: str) -> bool:
    try:
        return folder_or_file(name, what="file")
    except DataFileError:
        return False


@settings(FUZZ, max_examples=EXAMPLES)
@given(name=NAMES, relative=st.booleans())
def test_every_file_option_answers_any_file_name_with_0_1_or_2(files_folder: Path, name: str, relative: bool) -> None:
    given_name = str(files_folder / name) if relative and not name.startswith("/") else name
    for what, args in file_commands(files_folder, given_name).items():
        if what == "apply PLAN_FILE" and is_folder(given_name):
            continue  # a folder is a playbook to apply, not a file name
        code, output = in_process(*args)
        tallied(what, code, output, given_name, usage=True)
