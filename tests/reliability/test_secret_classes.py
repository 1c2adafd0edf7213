"""Secrets, one class of leak at a time (issue 16), each with hostile cases:

(a) redaction after escaping: a secret holding ``& < > " ' \\`` never appears in what any writer wrote, in
    any of its encoded forms (a hypothesis property test over every writer, in process);
(b) references inside longer strings stay references through workbook export and import, and the round
    trip holds for a reference inside a URL;
(c) a secret shorter than four characters is refused at its position and never printed;
(d) no digest of the ledger (or of a plan) depends on a secret's value; a ledger written before still
    matches, and apply rewrites it;
(e) a tenant export holds no secret value, and no URL password is printed.
"""

from __future__ import annotations

import hashlib
import json
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mktctl.secrets import REDACTOR
from tests.reliability.secret_writers import SPECIALS, encoded_forms, writer_outputs
from tests.reliability.support import base_env, profile_env, record_figures, run

PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def fresh_redactor() -> Iterator[None]:
    REDACTOR.clear()
    yield
    REDACTOR.clear()


# ---- (a) every writer, every encoded form --------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), max_size=16)


@st.composite
def secrets_with_every_special(draw: st.DrawFn) -> str:
    """Printable text (any script, emoji, spaces) around every one of ``& < > " ' \\`` in some order."""
    specials = "".join(draw(st.permutations(list(SPECIALS))))
    return draw(TEXT) + specials + draw(TEXT)


@pytest.fixture(scope="module")
def tally() -> Iterator[Counter[str]]:
    counts: Counter[str] = Counter()
    yield counts
    record_figures("secrets in every encoded form", dict(counts))


@PROPERTY
@given(secret=secrets_with_every_special())
def test_no_writer_lets_a_secret_out_in_any_encoded_form(secret: str, tmp_path_factory, tally) -> None:
    assume(REDACTOR.MASK not in secret and secret.strip())
    outputs = writer_outputs(secret, tmp_path_factory.mktemp("writers"))
    forms = encoded_forms(secret)
    leaks = [f"{form} in {writer}" for writer, text in outputs.items() for form, value in forms.items()
             if value in text]
    assert not leaks, leaks
    tally["examples"] += 1
    tally["writers"] = len(outputs)
    tally["encoded_forms"] = len(forms)
    tally["checks"] += len(outputs) * len(forms)
    tally["bytes_checked"] += sum(len(text.encode()) for text in outputs.values())


def test_a_secret_is_redacted_in_forms_no_single_encoder_makes() -> None:
    REDACTOR.add('k&y"<1>')
    for text in ('k&amp;y\\&#34;&lt;1&gt;', "k%26y%22%3C1%3E", "k&y\\u0022\\u003c1\\u003e", 'k&amp;y&quot;&lt;1&gt;',
                 "k\\&y\\\"\\<1\\>", "k&y\\\\\\\"<1>", "https://u:pw@host/x"):
        assert REDACTOR.redact(f"[{text}]") in ("[***]", "[https://***@host/x]"), text


# ---- (b) references inside longer strings -----------------------------------------------------------------

REFERENCES = """\
    version: 1
    name: 引用
    wecom:
      corp_name: 示例科技 ${env:CORP_SUFFIX} 分公司
      authorisation_url: https://open.work.weixin.qq.com/wwopen/auth?code=${env:WECOM_CODE}&state=1
    lead_fields:
      - api_name: note__c
        label: 备注
        type: 单行文本
        help_text: "字面 $${env:NOT_A_SECRET} 与 ${env:HELP_TOKEN} 结尾"
    """


def test_references_inside_longer_strings_survive_a_workbook_round_trip(tmp_path) -> None:
    from mktctl.deliver.workbook_export import export_playbook
    from mktctl.deliver.workbook_import import import_workbook
    from mktctl.playbook.load import load_playbook

    environ = {"CORP_SUFFIX": "Xq9-深圳-7", "WECOM_CODE": "c0de&<z>'\"x", "HELP_TOKEN": "tok-44f1a9"}
    source = tmp_path / "source"
    source.mkdir()
    (source / "mktctl.yaml").write_text(textwrap.dedent(REFERENCES), encoding="utf-8")
    playbook, _ = load_playbook(source, environ=environ)
    export_playbook(playbook, tmp_path / "wb.xlsx", lang="zh-CN", generated_at="now", generator="t")

    import zipfile

    with zipfile.ZipFile(tmp_path / "wb.xlsx") as archive:
        parts = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    for value in environ.values():
        assert not [form for form in encoded_forms(value).values() if form in parts], value
    assert "${env:CORP_SUFFIX}" in parts and "code=${env:WECOM_CODE}&amp;state=1" in parts
    assert "$${env:NOT_A_SECRET}" in parts  # a literal stays literal

    result = import_workbook(tmp_path / "wb.xlsx", tmp_path / "copy", note="t", environ=environ)
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "copy").glob("*.yaml"))
    assert "corp_name: 示例科技 ${env:CORP_SUFFIX} 分公司" in written
    assert "code=${env:WECOM_CODE}&state=1" in written
    assert "字面 $${env:NOT_A_SECRET} 与 ${env:HELP_TOKEN} 结尾" in written
    assert not [v for v in environ.values() if v in written]
    again, _ = load_playbook(tmp_path / "copy", environ=environ)
    assert result.digest == again.digest() == playbook.digest()
    assert [r.spec for r in again.resources] == [r.spec for r in playbook.resources]


