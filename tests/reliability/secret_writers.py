"""Every writer of mktctl, fed a secret, and every encoded form a secret can take: what the property test of
tests/reliability/test_secret_classes.py compares.

``encoded_forms(secret)`` are the forms the encoders of Python, jinja2/markupsafe, xlsxwriter, ruamel.yaml,
pyarrow and rich give a text (and a few forms of forms: JSON inside HTML, a repr inside JSON).
``writer_outputs(secret, folder)`` runs each writer in process on data that holds the secret, the way the
commands do, and returns what it wrote, as text (an xlsx file unzipped, its parts decoded).
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import textwrap
import traceback
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus

from markupsafe import escape as markup_escape

from mktctl.secrets import REDACTOR

SPECIALS = "&<>\"'\\"


def encoded_forms(secret: str) -> dict[str, str]:
    json_text = json.dumps(secret)[1:-1]
    forms = {
        "as it is": secret,
        "HTML (html.escape)": html.escape(secret),
        "HTML, quotes left": html.escape(secret, quote=False),
        "HTML (jinja2/markupsafe)": str(markup_escape(secret)),
        "XML (saxutils)": secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "JSON": json_text,
        "JSON, not ASCII": json.dumps(secret, ensure_ascii=False)[1:-1],
        "Python repr": repr(secret)[1:-1],
        "Python ascii()": ascii(secret)[1:-1],
        "URL (quote)": quote(secret, safe=""),
        "URL, lower-case hex": quote(secret, safe="").lower() if secret.isascii() else quote(secret, safe=""),
        "URL query (quote_plus)": quote_plus(secret),
        "CSV (doubled quotes)": secret.replace('"', '""'),
        "YAML single-quoted": secret.replace("'", "''"),
        "Markdown (backslash)": "".join("\\" + c if c in "\\`*_[]|<>#" else c for c in secret),
        "JSON in HTML": str(markup_escape(json_text)),
        "JSON in JSON": json.dumps(json_text)[1:-1],
        "repr in JSON": json.dumps(repr(secret))[1:-1],
    }
    return forms


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


PLAYBOOK = """\
    version: 1
    name: 密钥演练
    departments:
      - name: 市场部
    lead_fields:
      - api_name: note__c
        label: 备注
        type: 单行文本
        help_text: "提示 ${env:SECRET_TEXT} 结束"
    """


def writer_outputs(secret: str, folder: Path) -> dict[str, str]:
    """Run every writer on data holding ``secret`` (registered as a secret first, as resolving it does)."""
    import pandas as pd
    from rich.markup import escape as rich_escape
    from rich.table import Table

    from mktctl.cli.options import OutputFormat
    from mktctl.cli.terminal import RedactingFile, SafeConsole
    from mktctl.cli.test_command import _render
    from mktctl.deliver import report as report_lib
    from mktctl.deliver.checklist import Checklist, Item, to_markdown, write_xlsx
    from mktctl.deliver.steps_sheet import build_sheet, render_steps_sheet, write_steps_sheet
    from mktctl.deliver.workbook_export import export_playbook
    from mktctl.engine.journal import Journal
    from mktctl.engine.ledger import Confirmation, Ledger
    from mktctl.engine.plan import Action, FieldChange, Manual, Plan
    from mktctl.engine.planfile import plan_json, save_plan
    from mktctl.leads.cells import neutralise_frame
    from mktctl.leads.journal import Journal as ImportJournal
    from mktctl.leads.sheetwriter import TextWorkbook
    from mktctl.playbook.load import load_playbook
    from mktctl.playbook.write import dump, escape, to_node
    from mktctl.rules.junit import junit_xml
    from mktctl.rules.testfile import TestCase
    from mktctl.rules.testing import TestReport, TestResult
    from mktctl.secrets import redacted_json
    from mktctl.tenant.audit import AuditLog
    from mktctl.tenant.client import CallRecord

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mktctl.yaml").write_text(textwrap.dedent(PLAYBOOK), encoding="utf-8")
    playbook, _warnings = load_playbook(folder, environ={"SECRET_TEXT": secret})  # registers the secret
    out: dict[str, str] = {}

    report = report_lib.build(playbook, [], lang="zh-CN", generated_at="2026-01-01T00:00:00", generator="t")
    out["report.html"] = report_lib.render(report, "html")
    out["report.md"] = report_lib.render(report, "markdown")
    export_playbook(playbook, folder / "workbook.xlsx", lang="zh-CN", generated_at="now", generator="t")
    out["workbook.xlsx"] = _xlsx_text(folder / "workbook.xlsx")

    change = FieldChange("help_text", None, f"提示 {secret} 结束")
    manual = Manual(step="wecom/wecom", menu_path="营销通 > 设置", values=[("授权链接", secret)], verify=secret,
                    who="admin", status="pending", qr_url=f"https://open.work.weixin.qq.com/a?code={quote(secret)}")
    plan = Plan(playbook={"name": "p", "root": str(folder), "digest": "d", "env": None},
                tenant={"name": "t", "fingerprint": "f", "state_digest": "s"},
                actions=[Action("create", "lead_fields", "note__c", "api", changes=(change,)),
                         Action("manual", "wecom", "wecom", "settings", manual=manual)], created_at="now")
    out["plan -o json"] = plan_json(plan)
    save_plan(plan, folder / "plan.json")
    out["plan.json"] = (folder / "plan.json").read_text(encoding="utf-8")

    state = folder / ".mktctl"
    Journal(state, command="apply").write("failed", error=f"RuntimeError({secret!r})", values={"v": secret})
    AuditLog(state / "audit.jsonl", tenant="t", acting_user="u")(CallRecord(
        path="/cgi/crm/v2/data/create", error_code=0, trace_id=secret, seconds=0.1, attempt=1,
        target=f"LeadsObj {secret}"))
    out["journal.jsonl"] = (state / "journal.jsonl").read_text(encoding="utf-8")
    out["audit.jsonl"] = (state / "audit.jsonl").read_text(encoding="utf-8")
    (folder / "import").mkdir(exist_ok=True)
    imports = ImportJournal.open(folder / "import", "tenant", {"file": f"leads {secret}.csv"})
    imports.started(f"key {secret}", "create", 2)
    imports.done(f"key {secret}", "created", f"id {secret}")
    imports.failed(f"other {secret}", f"refused: {secret}")
    imports.close()
    out["import journal.jsonl"] = (folder / "import" / "journal.jsonl").read_text(encoding="utf-8")
    ledger = Ledger(folder / "mktctl.lock.yaml")
    ledger.for_tenant("f", "t").confirmations["wecom/wecom"] = Confirmation("d", "by", "at", note=secret)
    ledger.save()
    out["mktctl.lock.yaml"] = (folder / "mktctl.lock.yaml").read_text(encoding="utf-8")

    sheet = build_sheet(playbook, plan)  # the wecom step's link holds the secret: no QR code is drawn
    out["steps.xlsx"] = _xlsx_text(write_steps_sheet(sheet, folder / "steps.xlsx", "xlsx"))
    out["steps.html"] = render_steps_sheet(sheet, "html").decode("utf-8")

    checklist = Checklist(playbook=f"p {secret}", tenant="t", language="zh-CN", generated_at="now",
                          items=[Item("config", f"授权 {secret}", "manual", "admin", detail=secret)])
    out["checklist.md"] = to_markdown(checklist)
    write_xlsx(checklist, folder / "checklist.xlsx")
    out["checklist.xlsx"] = _xlsx_text(folder / "checklist.xlsx")

    with TextWorkbook(folder / "results.xlsx") as book:
        book.add_rows("S", [["错误 error", f"h {secret}"], [f"e {secret}", "=1+1"]])
    out["results.xlsx"] = _xlsx_text(folder / "results.xlsx")
    buffer = io.StringIO()
    neutralise_frame(pd.DataFrame({"error": [f"e {secret}", "ok"]})).to_csv(buffer, index=False,
                                                                          quoting=csv.QUOTE_MINIMAL)
    out["results.csv"] = buffer.getvalue()
    out["summary.json"] = redacted_json({"tenant": f"t {secret}", secret: 1}, ensure_ascii=True, indent=2)
    out["exported playbook YAML"] = dump(to_node(escape({"corp_name": f"示例 {secret}", "list": [secret]})))

    case = TestCase(file="tests/t.yaml", name=f"测试 {secret}", start=datetime.date(2026, 1, 1), until=1)
    tests = TestReport([TestResult(case=case, world=None)])  # type: ignore[arg-type]
    out["mktctl test -o json"] = _render(tests, OutputFormat.json)
    out["mktctl test -o junit"] = _render(tests, OutputFormat.junit)
    out["junit, escaped"] = junit_xml(tests, REDACTOR.redact)

    screen = io.StringIO()
    console = SafeConsole(file=RedactingFile(screen), width=24, no_color=True, highlight=False, emoji=False)
    table = Table("field", "value")
    table.add_row("secret", f"a long line {secret} folded in a narrow cell")
    console.print(table)
    console.print(f"error: {rich_escape(secret)}")
    console.print(json.dumps({"v": secret}), markup=False)
    out["console"] = screen.getvalue()

    try:
        raise RuntimeError(f"cannot store {{'code': {secret!r}}}")
    except RuntimeError as error:
        crash = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    out["crash log"] = REDACTOR.redact(crash)
    return out
