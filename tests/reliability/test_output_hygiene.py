"""Output hygiene, one class at a time (issue 16), each with hostile cases:

(a) control characters from untrusted text (a CSV header, a file name, a playbook name, an option) never
    reach the terminal raw: they are shown as ``\\uXXXX``, while Chinese text, emoji and the CLI's own line
    breaks stay as they are;
(b) every xlsx and CSV writer keeps a formula-like cell text, with the quote prefix in xlsx;
(c) every URL field of every kind accepts only http(s) links, refused at validate time at the field.
"""

from __future__ import annotations

import csv
import re
import textwrap
import typing
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pydantic import BaseModel

from tests.reliability.support import base_env, record_figures, run

HOSTILE = {
    "clear screen": "\x1b[2J\x1b[H",
    "window title": "\x1b]0;owned\x07",
    "colour that never ends": "\x1b[31;5m",
    "cursor up and erase": "\x1b[1A\x1b[2K",
    "C1 control sequence introducer": "\x9b2J",
    "right-to-left override": "\u202etxt.exe",
    "bidi isolate": "\u2067abc\u2069",
    "left-to-right mark and zero width space": "\u200e\u200b",
    "backspace and carriage return": "fake\b\b\b\bok\rline",
    "NUL and DEL": "a\x00b\x7fc",
    "line separator": "a\u2028b",
    "byte order mark": "\ufeffx",
}
KEPT = "线索来源 😀 👩‍💻 🇨🇳 🏴󠁧󠁢󠁳󠁣󠁴󠁿 ✓"  # Chinese, emoji with a ZWJ, a flag, a tag sequence
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


# ---- (a) the terminal ---------------------------------------------------------------------------------------


def test_control_characters_are_shown_and_everything_else_is_kept() -> None:
    from mktctl.cli.terminal import visible

    for name, text in HOSTILE.items():
        shown = visible(f"[{text}]")
        assert not RAW.search(shown), (name, shown)
        assert "\\u" in shown, name
    assert visible(KEPT) == KEPT
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("\U000e0001") == "\\U000e0001"
    assert visible("\ud800") == "\\ud800"  # a lone surrogate (a file name that is not UTF-8) cannot be printed


def _assert_clean(output: str, *, expect: tuple[str, ...] = ()) -> None:
    raw = RAW.findall(output.replace("\n", ""))
    assert not raw, (raw, output[:400])
    for text in expect:
        assert text in output, (text, output[:400])


@pytest.mark.e2e
def test_hostile_text_reaches_the_terminal_only_as_visible_escapes(tmp_path) -> None:
    env = base_env(tmp_path)
    headers = ["姓名", "公司名称", "手机号码", *(f"{name}{text}".replace("\x00", "") for name, text in HOSTILE.items()),
               KEPT]  # (a NUL makes the file binary: refused before any header is shown)
    leads = tmp_path / "leads\x1b[31m.csv"
    with leads.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([headers, ["张三", "示例科技", "13912345678", *([""] * (len(HOSTILE) + 1))]])
    name = "".join(HOSTILE.values()).replace("\x00", "").replace("\\", "")
    (tmp_path / "mktctl.yaml").write_text(textwrap.dedent(f"""\
        version: 1
        name: {_yaml_double_quoted("演练" + name)}
        departments:
          - name: {_yaml_double_quoted("市场部" + HOSTILE["right-to-left override"])}
          - name: 市场部
        """), encoding="utf-8")

    runs = [run(["leads", "check", leads.name, "--out", "out"], tmp_path, env),
            run(["leads", "check", leads.name, "--out", "out", "-o", "json"], tmp_path, env),
            run(["validate"], tmp_path, env),
            run(["plan"], tmp_path, env),
            run(["plan", "-o", "markdown"], tmp_path, env),
            run(["plan", "--bogus\x1b[2J"], tmp_path, env),
            run(["leads", "check", "missing\x1b]0;owned\x07.csv", "--out", "out"], tmp_path, env)]
    assert [done.code for done in runs] == [0, 0, 0, 0, 0, 2, 1], [done.output for done in runs]
    for done in runs:
        _assert_clean(done.output)
    _assert_clean(runs[0].output, expect=("\\u001b[2J", "\\u202etxt.exe", "😀 👩‍💻 🇨🇳"))
    _assert_clean(runs[3].output, expect=("市场部\\u202etxt.exe",))
    _assert_clean(runs[4].output, expect=("# Plan for 演练\\u001b[2J\\u001b[H", "市场部\\u202etxt.exe"))
    _assert_clean(runs[5].output, expect=("--bogus",))
    _assert_clean(runs[6].output, expect=("missing\\u001b]0;owned\\u0007.csv",))
    record_figures("terminal escapes", {"hostile_sequences": len(HOSTILE), "commands": len(runs),
                                        "raw_control_characters_printed": 0})


