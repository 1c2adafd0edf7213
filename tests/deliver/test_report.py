"""The delivery report: content from the playbook, the ledger, the journal and import summaries; safe
HTML and Markdown; and a real headless browser that renders it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mktctl.deliver import report
from mktctl.deliver.imports_summary import read
from mktctl.engine.ledger import Confirmation, Ledger
from mktctl.playbook.load import load_playbook
from tests.conftest import RunMktctl
from tests.deliver import browser
from tests.deliver.conftest import GENERATOR, NOW

SUMMARY = {"file": "历史线索<img src=x onerror=alert(1)>.xlsx",
           "counts": {"input": 120, "accepted": 100, "duplicate": 12, "rejected": 8, "created": 90, "updated": 5,
                      "unchanged": 2, "failed": 2, "not_attempted": 1},
           "reasons": {"missing_required": 3, "test_data": 2, "competitor": 1, "invalid_contact": 2}}


def build(folder: Path, lang: str = "zh-CN", tenant: str = "production", **kwargs):  # type: ignore[no-untyped-def]
    """The report of the client's tenant (profile ``production``), as ``mktctl --tenant production report``."""
    playbook, warnings = load_playbook(folder)
    return report.build(playbook, warnings, lang=lang, generated_at=NOW, generator=GENERATOR, tenant=tenant,
                        **kwargs)


def with_import(folder: Path, summary: dict | str = SUMMARY, name: str = "leads-2024") -> Path:  # type: ignore[type-arg]
    path = folder / ".mktctl" / "imports" / name / "summary.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary if isinstance(summary, str) else json.dumps(summary, ensure_ascii=False),
                    encoding="utf-8")
    return path


def confirmed(folder: Path) -> None:
    """A ledger as a public-API tenant leaves it: one manual step confirmed, the rest pending."""
    from mktctl.base.digest import digest
    from mktctl.engine.progress import step_id

    playbook, _warnings = load_playbook(folder)
    role = playbook.find("roles", "市场经理")
    assert role is not None
    ledger = Ledger.load(folder)
    tenant = ledger.for_tenant("f" * 16, "production")
    tenant.confirmations[step_id("roles", "市场经理")] = Confirmation(
        digest=digest(role.kind.settings_state(role.spec)), by="客户管理员 <b>王</b>", at=NOW, note="扫码完成")
    ledger.save()


def test_the_report_says_what_was_configured_and_what_is_open(playbook_dir: Path) -> None:
    with_import(playbook_dir)
    confirmed(playbook_dir)
    built = build(playbook_dir)
    assert built.tenant == "production"
    kinds = [k.name for f in built.families for k in f.kinds]
    assert kinds[:4] == [k for k in ("products", "departments", "users", "roles") if k in kinds][:4]
    manual = {m.step: m for m in built.manual}
    assert manual["roles/市场经理"].status == "confirmed" and manual["roles/市场经理"].by.startswith("客户管理员")
    assert manual["roles/市场专员"].status == "pending"
    texts = [text for _severity, text in built.issues]
    assert any("2 row(s) failed" in t or "2 行写入失败" in t for t in texts)
    assert any("roles/市场专员" in t for t in texts)
    (imported,) = built.imports
    assert dict(imported.counts)["通过"] == 100 and imported.reasons_chart is not None
    assert [b.value for b in imported.rows_chart.bars] == [100, 12, 8]
    sections = [title for title, _items in built.checklist]
    assert sections == ["3.1 系统功能测试", "3.2 培训内容", "3.4 交付资料"]


def test_html_is_self_contained_and_escaped(playbook_dir: Path) -> None:
    with_import(playbook_dir)
    confirmed(playbook_dir)
    html = report.render(build(playbook_dir), "html")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;王&lt;/b&gt;" in html
    assert re.findall(r"(?:src|href)=\"(?!#)[^\"]*\"", html) == []  # nothing to fetch: no external URLs
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html.replace("https://www.example.cn", "")  # only the playbook's own data
    assert "@media print" in html and "<svg" in html and "Content-Security-Policy" in html
    assert "138****0001" in html and "13800000001" not in html


@pytest.mark.parametrize(("lang", "heading"), [("zh-CN", "营销通实施交付报告：示例科技 营销通实施"),
                                               ("en", "FxiaoKe Marketing delivery report: 示例科技 营销通实施")])