def test_a_workbook_reference_to_an_unset_variable_is_an_error_at_its_cell(tmp_path) -> None:
    from mktctl.deliver.workbook_export import export_playbook
    from mktctl.deliver.workbook_import import WorkbookError, import_workbook
    from mktctl.playbook.load import load_playbook

    environ = {"CORP_SUFFIX": "Xq9-深圳-7", "WECOM_CODE": "c0de-1234", "HELP_TOKEN": "tok-44f1a9"}
    (tmp_path / "mktctl.yaml").write_text(textwrap.dedent(REFERENCES), encoding="utf-8")
    playbook, _ = load_playbook(tmp_path, environ=environ)
    export_playbook(playbook, tmp_path / "wb.xlsx", lang="zh-CN", generated_at="now", generator="t")
    with pytest.raises(WorkbookError) as raised:
        import_workbook(tmp_path / "wb.xlsx", tmp_path / "copy", note="t", environ={"CORP_SUFFIX": "Xq9-深圳-7"})
    messages = [message for _cell, message in raised.value.cells]
    assert "environment variable WECOM_CODE is not set" in messages
    assert all("!" in cell for cell, _message in raised.value.cells)  # every problem at its sheet!cell


# ---- (c) short secrets ----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_secret_shorter_than_four_characters_is_refused_where_it_is_referenced(tmp_path) -> None:
    playbook, profiled = tmp_path / "playbook", tmp_path / "profiled"
    _write(playbook, "version: 1\nname: 短\nwecom:\n  corp_name: 示例 ${env:SHORT}\n")
    _write(profiled, "version: 1\nname: 档案\ndepartments:\n  - name: 市场部\n")
    (profiled / "mktctl.tenants.yaml").write_text(textwrap.dedent("""\
        tenants:
          prod:
            url: https://open.fxiaoke.com
            app_id: FSAID_1
            app_secret: ${env:SHORT}
            permanent_code: ${env:LONG_ENOUGH}
            open_user_id: FSUID_1
        """), encoding="utf-8")
    env = {**base_env(tmp_path), "SHORT": "Q7z", "LONG_ENOUGH": "long-enough-code"}

    validated = run(["validate"], playbook, env)
    profile = run(["--tenant", "prod", "plan"], profiled, env)
    variables = run(["plan"], profiled, {**env, "MKTCTL_TENANT_URL": "https://open.fxiaoke.com",
                                         "MKTCTL_APP_ID": "a", "MKTCTL_APP_SECRET": "x1",
                                         "MKTCTL_PERMANENT_CODE": "long-enough-code", "MKTCTL_OPEN_USER_ID": "u"})

    assert validated.code == 1 and validated.stderr.startswith("mktctl.yaml:4:14: error: the secret ${env:SHORT} "
                                                               "is shorter than 4 characters (3)"), validated.stderr
    assert profile.code == 1 and "tenant 'prod': app_secret: the secret ${env:SHORT} is shorter" in profile.stderr
    assert variables.code == 1 and "the secret ${env:MKTCTL_APP_SECRET} is shorter" in variables.stderr
    for done in (validated, profile, variables):
        assert "Q7z" not in done.output and "x1" not in done.output.replace("0x1", "")
        assert "Traceback" not in done.output
    record_figures("short secrets", {"places": 3, "refused": 3, "printed": 0})


# ---- (d) the ledger's digests ------------------------------------------------------------------------------

LEDGER_PLAYBOOK = """\
    version: 1
    name: 账本
    departments:
      - name: 市场部
    wecom:
      corp_name: 示例科技
      authorisation_url: https://open.work.weixin.qq.com/wwopen/auth?code=${env:WECOM_CODE}
    lead_fields:
      - api_name: note__c
        label: 备注
        type: 单行文本
        help_text: 口令 ${env:HELP_TOKEN}
    """


