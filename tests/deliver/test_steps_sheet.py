"""The steps sheet for the client admin: one row per manual step with its menu path, values, how to verify,
who, status (from the recorded confirmations) and a column to sign, in the playbook's language; the QR code
of an authorisation link drawn into it unless the link holds a secret; every cell text, never a formula,
and redacted; the HTML escaped and self-contained."""

from __future__ import annotations

import re
import textwrap
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from mktctl.cli.main import main
from mktctl.deliver.qr import qr_png
from mktctl.deliver.steps_sheet import (
    StepsSheet,
    build_sheet,
    headings,
    render_steps_sheet,
    write_steps_sheet,
)
from mktctl.engine.plan import Action, Manual, Plan
from mktctl.engine.session import open_session
from mktctl.engine.steps import confirm_steps
from mktctl.kinds.base import Playbook
from mktctl.secrets import REDACTOR
from tests.conftest import RunMktctl

CODE = "Zq7fK2pW9xLm4Rt8"  # the authorisation code inside the WeCom link: a secret
SECRET_LINK = f"https://open.work.weixin.qq.com/wwopen/auth?code={CODE}"
WECHAT_LINK = "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx1&pre_auth_code=x"
PLAYBOOK = f"""\
    version: 1
    name: 示例科技
    language: zh-CN
    roles:
      - name: 市场经理
        data_scope: own
        permissions:
          leads: [view, edit]
    wechat_accounts:
      - name: 示例科技服务号
        type: 服务号
        app_id: wx0123456789abcdef
        authorisation_url: "{WECHAT_LINK}"
    wechat_open_platform:
      certified: true
    wecom:
      corp_name: 示例科技
      authorisation_url: ${{env:WECOM_AUTH_URL}}
    """
STEPS = ["roles/市场经理", "wechat_accounts/示例科技服务号", "wechat_open_platform/wechat_open_platform", "wecom/wecom"]
PUBLIC = "tenants:\n  sandbox-public:\n    sandbox: {api: public}\n"
AT = "2026-03-02T09:00:00+08:00"


@pytest.fixture(autouse=True)
def fresh_redactor() -> Iterator[None]:
    yield
    REDACTOR.clear()  # the link's code was registered as a secret when the playbook was loaded


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WECOM_AUTH_URL", SECRET_LINK)
    (tmp_path / "mktctl.yaml").write_text(textwrap.dedent(PLAYBOOK), encoding="utf-8")
    (tmp_path / "mktctl.tenants.yaml").write_text(PUBLIC, encoding="utf-8")
    return tmp_path


def sheet_of(folder: Path, *, language: str | None = None) -> StepsSheet:
    with open_session(folder, tenant="sandbox-public") as session:
        confirm_steps(session, ["roles/市场经理"], by="王芳", at=AT)
    with open_session(folder, tenant="sandbox-public") as session:
        playbook = session.playbook if language is None else replace(session.playbook, language=language)
        return build_sheet(playbook, session.plan, generated_at=AT)


def one_step(manual: Manual, *, name: str = "示例", language: str = "zh-CN") -> StepsSheet:
    """A sheet of one step, made without a tenant."""
    plan = Plan(playbook={"name": name}, tenant={"name": "t"},
                actions=[Action("manual", "roles", "r", "settings", manual=manual)], created_at=AT)
    return build_sheet(Playbook(root=Path(), name=name, language=language, resources=[]), plan)