def test_markdown_in_both_languages(playbook_dir: Path, lang: str, heading: str) -> None:
    with_import(playbook_dir)
    text = report.render(build(playbook_dir, lang), "markdown")
    assert text.startswith(f"# {heading}")
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img" not in text
    assert "| 市场经理 |" in text or "市场经理" in text
    assert "- [x]" in text and "- [ ]" in text


@pytest.mark.parametrize(("content", "reason"), [
    ("not json", "not a readable summary"), ("[1, 2]", "expected a JSON object"), ('{"hello": 1}', "no counts"),
])
def test_summaries_are_read_defensively(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "summary.json"
    path.write_text(content, encoding="utf-8")
    summary, skipped = read(path)
    assert summary is None and skipped is not None and reason in skipped


def test_a_flat_summary_with_an_inconsistent_count(tmp_path: Path) -> None:
    path = tmp_path / "job" / "summary.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"input": 10, "accepted": 7, "duplicate": 1, "rejected": 1, "statuses": "x",
                                "outcome": {"created": {"count": 7}}, "by_reason": {"test_data": 1, "bad": "x"}}),
                    encoding="utf-8")
    summary, _skipped = read(path, tmp_path)
    assert summary is not None and summary.name == "job"
    assert summary.counts == {"input": 10, "accepted": 7, "duplicate": 1, "rejected": 1, "created": 7}
    assert summary.reasons == {"test_data": 1}
    assert summary.problems == ["input 10 ≠ accepted + duplicate + rejected 9"]


def test_report_command_writes_html_and_markdown(playbook_dir: Path, mktctl: RunMktctl, tmp_path: Path) -> None:
    extra = tmp_path / "results"
    with_import(extra, name="")
    run = mktctl("report", str(playbook_dir), "--out", str(tmp_path / "r.html"), "--imports", str(extra))
    assert run.code == 0, run.output
    assert "1 import(s)" in run.stdout
    run = mktctl("report", str(playbook_dir), "--out", str(tmp_path / "r.md"), "--lang", "en")
    assert run.code == 0, run.output
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# FxiaoKe Marketing delivery report")
    wrong = mktctl("report", str(playbook_dir), "--lang", "fr", "--out", str(tmp_path / "x.html"))
    assert wrong.code == 1 and "unknown language 'fr'" in wrong.stderr


BROWSER = browser.find_browser()
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (Debian: apt-get install "
                                                            "chromium); the browser check of the report cannot run")


@needs_browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_report_renders_in_a_headless_browser(playbook_dir: Path, tmp_path: Path, lang: str) -> None:
    with_import(playbook_dir)
    confirmed(playbook_dir)
    page = tmp_path / "report.html"
    page.write_text(report.render(build(playbook_dir, lang), "html"), encoding="utf-8")
    assert BROWSER is not None
    shown = browser.render(BROWSER, page, tmp_path / "report.png")
    assert shown.console == [], shown.console
    assert shown.screenshot is not None, shown.log[-2000:]
    distinct, ink = browser.colours(shown.screenshot)
    assert distinct > 20 and 0.02 < ink < 0.9, (distinct, ink)


@needs_browser
@pytest.mark.slow
def test_the_report_prints_to_pdf(playbook_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report.render(build(playbook_dir), "html"), encoding="utf-8")
    assert BROWSER is not None
    printed = browser.render(BROWSER, page, tmp_path / "report.png", pdf=True)
    assert printed.pdf is not None, printed.log[-2000:]
    pdf = printed.pdf.read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2


@needs_browser
@pytest.mark.slow
def test_the_browser_check_sees_console_errors(tmp_path: Path) -> None:
    """The control: a page that logs an error is caught, and a blank page is recognised as blank."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><body><script>console.error('boom')</script></body></html>",
                    encoding="utf-8")
    assert BROWSER is not None
    shown = browser.render(BROWSER, page, tmp_path / "bad.png", width=400, height=300)
    assert any("boom" in line for line in shown.console), shown.log[-2000:]
    assert shown.screenshot is not None
    distinct, ink = browser.colours(shown.screenshot)
    assert distinct == 1 and ink == 0