def _write(folder: Path, text: str = LEDGER_PLAYBOOK) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mktctl.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def _legacy(value: object) -> str:
    """A digest as mktctl computed it before: a short unsalted hash of the values as they are."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _settings_state(folder: Path, kind: str) -> dict[str, object]:
    from mktctl.playbook.load import load_playbook

    playbook, _ = load_playbook(folder)
    resource = playbook.of(kind)[0]
    state = resource.kind.settings_state(resource.spec)
    assert state is not None
    return state


def test_no_ledger_digest_confirms_a_guess_of_a_secret(tmp_path, monkeypatch) -> None:
    from tests.engine.helpers import apply, plan

    folder = _write(tmp_path)
    monkeypatch.setenv("WECOM_CODE", "7319")  # short: a guesser tries every 4-digit code
    monkeypatch.setenv("HELP_TOKEN", "tok-44f1a9")
    apply(folder)
    ledger = (folder / "mktctl.lock.yaml").read_text(encoding="utf-8")
    state = _settings_state(folder, "wecom")
    guesses = [_legacy({**state, "authorisation_url": f"https://open.work.weixin.qq.com/wwopen/auth?code={n:04d}"})
               for n in range(10_000)]
    assert not [g for g in guesses if g in ledger]  # before: the right guess was in the ledger

    monkeypatch.setenv("WECOM_CODE", "8402")  # the secret changes, its reference does not
    changed = plan(folder)
    assert [(a.op, a.kind) for a in changed.changes] == [("update", "wecom")]  # the tenant says what changed
    assert {c.field: c.after for a in changed.changes for c in a.changes} == {
        "authorisation_url": "https://open.work.weixin.qq.com/wwopen/auth?code=${env:WECOM_CODE}"}
    apply(folder)
    assert (folder / "mktctl.lock.yaml").read_text(encoding="utf-8") == ledger  # same digests: no value in them
    assert changed.playbook["digest"] == plan(folder).playbook["digest"]
    record_figures("ledger guesses", {"guesses": len(guesses), "confirmed": 0})


def test_a_ledger_written_before_keeps_working_and_apply_rewrites_it(tmp_path, monkeypatch) -> None:
    from mktctl.engine.ledger import Ledger
    from tests.engine.helpers import apply, plan

    folder = _write(tmp_path)
    monkeypatch.setenv("WECOM_CODE", "c0de-5521")
    monkeypatch.setenv("HELP_TOKEN", "tok-44f1a9")
    apply(folder)
    current = Ledger.load(folder)
    (fingerprint, tenant_ledger), = current.tenants.items()
    wecom = tenant_ledger.entry("wecom", "wecom", "settings")
    note = tenant_ledger.entry("lead_fields", "note__c", "settings")
    assert wecom is not None and note is not None
    new_digests = (wecom.digest, note.digest)
    wecom.digest = _legacy(_settings_state(folder, "wecom"))  # as an older mktctl wrote them
    note.digest = _legacy(_settings_state(folder, "lead_fields"))
    current.save()
    before = (folder / "mktctl.lock.yaml").read_text(encoding="utf-8")

    again = plan(folder)
    assert not again.changes and not again.pending_manual, [a.address for a in again.changes]
    assert not [a.note for a in again.actions if a.note]
    apply(folder)
    upgraded = Ledger.load(folder).tenants[fingerprint]
    assert (upgraded.entry("wecom", "wecom", "settings").digest,  # type: ignore[union-attr]
            upgraded.entry("lead_fields", "note__c", "settings").digest) == new_digests  # type: ignore[union-attr]
    assert before != (folder / "mktctl.lock.yaml").read_text(encoding="utf-8")


def test_a_manual_step_confirmed_before_stays_confirmed(tmp_path, monkeypatch) -> None:
    from mktctl.engine.ledger import Ledger
    from mktctl.engine.session import open_session
    from mktctl.engine.steps import ALL_PENDING, confirm_steps
    from tests.engine.helpers import apply, plan

    folder = _write(tmp_path)
    (folder / "mktctl.tenants.yaml").write_text("tenants:\n  public:\n    sandbox: {api: public}\n", encoding="utf-8")
    monkeypatch.setenv("WECOM_CODE", "c0de-5521")
    monkeypatch.setenv("HELP_TOKEN", "tok-44f1a9")
    apply(folder, tenant="public")
    session = open_session(folder, tenant="public")
    try:
        confirm_steps(session, ALL_PENDING, by="王五", at="2026-01-02T10:00:00")
    finally:
        session.close()
    ledger = Ledger.load(folder)
    (fingerprint, tenant_ledger), = ledger.tenants.items()
    confirmation = tenant_ledger.confirmations["wecom/wecom"]
    new = confirmation.digest
    confirmation.digest = _legacy(_settings_state(folder, "wecom"))
    ledger.save()

    assert not plan(folder, tenant="public").pending_manual
    apply(folder, tenant="public")
    kept = Ledger.load(folder).tenants[fingerprint].confirmations["wecom/wecom"]
    assert (kept.digest, kept.by, kept.at) == (new, "王五", "2026-01-02T10:00:00")

    monkeypatch.setenv("WECOM_AUTH", "c0de-5521")  # the same value under another reference: confirm again
    _write(folder, LEDGER_PLAYBOOK.replace("${env:WECOM_CODE}", "${env:WECOM_AUTH}"))
    assert [m.manual.step for m in plan(folder, tenant="public").pending_manual] == ["wecom/wecom"]


# ---- (e) tenant export, tenant URLs ------------------------------------------------------------------------

EXPORTED = """\
    version: 1
    name: 导出
    departments:
      - name: 市场部
    wecom:
      corp_name: 示例科技
      authorisation_url: ${env:WECOM_AUTH_URL}
    lead_fields:
      - api_name: note__c
        label: 备注
        type: 单行文本
        help_text: 口令 ${env:HELP_TOKEN}
    """


@pytest.mark.e2e
@pytest.mark.served
def test_a_tenant_export_writes_references_never_secret_values(tmp_path, served_sandbox) -> None:
    folder = _write(tmp_path / "playbook", EXPORTED)
    secret_env = {"WECOM_AUTH_URL": "https://open.work.weixin.qq.com/wwopen/auth?code=Zk31-9aa&x=1",
                  "HELP_TOKEN": "tok-44f1a9-export"}
    env = {**base_env(tmp_path), **profile_env(served_sandbox, folder), **secret_env}
    applied = run(["--tenant", "served", "apply", "--yes"], folder, env)
    assert applied.code == 0, applied.output
    without = {k: v for k, v in env.items() if k not in secret_env}
    for name in ("with-env", "without-env"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "mktctl.tenants.yaml").write_text((folder / "mktctl.tenants.yaml").read_text())
    exports = {"with-env": run(["--tenant", "served", "tenant", "export", "--out", "with-env"], tmp_path, env),
               "without-env": run(["--tenant", "served", "tenant", "export", "--out", "without-env"], tmp_path,
                                  without),
               "over the playbook": run(["--tenant", "served", "tenant", "export", "--out", ".", "--force"],
                                        folder, env)}
    assert all(done.code == 0 for done in exports.values()), {k: d.output for k, d in exports.items()}
    texts = {name: "".join(p.read_text(encoding="utf-8") for p in where.glob("*.yaml"))
             for name, where in (("with-env", tmp_path / "with-env"), ("without-env", tmp_path / "without-env"),
                                 ("over the playbook", folder))}

    everything = "".join(texts.values()) + "".join(done.output for done in exports.values())
    assert "code=Zk31-9aa" not in everything
    assert "authorisation_url: ${env:WECOM_AUTH_URL}" in texts["with-env"]  # the reference it came from
    assert "help_text: 口令 ${env:HELP_TOKEN}" in texts["with-env"]
    assert "authorisation_url: ${env:MKTCTL_SECRET_WECOM_AUTHORISATION_URL}" in texts["without-env"]
    assert "set MKTCTL_SECRET_WECOM_AUTHORISATION_URL before `mktctl plan`" in exports["without-env"].stderr
    assert "authorisation_url: ${env:WECOM_AUTH_URL}" in texts["over the playbook"]

    replanned = run(["--tenant", "served", "plan", "--detailed-exitcode"], tmp_path / "without-env",
                    {**without, "MKTCTL_SECRET_WECOM_AUTHORISATION_URL": secret_env["WECOM_AUTH_URL"]})
    assert replanned.code == 0, replanned.output  # right after the export: nothing to do
    record_figures("tenant export", {"exports": len(exports), "secret_values_written": 0, "placeholders": 1})


@pytest.mark.e2e
@pytest.mark.served
def test_a_password_in_a_tenant_url_is_never_shown(tmp_path, served_sandbox) -> None:
    folder = _write(tmp_path / "playbook", "version: 1\nname: 地址\ndepartments:\n  - name: 市场部\n")
    env = {**base_env(tmp_path), **profile_env(served_sandbox, folder)}
    profiles = folder / "mktctl.tenants.yaml"
    profiles.write_text(profiles.read_text().replace("url: http://", "url: http://ops:Pa55-w0rd-9@"))
    started = time.monotonic()
    outputs = [run(["--tenant", "served", *args], folder, env) for args in (["plan"], ["-v", "apply", "--yes"])]
    assert all(done.code == 0 for done in outputs), [done.output for done in outputs]
    assert "Tenant: served (http://***@127.0.0.1:" in outputs[0].stderr
    for done in outputs:
        assert "Pa55-w0rd-9" not in done.output and "ops:" not in done.output
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "mktctl.tenants.yaml":
            assert b"Pa55-w0rd-9" not in path.read_bytes(), path
    record_figures("tenant URL password", {"commands": len(outputs), "seconds": round(time.monotonic() - started, 1),
                                           "shown": 0})
