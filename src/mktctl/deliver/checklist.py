"""The rollout checklist of guide section 3 (测试使用): configuration, 3.1 system tests, 3.2 training and
3.4 deliverables, filled from the playbook and the plan against a tenant.

Every item has a status and an owner:

* ``done``: nothing left to do (applied and unchanged, or a manual step confirmed, or a rule's behaviour
  proven by ``mktctl test`` for the playbook as it is);
* ``pending``: ``mktctl apply`` still has changes to make, a test waits for its configuration, or the rules'
  tests have not passed for the playbook as it is (not run since it changed);
* ``manual``: a person must act: a manual step to do and confirm, a test to run, a session to hold;
* ``failed``: ``mktctl test`` failed for the playbook as it is (the detail counts the failed checks).

The 3.1 tests of the kinds whose behaviour the rules engine runs (``Kind.rules_tested``: cleaning,
assignment, reminders, MQL, OneID, tags, scoring, stages, segments, flows) follow the outcome of
``mktctl test`` kept with the playbook's digest (:mod:`mktctl.deliver.test_results`), and one item says
how the tests went. :func:`build_checklist` is a pure function of the playbook, the plan and that outcome;
:func:`open_checklist` opens the tenant to make the plan. Rendered as Markdown or written as an xlsx
workbook (every text cell a string, never a formula); both are redacted of secrets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.deliver.test_results import TestResults, read_test_results
from mktctl.kinds.base import CONSULTANT
from mktctl.secrets import REDACTOR

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mktctl.engine.plan import Action, Plan
    from mktctl.kinds.base import Playbook, Resource

__all__ = ["SECTIONS", "STATUSES", "Checklist", "Item", "build_checklist", "open_checklist", "to_markdown",
           "write_xlsx"]

STATUSES = ("done", "pending", "manual", "failed")
SECTIONS = ("config", "test", "training", "delivery")
APPLY = "consultant (mktctl apply)"
RULES_TESTS = "规则测试: mktctl test (tests/*.yaml)"
_HEADINGS = {
    "config": ("配置 (实施指南 1.1–2.8)", "Configuration (guide 1.1–2.8)"),
    "test": ("3.1 系统功能测试", "3.1 System tests"),
    "training": ("3.2 培训内容", "3.2 Training"),
    "delivery": ("3.4 交付资料", "3.4 Deliverables"),
}
_COLUMNS = {"zh-CN": ("#", "项目", "指南", "状态", "负责人", "说明"),
            "en": ("#", "Item", "Guide", "Status", "Owner", "Detail")}
_TITLE = ("实施检查清单", "Rollout checklist")


@dataclass(frozen=True)
class Item:
    section: str  # one of SECTIONS
    item: str
    status: str  # one of STATUSES
    owner: str
    guide: str = ""
    detail: str = ""
    address: str = ""  # kind/key of the resource it is about, if any


@dataclass
class Checklist:
    playbook: str
    tenant: str
    language: str
    generated_at: str
    items: list[Item] = field(default_factory=list)

    def section(self, name: str) -> list[Item]:
        return [i for i in self.items if i.section == name]

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    def summary(self) -> str:
        return ", ".join(f"{self.count(s)} {s}" for s in STATUSES)


# ---- building -----------------------------------------------------------------------------------------


def open_checklist(directory: Path, *, tenant: str | None = None, env: str | None = None,
                   variables: Mapping[str, str] | None = None, generated_at: str = "",
                   deadline: float | None = None) -> Checklist:
    """Load the playbook, plan it against the tenant and build its checklist."""
    from mktctl.engine.ledger import LEDGER_FILE
    from mktctl.engine.session import open_session

    session = open_session(directory, tenant=tenant, env=env, variables=variables, deadline=deadline)
    try:
        playbook = session.playbook
        recorded = (playbook.root / LEDGER_FILE).is_file()
        return build_checklist(playbook, session.plan, ledger_recorded=recorded, generated_at=generated_at,
                               tests=read_test_results(playbook.root, playbook.digest()))
    finally:
        session.close()


def build_checklist(playbook: Playbook, plan: Plan, *, ledger_recorded: bool = False, generated_at: str = "",
                    tests: TestResults | None = None) -> Checklist:
    """The checklist; ``tests`` is the kept outcome of ``mktctl test`` (none: the tests have not run)."""
    tests = tests or TestResults("not_run")
    checklist = Checklist(playbook=playbook.name, tenant=str(plan.tenant.get("name", "")),
                          language=playbook.language, generated_at=generated_at or plan.created_at)
    by_resource: dict[str, list[Action]] = {}
    for action in plan.actions:
        by_resource.setdefault(f"{action.kind}/{action.key}", []).append(action)
    status_of: dict[str, str] = {}
    for resource in playbook.resources:
        item = _config_item(resource, by_resource.get(resource.address, []))
        status_of[resource.address] = item.status
        checklist.items.append(item)
    if tests.state != "no_tests" or any(r.kind.rules_tested for r in playbook.resources):
        status, detail = _rules_tests(tests)
        checklist.items.append(Item("test", RULES_TESTS, status, CONSULTANT, guide="3.1", detail=detail))
    for resource in playbook.resources:
        ready = status_of.get(resource.address) == "done"
        for text, owner in resource.kind.acceptance_tests(resource.spec, resource.key):
            checklist.items.append(_acceptance_item(resource, text, owner, ready, tests))
    checklist.items.extend(_training(playbook))
    checklist.items.extend(_deliverables(playbook, plan, ledger_recorded))
    return checklist


def _rules_tests(tests: TestResults) -> tuple[str, str]:
    """The status and detail that the kept outcome of ``mktctl test`` gives the rules' tests."""
    when = f" at {tests.when}" if tests.when else ""
    if tests.state == "passed":
        return "done", f"mktctl test passed{when}: {tests.tests} test(s), {tests.checks} checks"
    if tests.state == "failed":
        first = tests.failures[0].message if tests.failures else ""
        return "failed", (f"mktctl test{when}: {tests.failed_checks} of {tests.checks} checks failed"
                          + (f"; first: {first}" if first else ""))
    if tests.state == "stale":
        return "pending", f"the playbook or its tests changed since mktctl test ran{when}: run mktctl test"
    if tests.state == "no_tests":
        return "pending", "no tests/*.yaml: write test people and expectations (docs/testing.md), run mktctl test"
    return "pending", f"run mktctl test ({len(tests.files)} test file(s))"


