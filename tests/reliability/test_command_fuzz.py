"""Fuzzing the commands: whatever YAML, CSV or workbook a user gives ``validate``, ``leads check`` or ``workbook
import``, the answer is 0 or 1 (a user's mistake, said as such), never 3 (an internal error).

Inputs are mutations of real files: the shipped ``standard`` playbook with values replaced by hostile
scalars (numbers past every limit, YAML 1.1 forms, escapes of surrogates and NULs, tags, aliases, merges),
its tenant profile the same way, CSV text with quotes, line breaks and delimiters in every place, and the
playbook's exported configuration workbook with hostile cell texts, damaged XML or overwritten bytes. Each
command runs in this process (``mktctl.cli.main.main``), where an exit 3 is what its crash handler returns.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktctl.cli.main import main
from mktctl.errors import MktctlError
from tests.reliability.support import ROOT, record_figures

FUZZ = settings(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
TALLY: Counter[str] = Counter()
REASONS: Counter[str] = Counter()


def command(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def tallied(name: str, code: int, output: str, example: object) -> None:
    TALLY[f"{name}: exit {code}"] += 1
    if code == 1:
        error = next((line for line in output.splitlines() if "error" in line), "")
        REASONS[f"{name}: " + re.sub(r"\S*/|\d+", "", error.split("error:")[-1]).strip()[:50]] += 1
    assert code in (0, 1), f"{name} exited {code} for {example!r}:\n{output[-2000:]}"


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


@settings(FUZZ, max_examples=40)
@given(name=st.sampled_from(PLAYBOOK_FILES), picks=st.lists(st.tuples(st.integers(0, 10_000), VALUE), min_size=1,
                                                             max_size=3), yaml11=st.booleans())
def test_validate_answers_any_yaml_with_0_or_1(playbook: Path, name: str, picks: list[tuple[int, str]],
                                               yaml11: bool) -> None:
    path = playbook / name
    original = path.read_text(encoding="utf-8")
    mutated = mutate(original, picks, yaml11)
    try:
        path.write_text(mutated, encoding="utf-8")
        code, output = command("validate", str(playbook))
    finally:
        path.write_text(original, encoding="utf-8")
    tallied("validate", code, output, mutated[:300])


@settings(FUZZ, max_examples=40)
@given(picks=st.lists(st.tuples(st.integers(0, 10_000), VALUE), min_size=1, max_size=3), yaml11=st.booleans())
def test_a_tenant_profile_resolves_or_says_why(playbook: Path, picks: list[tuple[int, str]], yaml11: bool) -> None:
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
            except MktctlError:
                TALLY["profile: refused"] += 1


# ---- CSV (and a mapping file): leads check -------------------------------------------------------------

PLAIN = st.text(alphabet=st.sampled_from([*"ab张三139@.+-= '\\", "\u3000", "\ufeff"]), max_size=12)
CELL = st.one_of(PLAIN, PLAIN.map(lambda t: f'"{t}"'), st.lists(st.sampled_from(
    [*'ab张三139@.,;|\t"\'\r\n =+-\\', '""', '"\n', "\x00"]), max_size=12).map("".join))
MAPPINGS = ("columns: {名字: name}\n", "columns: {a: mobile, b: email}\nheader_row: 1\n", "header_row: 99999999999\n",
            "columns: {x: nosuchfield}\n", "sheet: 1:30\n", 'columns: {"\\udc80": name}\n', "header_row: .nan\n",
            "<<: {columns: {a: name}}\n", "- a\n- b\n", "columns: &c {a: name, b: *c}\n", "")


@settings(FUZZ, max_examples=40)
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
        code, output = command(*args)
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
        code, output = command("workbook", "export", str(playbook), "--out", str(out))
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


@settings(FUZZ, max_examples=40)
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
        code, output = command("workbook", "import", str(path), "--into", str(Path(folder) / "playbook"))
    tallied("workbook import", code, output, (how, name, texts if how == "texts" else edits))