def rows_of(book: Path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(book).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def images_at(book: Path) -> dict[str, bytes]:
    """The images of the workbook's sheet by the cell they are anchored at, read with openpyxl's drawing
    reader (which keeps images only when Pillow is installed, so the anchors are read here)."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.utils.cell import get_column_letter
    from openpyxl.xml.functions import fromstring

    found: dict[str, bytes] = {}
    with zipfile.ZipFile(book) as archive:
        for name in [n for n in archive.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]:
            drawing = SpreadsheetDrawing.from_tree(fromstring(archive.read(name)))
            targets = get_dependents(archive, get_rels_path(name))
            for anchor in [*drawing.oneCellAnchor, *drawing.twoCellAnchor]:
                target = targets.get(anchor.pic.blipFill.blip.embed).target
                cell = f"{get_column_letter(anchor._from.col + 1)}{anchor._from.row + 1}"
                found[cell] = archive.read(target)
    return found


def unzipped(book: Path) -> bytes:
    with zipfile.ZipFile(book) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


class Cells(HTMLParser):
    """The HTML as the browser sees it: the table's headings and cells as text, and the elements used."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.rows: list[dict[str, str]] = []
        self.svgs_in: list[str] = []  # the class of the cell each <svg> is in
        self.tags: set[str] = set()
        self._cell: tuple[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "tr":
            self.rows.append({})
        elif tag in ("th", "td"):
            self._cell = (tag, (dict(attrs).get("class") or "").split(" ")[0])
        elif tag == "svg" and self._cell is not None:
            self.svgs_in.append(self._cell[1])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is None:
            return
        tag, name = self._cell
        if tag == "th":
            self.headings.append(data)
        else:
            self.rows[-1][name] = self.rows[-1].get(name, "") + data


# ---- the rows ------------------------------------------------------------------------------------------


def test_the_sheet_has_a_row_per_manual_step_with_who_confirmed_it_and_when(folder: Path) -> None:
    sheet = sheet_of(folder)

    assert [row.step for row in sheet.rows] == STEPS
    assert [row.status for row in sheet.rows] == ["done", "pending", "pending", "pending"]
    assert sheet.rows[0].status_text == "已完成：王芳 确认于 2026-03-02 09:00"
    assert sheet.rows[0].fields.menu_path == "管理后台 > 权限管理 > 角色权限 > 市场经理"
    assert ("功能权限 > 销售线索", "查看、编辑") in sheet.rows[0].fields.values
    assert sheet.summary() == "共 4 项，已完成 1 项，待完成 3 项"


def test_a_step_confirmed_for_values_that_changed_since_is_pending_again(folder: Path) -> None:
    sheet_of(folder)
    entry = folder / "mktctl.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("[view, edit]", "[view]"), encoding="utf-8")

    with open_session(folder, tenant="sandbox-public") as session:
        row = build_sheet(replace(session.playbook, language="en"), session.plan).rows[0]

    assert (row.step, row.status) == ("roles/市场经理", "changed")
    assert row.status_text == ("pending: the values changed after 王芳 confirmed them at 2026-03-02 09:00; set the "
                               "new values and confirm again")


# ---- xlsx ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-CN", ["序号", "步骤", "菜单路径", "设置的值", "如何验证", "负责人", "状态", "扫码授权", "签字 / 日期"]),
    ("en", ["#", "Step", "Menu path", "Values to set", "How to verify", "Who", "Status", "QR code",
            "Signature / date"]),
])
def test_the_workbook_has_the_headings_of_the_playbooks_language_and_a_row_per_step(
        folder: Path, tmp_path: Path, language: str, expected: list[str]) -> None:
    book = write_steps_sheet(sheet_of(folder, language=language), tmp_path / "steps.xlsx", "xlsx")

    rows = rows_of(book)
    assert list(headings(language).values()) == expected
    header = rows.index(tuple(expected))
    steps = rows[header + 1:]
    assert [row[:2] for row in steps] == [(1, STEPS[0]), (2, STEPS[1]), (3, STEPS[2]), (4, STEPS[3])]
    roles = dict(zip(expected, steps[0], strict=True))
    assert roles[expected[2]] == "管理后台 > 权限管理 > 角色权限 > 市场经理"
    assert "功能权限 > 销售线索" in str(roles[expected[3]]) and roles[expected[-1]] is None  # room to sign
    assert str(roles[expected[6]]).endswith("2026-03-02 09:00") and "王芳" in str(roles[expected[6]])


def test_the_workbook_prints_landscape_one_page_wide_with_the_header_row_on_every_page(
        folder: Path, tmp_path: Path) -> None:
    book = write_steps_sheet(sheet_of(folder), tmp_path / "steps.xlsx", "xlsx")

    sheet = openpyxl.load_workbook(book).active
    assert sheet is not None
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$5:$5"
    assert sheet["D6"].alignment.wrap_text and sheet["D6"].font.name == "Microsoft YaHei"
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width


def test_an_authorisation_step_has_the_qr_code_of_its_link_in_the_workbook(folder: Path, tmp_path: Path) -> None:
    book = write_steps_sheet(sheet_of(folder), tmp_path / "steps.xlsx", "xlsx")

    images = images_at(book)
    assert list(images) == ["H7"]  # the QR code column of the second step, the 服务号
    assert images["H7"] == qr_png(WECHAT_LINK).png
    assert rows_of(book)[6][1] == "wechat_accounts/示例科技服务号"


def test_a_link_that_holds_a_secret_is_not_in_the_workbook_even_as_a_qr_code(folder: Path, tmp_path: Path) -> None:
    book = write_steps_sheet(sheet_of(folder), tmp_path / "steps.xlsx", "xlsx")

    wecom = rows_of(book)[8]
    assert wecom[1] == "wecom/wecom"
    assert "H9" not in images_at(book)
    assert wecom[7] == ("此授权链接含密钥，不写入文件（也不以二维码写入）。链接来自环境变量 "
                        "WECOM_AUTH_URL：请在“营销通 > 系统设置 > 营销插件 > 企业微信 > 连接企业微信”"
                        "获取授权二维码，或由实施顾问在设置了它的终端上运行 mktctl steps 显示二维码。")
    assert "授权链接：${env:WECOM_AUTH_URL}" in str(wecom[3])
    assert CODE.encode() not in unzipped(book)