def _acceptance_item(resource: Resource[Any], text: str, owner: str, ready: bool, tests: TestResults) -> Item:
    section = resource.kind.section_of(resource.spec)
    if not ready:
        return Item("test", text, "pending", owner, guide=section, address=resource.address,
                    detail="after its configuration is done")
    if not resource.kind.rules_tested:
        return Item("test", text, "manual", owner, guide=section, address=resource.address)
    status, detail = _rules_tests(tests)
    return Item("test", text, status, owner, guide=section, address=resource.address, detail=detail)


def _config_item(resource: Resource[Any], actions: list[Action]) -> Item:
    kind = resource.kind
    name = kind.title if kind.singleton else f"{kind.title} {resource.key}"
    changes = [a for a in actions if a.op in ("create", "update", "delete")]
    manual = [a for a in actions if a.op == "manual" and a.manual is not None]
    if changes:
        ops = ", ".join(f"{a.symbol} {a.op}" + (" (settings)" if a.part == "settings" else "") for a in changes)
        return Item("config", name, "pending", APPLY, guide=kind.section_of(resource.spec),
                    detail=f"apply: {ops}", address=resource.address)
    open_steps = [a for a in manual if a.manual is not None and a.manual.status != "confirmed"]
    if open_steps:
        step = open_steps[0].manual
        assert step is not None
        why = "values changed since confirmed; " if step.status == "changed" else ""
        return Item("config", name, "manual", step.who, guide=kind.section_of(resource.spec),
                    detail=f"{why}{step.menu_path}; then mktctl confirm {step.step}", address=resource.address)
    confirmed = [a.manual for a in manual if a.manual is not None]
    detail = "; ".join(f"confirmed by {m.confirmed_by} at {m.confirmed_at}" for m in confirmed)
    return Item("config", name, "done", confirmed[0].who if confirmed else APPLY,
                guide=kind.section_of(resource.spec), detail=detail, address=resource.address)


def _names(values: Iterable[Any]) -> str:
    return "、".join(str(v) for v in values)


# ---- 3.2 training and 3.4 deliverables ----------------------------------------------------------------


def _training(playbook: Playbook) -> list[Item]:
    items: list[Item] = []
    holders = {r.key: list(getattr(r.spec, "users", [])) for r in playbook.of("role_assignments")}
    for role in playbook.of("roles"):
        people = holders.get(role.key, [])
        items.append(Item("training", f"角色培训: {role.key}", "manual", CONSULTANT, guide="3.2",
                          detail=f"{len(people)} 人: {_names(people)}" if people else "no user holds this role yet",
                          address=role.address))
    admins = sorted({a for r in playbook.of("lead_pools") for a in getattr(r.spec, "admins", [])})
    if admins:
        items.append(Item("training", "线索池管理员培训: 线索分配、收回与跟进提醒", "manual", CONSULTANT, guide="3.2",
                          detail=f"{len(admins)} 人: {_names(admins)}"))
    modules = [("ad_accounts", "广告营销: 广告数据报表与线索对接"), ("website_forms", "官网表单与UTM投放地址"),
               ("wechat_accounts", "微信生态: 公众号运营、小程序与视频号"), ("wecom", "企业微信: 活码与客户运营"),
               ("sms_channel", "短信营销: 签名、模板与发送"), ("email_channel", "邮件营销: 发信域名与发送")]
    for kind_name, topic in modules:
        if playbook.of(kind_name):
            items.append(Item("training", f"功能培训: {topic}", "manual", CONSULTANT, guide="3.2"))
    return items