def _yaml_double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, every control character escaped (YAML allows no raw ones)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif RAW.match(char) or char == "\u2069" or char == "\u2067":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# ---- (b) formula-safe cells in every writer --------------------------------------------------------------------

PAYLOADS = ('=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", "\t=1", "\r=1")


def _formula_cells(path: Path) -> list[tuple[str, str, bool]]:
    """(cell, text, quote prefix) of every string cell that starts like a formula; asserts no cell is one."""
    book = openpyxl.load_workbook(path)
    found = []
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                text = str(cell.value or "").replace("_x000D_", "\r")
                if cell.data_type == "s" and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    found.append((f"{sheet.title}!{cell.coordinate}", text, bool(cell.quotePrefix)))
    return found


def test_every_spreadsheet_writer_keeps_formulas_as_quoted_text(tmp_path) -> None:
    import pandas as pd

    from mktctl.deliver.checklist import Checklist, Item, write_xlsx
    from mktctl.deliver.workbook_export import export_playbook
    from mktctl.leads.cells import neutralise_frame
    from mktctl.leads.link import AMBIGUITY_COLUMNS, write_ambiguity_workbook
    from mktctl.leads.sheetwriter import TextWorkbook
    from mktctl.leads.template import write_template
    from mktctl.playbook.load import load_playbook

    candidates = pd.DataFrame([{c: payload for c in AMBIGUITY_COLUMNS} for payload in PAYLOADS])
    write_ambiguity_workbook(tmp_path / "ambiguities.xlsx", candidates)
    with TextWorkbook(tmp_path / "results.xlsx") as book:
        book.add_rows("拒绝 Rejected", [list(PAYLOADS), *([p] * len(PAYLOADS) for p in PAYLOADS)])
    write_xlsx(Checklist(playbook=PAYLOADS[0], tenant="t", language="zh-CN", generated_at="now",
                         items=[Item("config", p, "manual", p, guide=p, detail=p) for p in PAYLOADS]),
               tmp_path / "checklist.xlsx")
    names = "\n".join(f"  - name: {_yaml_double_quoted(p)}" for p in PAYLOADS)
    (tmp_path / "mktctl.yaml").write_text(f"version: 1\nname: {_yaml_double_quoted(PAYLOADS[0])}\n"
                                          f"departments:\n{names}\n", encoding="utf-8")
    playbook, _ = load_playbook(tmp_path)
    export_playbook(playbook, tmp_path / "workbook.xlsx", lang="zh-CN", generated_at="now", generator="t")
    write_template(tmp_path / "template.xlsx")

    checked = 0
    for name in ("ambiguities.xlsx", "results.xlsx", "checklist.xlsx", "workbook.xlsx"):
        cells = _formula_cells(tmp_path / name)
        assert {payload for payload in PAYLOADS if not any(payload in text for _c, text, _q in cells)} == set(), name
        assert [c for c in cells if not c[2]] == [], name  # every one with the quote prefix
        checked += len(cells)
    assert _formula_cells(tmp_path / "template.xlsx") == []

    text = neutralise_frame(pd.DataFrame({"error": list(PAYLOADS), "phone": ["+8613912345678"] * len(PAYLOADS)}))
    assert text["error"].tolist() == ["'" + p for p in PAYLOADS]
    assert text["phone"].tolist() == ["+8613912345678"] * len(PAYLOADS)  # a number stays a number
    record_figures("formula-safe cells", {"payloads": len(PAYLOADS), "workbooks": 5, "formula_like_cells": checked,
                                          "without_quote_prefix": 0})


# ---- (c) URL fields -----------------------------------------------------------------------------------------------

URL_FIELDS: dict[str, str] = {
    # kind.field: a playbook in which that field's value is the placeholder URL
    "basic_settings.company.logo": """\
        basic_settings:
          company: {name: 示例科技, logo: URL}
          lead_storage: {default_pool: 公海}
          privacy: {policy_url: "https://www.example.cn/privacy"}
        lead_pools: [{name: 公海}]
        """,
    "basic_settings.company.website": """\
        basic_settings:
          company: {name: 示例科技, website: URL}
          lead_storage: {default_pool: 公海}
          privacy: {policy_url: "https://www.example.cn/privacy"}
        lead_pools: [{name: 公海}]
        """,
    "basic_settings.privacy.policy_url": """\
        basic_settings:
          company: {name: 示例科技}
          lead_storage: {default_pool: 公海}
          privacy: {policy_url: URL}
        lead_pools: [{name: 公海}]
        """,
    "consent.privacy_policy_url": """\
        consent:
          privacy_policy_url: URL
          collect_at: [表单]
          purposes: [{name: 推广, channels: [短信]}]
        """,
    "content_center.articles.url": """\
        content_center:
          articles: [{title: 文章, source: 外部链接, url: URL}]
        """,
    "wechat_accounts.avatar": """\
        wechat_accounts: [{name: 视频号, type: 视频号, channel_id: sph1, avatar: URL}]
        """,
    "wechat_accounts.authorisation_url": """\
        wechat_accounts: [{name: 服务号, type: 服务号, app_id: wx0123456789abcdef, authorisation_url: URL}]
        """,
    "wecom.authorisation_url": """\
        wecom: {corp_name: 示例科技, authorisation_url: URL}
        """,
    "website_forms.page_url": """\
        website_forms: [{name: 官网表单, page_url: URL, fields: {姓名: name, 手机: mobile}}]
        """,
}
REFUSED = ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
           "vbscript:msgbox(1)", "file:///etc/passwd", "weixin://dl/business/?t=x", "ftp://files.example.cn/a",
           "//evil.example/x", "https://user:pa55@www.example.cn/", "https://www.example.cn/\u202egnp.exe",
           "https://www.example.cn/a b", "https://www.example.cn/\x1b[2J", "https:///path-only"]