def test_text_that_looks_like_a_formula_stays_text_and_a_secret_is_redacted(tmp_path: Path) -> None:
    REDACTOR.add("hunter2-secret")
    sheet = one_step(Manual(step="roles/r", menu_path="=HYPERLINK(\"http://evil.example\",\"点\")",
                            values=[("备注", "@SUM(1)"), ("口令", "是 hunter2-secret")], verify="-1+1",
                            who="+admin", status="pending"))

    book = write_steps_sheet(sheet, tmp_path / "steps.xlsx", "xlsx")

    cells = {str(c.value): c for row in openpyxl.load_workbook(book).active.iter_rows() for c in row if c.value}
    for text in ("=HYPERLINK(\"http://evil.example\",\"点\")", "-1+1", "+admin"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert "备注：@SUM(1)\n口令：是 ***" in cells
    assert b"<f>" not in unzipped(book) and b"hunter2-secret" not in unzipped(book)


# ---- html ----------------------------------------------------------------------------------------------


def test_the_html_sheet_is_escaped_self_contained_and_prints_landscape(tmp_path: Path) -> None:
    REDACTOR.add("hunter2-secret")
    sheet = one_step(Manual(step="roles/r", menu_path="<script>alert(1)</script>", values=[("名称", "<b>王</b>")],
                            verify="a & b hunter2-secret", who="admin", status="pending", qr_url=WECHAT_LINK),
                     name="<i>示例</i>", language="en")

    html = write_steps_sheet(sheet, tmp_path / "steps.html", "html").read_text(encoding="utf-8")

    page = Cells(html)
    assert page.headings == list(headings("en").values())
    assert page.rows[1]["menu_path"] == "<script>alert(1)</script>"  # shown as text ...
    assert page.tags.isdisjoint({"script", "b", "i", "img", "link"})  # ... never markup
    assert page.rows[1]["values"].strip() == "名称: <b>王</b>" and page.rows[1]["verify"] == "a & b ***"
    assert page.svgs_in == ["scan"]
    assert "hunter2-secret" not in html
    assert re.findall(r"(?:src|href)=\"[^\"]*\"", html) == []  # nothing to fetch
    assert "Content-Security-Policy" in html and "size: A4 landscape" in html
    assert "thead { display: table-header-group; }" in html


def test_the_html_sheet_says_where_to_get_a_link_that_holds_a_secret(folder: Path) -> None:
    html = render_steps_sheet(sheet_of(folder, language="en"), "html").decode("utf-8")

    page = Cells(html)
    by_step = {row.get("step"): row for row in page.rows}
    assert page.svgs_in == ["scan"]  # the 服务号's code only
    assert by_step["wecom/wecom"]["scan"].strip() == (
        "This authorisation link holds a secret, so it is not written into this file, not even as a QR code. It "
        "comes from the environment variable WECOM_AUTH_URL: get the QR code at “营销通 > 系统设置 > 营销插件 > "
        "企业微信 > 连接企业微信”, or have the consultant run `mktctl steps` on a terminal where it is set.")
    assert CODE not in html


# ---- the command ---------------------------------------------------------------------------------------


def test_xlsx_is_refused_to_a_terminal_before_the_tenant_is_opened(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)

    code = main(["--tenant", "sandbox-public", "steps", str(folder), "--output", "xlsx"])

    assert code == 2
    assert "xlsx is a binary file, not for a terminal: write it with --out steps.xlsx" in capsys.readouterr().err
    assert not (folder / ".mktctl").exists()


def test_out_takes_the_format_from_its_suffix_and_a_file_holds_no_secret(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    listed = main(["--tenant", "sandbox-public", "steps", str(folder), "--out", str(folder / "steps.json")])
    unknown = main(["--tenant", "sandbox-public", "steps", str(folder), "--out", str(folder / "steps.txt")])

    assert (listed, unknown) == (0, 2)
    text = (folder / "steps.json").read_text(encoding="utf-8")
    assert [step["step"] for step in json.loads(text)] == STEPS and CODE not in text
    assert "which format is 'steps.txt'? Name it with --output xlsx, html, json or markdown" in capsys.readouterr().err
    assert not (folder / "steps.txt").exists()


@pytest.mark.e2e
def test_mktctl_steps_writes_the_xlsx_sheet(folder: Path, mktctl: RunMktctl) -> None:
    done = mktctl("--tenant", "sandbox-public", "steps", "--output", "xlsx", "--out", "steps.xlsx", cwd=folder,
                  env={"WECOM_AUTH_URL": SECRET_LINK})

    assert done.code == 0, done.output
    assert done.stderr.strip() == "✓ wrote steps.xlsx (xlsx, zh-CN): 4 manual step(s), 4 pending"
    rows = rows_of(folder / "steps.xlsx")
    assert [row[1] for row in rows[5:]] == STEPS
    assert list(images_at(folder / "steps.xlsx")) == ["H7"]
    assert CODE.encode() not in unzipped(folder / "steps.xlsx") and CODE not in done.output