def _deliverables(playbook: Playbook, plan: Plan, ledger_recorded: bool) -> list[Item]:
    pending_manual = plan.pending_manual
    applied = not plan.changes
    items = [
        Item("delivery", "实施 playbook (配置即代码)", "done", CONSULTANT, guide="3.4",
             detail=f"{len(playbook.resources)} resources in {len(playbook.files)} file(s)"),
        Item("delivery", "配置台账 mktctl.lock.yaml", "done" if ledger_recorded and applied else "pending",
             APPLY, guide="3.4",
             detail="" if applied else f"{len(plan.changes)} change(s) to apply first"),
        Item("delivery", "人工配置步骤确认记录", "done" if not pending_manual else "manual",
             _names(sorted({a.manual.who for a in pending_manual if a.manual is not None})) or CONSULTANT,
             guide="3.4", detail=f"{len(pending_manual)} step(s) to confirm: mktctl steps" if pending_manual else ""),
        Item("delivery", "配置清单 (mktctl plan --output markdown)", "manual", CONSULTANT, guide="3.4"),
    ]
    users = playbook.of("users")
    if users:
        items.append(Item("delivery", "账号清单 (员工、角色、登录方式)", "manual", CONSULTANT, guide="3.4",
                          detail=f"{len(users)} 个账号"))
    items += [Item("delivery", "操作手册与培训签到记录", "manual", CONSULTANT, guide="3.4"),
              Item("delivery", "验收确认书", "manual", "client project lead (客户项目负责人)", guide="3.4")]
    return items


# ---- rendering ---------------------------------------------------------------------------------------


def _lang(checklist: Checklist) -> int:
    return 0 if checklist.language == "zh-CN" else 1


def to_markdown(checklist: Checklist) -> str:
    lang = _lang(checklist)
    columns = _COLUMNS["zh-CN" if lang == 0 else "en"]
    out = [f"# {_TITLE[lang]}: {_md(checklist.playbook)}", "",
           f"Tenant: {_md(checklist.tenant)} · {_md(checklist.generated_at)} · {checklist.summary()}", ""]
    for section in SECTIONS:
        items = checklist.section(section)
        if not items:
            continue
        out += [f"## {_HEADINGS[section][lang]}", "", "| " + " | ".join(columns) + " |",
                "|" + "---|" * len(columns)]
        for number, item in enumerate(items, start=1):
            out.append(f"| {number} | {_md(item.item)} | {_md(item.guide)} | {item.status} | {_md(item.owner)} | "
                       f"{_md(item.detail)} |")
        out.append("")
    return REDACTOR.redact("\n".join(out))


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_xlsx(checklist: Checklist, out: Path) -> None:
    """One sheet, one row per item, with a filter; every text cell from
    :class:`mktctl.leads.cells.TextCells` (text, never a formula; redacted)."""
    import xlsxwriter

    from mktctl.leads.cells import TextCells

    lang = _lang(checklist)
    book = xlsxwriter.Workbook(str(out), TextCells.OPTIONS)
    cells = TextCells(book)
    try:
        sheet = book.add_worksheet(_TITLE[lang][:31])
        header: dict[str, Any] = {"bold": True, "bg_color": "#DDEBF7", "border": 1}
        text: dict[str, Any] = {"text_wrap": True, "valign": "top"}
        colours = {"done": "#E2EFDA", "pending": "#FFF2CC", "manual": "#FCE4D6", "failed": "#F4B6B6"}
        cells.write(sheet, 0, 0, f"{_TITLE[lang]}: {checklist.playbook}", bold=True, font_size=14)
        cells.write(sheet, 1, 0, f"Tenant: {checklist.tenant} · {checklist.generated_at} · {checklist.summary()}")
        columns = ("section", *_COLUMNS["zh-CN" if lang == 0 else "en"])
        for col, name in enumerate(columns):
            cells.write(sheet, 3, col, name, **header)
        row = 4
        for section in SECTIONS:
            for number, item in enumerate(checklist.section(section), start=1):
                cells.write(sheet, row, 0, _HEADINGS[section][lang], **text)
                sheet.write_number(row, 1, number, cells.format(**text))
                for col, value in enumerate((item.item, item.guide), start=2):
                    cells.write(sheet, row, col, value, **text)
                cells.write(sheet, row, 4, item.status, bg_color=colours[item.status], valign="top")
                cells.write(sheet, row, 5, item.owner, **text)
                cells.write(sheet, row, 6, item.detail, **text)
                row += 1
        sheet.autofilter(3, 0, max(row - 1, 3), len(columns) - 1)
        sheet.freeze_panes(4, 0)
        for col, width in enumerate((22, 5, 60, 8, 10, 32, 60)):
            sheet.set_column(col, col, width)
    finally:
        book.close()