ACCEPTED = ["https://www.example.cn/privacy?x=1#top", "http://www.example.cn", "https://mp.weixin.qq.com/s/abc"]


def _problems(folder: Path, yaml: str, value: str) -> list[str]:
    from mktctl.errors import PlaybookError
    from mktctl.playbook.load import load_playbook

    body = textwrap.dedent(yaml).replace("URL", _yaml_double_quoted(value))
    (folder / "mktctl.yaml").write_text(f"version: 1\nname: 链接\n{body}", encoding="utf-8")
    try:
        load_playbook(folder)
    except PlaybookError as error:
        return [f"{p.mark}: {p.message}" for p in error.problems if p.severity == "error"]
    return []


@pytest.mark.parametrize("field", list(URL_FIELDS))
def test_every_url_field_accepts_only_web_links_and_says_where(tmp_path, field: str) -> None:
    leaf = field.rsplit(".", 1)[-1]
    for value in ACCEPTED:
        assert _problems(tmp_path, URL_FIELDS[field], value) == [], (field, value)
    for value in REFUSED:
        problems = _problems(tmp_path, URL_FIELDS[field], value)
        assert len(problems) == 1 and "web address" in problems[0], (field, value, problems)
        assert re.search(r"/mktctl\.yaml:\d+:\d+: ", problems[0]) and f"{leaf}: " in problems[0], problems
    record_figures("url fields", {"field": field, "refused": len(REFUSED), "accepted": len(ACCEPTED)})


_LINK_NAME = re.compile(r"(^|_)(url|link|logo|website|avatar)$")
_LINK_TITLE = re.compile(r"链接|网址|头像|官网$|Logo")


def _link_fields(model: type[BaseModel], prefix: str, seen: set[type[BaseModel]]) -> list[str]:
    found = []
    for name, info in model.model_fields.items():
        types = [info.annotation, *_nested(info.annotation)]
        if str in types and (_LINK_NAME.search(name) or _LINK_TITLE.search(info.title or "")):
            found.append(prefix + name)
        for inner in types:
            if isinstance(inner, type) and issubclass(inner, BaseModel) and inner not in seen:
                seen.add(inner)
                found += _link_fields(inner, f"{prefix}{name}.", seen)
    return found


def _nested(annotation: Any) -> list[Any]:
    args = list(typing.get_args(annotation))
    return args + [inner for arg in args for inner in _nested(arg)]


def test_every_field_that_holds_a_link_is_one_of_the_url_fields_tested() -> None:
    from mktctl.kinds.registry import KINDS

    links = sorted(f for kind in KINDS for f in _link_fields(kind.model, f"{kind.name}.", set()))
    assert links == sorted(URL_FIELDS), "a field holds a link: validate it with kinds.shared.url and list it here"
