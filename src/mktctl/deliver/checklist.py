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

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.language import Phrase, resolve_lang
from mktctl.deliver.test_results import TestResults, read_test_results
from mktctl.kinds.wording import APPLY, CLIENT_LEAD, CONSULTANT, Words
from mktctl.secrets import REDACTOR

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mktctl.engine.plan import Action, Plan
    from mktctl.kinds.base import Playbook, Resource

__all__ = ["SECTIONS", "STATUSES", "Checklist", "Item", "build_checklist", "open_checklist", "rules_tests_item",
           "to_markdown", "write_xlsx"]

STATUSES = ("done", "pending", "manual", "failed")
SECTIONS = ("config", "test", "training", "delivery")
RULES_TESTS = Phrase("规则测试：mktctl test（tests/*.yaml）", "Rule tests: mktctl test (tests/*.yaml)")
_HEADINGS = {
    "config": Phrase("配置（实施指南 1.1–2.8）", "Configuration (guide 1.1–2.8)"),
    "test": Phrase("3.1 系统功能测试", "3.1 System tests"),
    "training": Phrase("3.2 培训内容", "3.2 Training"),
    "delivery": Phrase("3.4 交付资料", "3.4 Deliverables"),
}
_COLUMNS = {"zh-CN": ("#", "项目", "指南", "状态", "负责人", "说明"),
            "en": ("#", "Item", "Guide", "Status", "Owner", "Detail")}
_SECTION = Phrase("部分", "Section")
_TITLE = Phrase("实施检查清单", "Rollout checklist")
_TENANT = Phrase("租户", "Tenant")
_STATUS_WORDS = {"done": Phrase("完成", "done"), "pending": Phrase("待处理", "pending"),
                 "manual": Phrase("需人工", "manual"), "failed": Phrase("失败", "failed")}


def rules_tests_item(lang: str) -> str:
    """The checklist item of the rules' tests (``mktctl test``), in ``lang``."""
    return RULES_TESTS.say(resolve_lang(lang))


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

    def summary(self, lang: str = "en") -> str:
        """``3 done, 2 pending, …``; in Chinese ``3 完成、2 待处理…``."""
        lang = resolve_lang(lang)
        parts = [f"{self.count(s)} {_STATUS_WORDS[s].say(lang)}" for s in STATUSES]
        return ("、" if lang == "zh-CN" else ", ").join(parts)


# ---- building -----------------------------------------------------------------------------------------


def open_checklist(directory: Path, *, tenant: str | None = None, env: str | None = None,
                   variables: Mapping[str, str] | None = None, generated_at: str = "",
                   deadline: float | None = None, language: str | None = None) -> Checklist:
    """Load the playbook, plan it against the tenant and build its checklist, in ``language`` (default: the
    playbook's)."""
    from mktctl.engine.ledger import LEDGER_FILE
    from mktctl.engine.session import open_session

    session = open_session(directory, tenant=tenant, env=env, variables=variables, deadline=deadline,
                           language=language)
    try:
        playbook = session.playbook
        recorded = (playbook.root / LEDGER_FILE).is_file()
        return build_checklist(playbook, session.plan, ledger_recorded=recorded, generated_at=generated_at,
                               tests=read_test_results(playbook.root, playbook.digest()))
    finally:
        session.close()


def build_checklist(playbook: Playbook, plan: Plan, *, ledger_recorded: bool = False, generated_at: str = "",
                    tests: TestResults | None = None) -> Checklist:
    """The checklist, in the playbook's language (the plan's manual steps are said in it too); ``tests`` is
    the kept outcome of ``mktctl test`` (none: the tests have not run)."""
    tests = tests or TestResults("not_run")
    words = Words.of(playbook)
    checklist = Checklist(playbook=playbook.name, tenant=str(plan.tenant.get("name", "")),
                          language=words.lang, generated_at=generated_at or plan.created_at)
    by_resource: dict[str, list[Action]] = {}
    for action in plan.actions:
        by_resource.setdefault(f"{action.kind}/{action.key}", []).append(action)
    status_of: dict[str, str] = {}
    for resource in playbook.resources:
        item = _config_item(resource, by_resource.get(resource.address, []), words)
        status_of[resource.address] = item.status
        checklist.items.append(item)
    if tests.state != "no_tests" or any(r.kind.rules_tested for r in playbook.resources):
        status, detail = _rules_tests(tests, words)
        checklist.items.append(Item("test", words.say(RULES_TESTS), status, words.say(CONSULTANT), guide="3.1",
                                    detail=detail))
    for resource in playbook.resources:
        ready = status_of.get(resource.address) == "done"
        for text, owner in resource.kind.acceptance_tests(resource.spec, resource.key, words.about(resource)):
            checklist.items.append(_acceptance_item(resource, text, owner, ready, tests, words))
    checklist.items.extend(_training(playbook, words))
    checklist.items.extend(_deliverables(playbook, plan, ledger_recorded, words))
    return checklist


_TESTS = {
    "passed": Phrase("mktctl test 通过{when}：{tests} 个测试，{checks} 项检查",
                     "mktctl test passed{when}: {tests} test(s), {checks} checks"),
    "failed": Phrase("mktctl test{when}：{checks} 项检查中 {failed} 项未通过{first}",
                     "mktctl test{when}: {failed} of {checks} checks failed{first}"),
    "stale": Phrase("mktctl test{when}运行后配置方案或测试有修改：请重新运行 mktctl test",
                    "the playbook or its tests changed since mktctl test ran{when}: run mktctl test"),
    "no_tests": Phrase("没有 tests/*.yaml：编写测试人员和预期（docs/testing.md），再运行 mktctl test",
                       "no tests/*.yaml: write test people and expectations (docs/testing.md), run mktctl test"),
    "not_run": Phrase("运行 mktctl test（{files} 个测试文件）", "run mktctl test ({files} test file(s))"),
}
_WHEN = Phrase("（{when}）", " at {when}")
_FIRST = Phrase("；第一项：{first}", "; first: {first}")


def _rules_tests(tests: TestResults, words: Words) -> tuple[str, str]:
    """The status and detail that the kept outcome of ``mktctl test`` gives the rules' tests."""
    when = words.say(_WHEN, when=tests.when) if tests.when else ""
    state = tests.state if tests.state in _TESTS else "not_run"
    first = words.say(_FIRST, first=tests.failures[0].message) if tests.failures else ""
    detail = words.say(_TESTS[state], when=when, tests=tests.tests, checks=tests.checks, failed=tests.failed_checks,
                       first=first, files=len(tests.files))
    status = {"passed": "done", "failed": "failed"}.get(tests.state, "pending")
    return status, detail


_AFTER_CONFIG = Phrase("待配置完成后进行", "after its configuration is done")


def _acceptance_item(resource: Resource[Any], text: str, owner: str, ready: bool, tests: TestResults,
                     words: Words) -> Item:
    section = resource.kind.section_of(resource.spec)
    if not ready:
        return Item("test", text, "pending", owner, guide=section, address=resource.address,
                    detail=words.say(_AFTER_CONFIG))
    if not resource.kind.rules_tested:
        return Item("test", text, "manual", owner, guide=section, address=resource.address)
    status, detail = _rules_tests(tests, words)
    return Item("test", text, status, owner, guide=section, address=resource.address, detail=detail)


_OPS = {"create": Phrase("新建", "create"), "update": Phrase("更新", "update"), "delete": Phrase("删除", "delete")}
_SETTINGS = Phrase("（设置）", " (settings)")
_TO_APPLY = Phrase("待应用：{ops}", "apply: {ops}")
_CHANGED = Phrase("确认后值已变更；", "values changed since confirmed; ")
_DO_STEP = Phrase("{why}{where}；完成后运行 mktctl confirm {step}", "{why}{where}; then mktctl confirm {step}")
_CONFIRMED = Phrase("已由{by}于{at}确认", "confirmed by {by} at {at}")


def _config_item(resource: Resource[Any], actions: list[Action], words: Words) -> Item:
    kind = resource.kind
    title = words.word(kind.title)
    name = title if kind.singleton else f"{title} {kind.shown_key(resource.key, words)}"
    changes = [a for a in actions if a.op in ("create", "update", "delete")]
    manual = [a for a in actions if a.op == "manual" and a.manual is not None]
    if changes:
        ops = words.join(f"{a.symbol} {words.say(_OPS[a.op])}" + (words.say(_SETTINGS) if a.part == "settings"
                                                                   else "") for a in changes)
        return Item("config", name, "pending", words.say(APPLY), guide=kind.section_of(resource.spec),
                    detail=words.say(_TO_APPLY, ops=ops), address=resource.address)
    open_steps = [a for a in manual if a.manual is not None and a.manual.status != "confirmed"]
    if open_steps:
        step = open_steps[0].manual
        assert step is not None
        why = words.say(_CHANGED) if step.status == "changed" else ""
        return Item("config", name, "manual", step.who, guide=kind.section_of(resource.spec),
                    detail=words.say(_DO_STEP, why=why, where=step.menu_path, step=step.step),
                    address=resource.address)
    confirmed = [a.manual for a in manual if a.manual is not None]
    detail = words.clauses(words.say(_CONFIRMED, by=m.confirmed_by, at=m.confirmed_at) for m in confirmed)
    return Item("config", name, "done", confirmed[0].who if confirmed else words.say(APPLY),
                guide=kind.section_of(resource.spec), detail=detail, address=resource.address)


# ---- 3.2 training and 3.4 deliverables ----------------------------------------------------------------

_PEOPLE = Phrase("{count} 人：{names}", "{count} person(s): {names}")
_ROLE_TRAINING = Phrase("角色培训：{role}", "Training for role {role}")
_NOBODY = Phrase("尚无员工担任该角色", "no user holds this role yet")
_POOL_TRAINING = Phrase("线索池管理员培训：线索分配、收回与跟进提醒",
                        "Training for lead pool admins: assigning, taking back and follow-up reminders")
_MODULE_TRAINING = Phrase("功能培训：{topic}", "Training: {topic}")
_MODULES = [("ad_accounts", Phrase("广告营销：广告数据报表与线索对接", "advertising: ad reports and lead sync")),
            ("website_forms", Phrase("官网表单与UTM投放地址", "website forms and addresses with UTM parameters")),
            ("wechat_accounts", Phrase("微信生态：公众号运营、小程序与视频号",
                                       "WeChat: the official account, the mini program and WeChat Channels")),
            ("wecom", Phrase("企业微信：活码与客户运营", "WeCom: live codes and customer operations")),
            ("sms_channel", Phrase("短信营销：签名、模板与发送", "SMS: signature, templates and sending")),
            ("email_channel", Phrase("邮件营销：发信域名与发送", "e-mail: sender domains and sending"))]


def _training(playbook: Playbook, words: Words) -> list[Item]:
    items: list[Item] = []
    who = words.say(CONSULTANT)
    holders = {r.key: list(getattr(r.spec, "users", [])) for r in playbook.of("role_assignments")}
    for role in playbook.of("roles"):
        people = holders.get(role.key, [])
        detail = (words.say(_PEOPLE, count=len(people), names=words.join(words.employee(p) for p in people))
                  if people else words.say(_NOBODY))
        items.append(Item("training", words.say(_ROLE_TRAINING, role=role.key), "manual", who, guide="3.2",
                          detail=detail, address=role.address))
    admins = sorted({a for r in playbook.of("lead_pools") for a in getattr(r.spec, "admins", [])})
    if admins:
        items.append(Item("training", words.say(_POOL_TRAINING), "manual", who, guide="3.2",
                          detail=words.say(_PEOPLE, count=len(admins),
                                           names=words.join(words.employee(a) for a in admins))))
    for kind_name, topic in _MODULES:
        if playbook.of(kind_name):
            items.append(Item("training", words.say(_MODULE_TRAINING, topic=words.say(topic)), "manual", who,
                              guide="3.2"))
    return items


_DELIVERABLES = {
    "playbook": Phrase("实施配置方案（配置即代码）", "The rollout playbook (configuration as code)"),
    "playbook.detail": Phrase("{files} 个文件中的 {resources} 个配置项", "{resources} resources in {files} file(s)"),
    "ledger": Phrase("配置台账 mktctl.lock.yaml", "The ledger mktctl.lock.yaml"),
    "ledger.detail": Phrase("需先应用 {count} 项变更", "{count} change(s) to apply first"),
    "steps": Phrase("人工配置步骤确认记录", "Confirmations of the manual steps"),
    "steps.detail": Phrase("{count} 个步骤待确认：mktctl steps", "{count} step(s) to confirm: mktctl steps"),
    "plan": Phrase("配置清单（mktctl plan --output markdown）",
                   "The configuration list (mktctl plan --output markdown)"),
    "accounts": Phrase("账号清单（员工、角色、登录方式）", "The account list (employees, roles, how they log in)"),
    "accounts.detail": Phrase("{count} 个账号", "{count} account(s)"),
    "manual": Phrase("操作手册与培训签到记录", "User guides and training attendance"),
    "acceptance": Phrase("验收确认书", "The acceptance sign-off"),
}


def _deliverables(playbook: Playbook, plan: Plan, ledger_recorded: bool, words: Words) -> list[Item]:
    def say(key: str, **values: Any) -> str:
        return words.say(_DELIVERABLES[key], **values)

    pending_manual = plan.pending_manual
    applied = not plan.changes
    who = words.say(CONSULTANT)
    step_owners = sorted({a.manual.who for a in pending_manual if a.manual is not None})
    items = [
        Item("delivery", say("playbook"), "done", who, guide="3.4",
             detail=say("playbook.detail", resources=len(playbook.resources), files=len(playbook.files))),
        Item("delivery", say("ledger"), "done" if ledger_recorded and applied else "pending",
             words.say(APPLY), guide="3.4", detail="" if applied else say("ledger.detail", count=len(plan.changes))),
        Item("delivery", say("steps"), "done" if not pending_manual else "manual",
             words.join(step_owners) or who, guide="3.4",
             detail=say("steps.detail", count=len(pending_manual)) if pending_manual else ""),
        Item("delivery", say("plan"), "manual", who, guide="3.4"),
    ]
    users = playbook.of("users")
    if users:
        items.append(Item("delivery", say("accounts"), "manual", who, guide="3.4",
                          detail=say("accounts.detail", count=len(users))))
    items += [Item("delivery", say("manual"), "manual", who, guide="3.4"),
              Item("delivery", say("acceptance"), "manual", words.say(CLIENT_LEAD), guide="3.4")]
    return items


# ---- rendering ---------------------------------------------------------------------------------------


def _header(checklist: Checklist) -> str:
    lang = checklist.language
    tenant = f"{_TENANT.say(lang)}{'：' if lang == 'zh-CN' else ': '}{checklist.tenant}"
    return " · ".join([tenant, checklist.generated_at, checklist.summary(lang)])


def to_markdown(checklist: Checklist) -> str:
    lang = checklist.language
    columns = _COLUMNS.get(lang, _COLUMNS["en"])
    colon = "：" if lang == "zh-CN" else ": "
    out = [f"# {_TITLE.say(lang)}{colon}{_md(checklist.playbook)}", "", _md(_header(checklist)), ""]
    for section in SECTIONS:
        items = checklist.section(section)
        if not items:
            continue
        out += [f"## {_HEADINGS[section].say(lang)}", "", "| " + " | ".join(columns) + " |",
                "|" + "---|" * len(columns)]
        for number, item in enumerate(items, start=1):
            out.append(f"| {number} | {_md(item.item)} | {_md(item.guide)} | {_STATUS_WORDS[item.status].say(lang)} | "
                       f"{_md(item.owner)} | {_md(item.detail)} |")
        out.append("")
    return REDACTOR.redact("\n".join(out))


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_xlsx(checklist: Checklist, out: Path) -> None:
    """One sheet, one row per item, with a filter; every text cell from
    :class:`mktctl.leads.cells.TextCells` (text, never a formula; redacted)."""
    import xlsxwriter

    from mktctl.leads.cells import TextCells

    lang = checklist.language
    book = xlsxwriter.Workbook(str(out), TextCells.OPTIONS)
    cells = TextCells(book)
    try:
        sheet = book.add_worksheet(_TITLE.say(lang)[:31])
        header: dict[str, Any] = {"bold": True, "bg_color": "#DDEBF7", "border": 1}
        text: dict[str, Any] = {"text_wrap": True, "valign": "top"}
        colours = {"done": "#E2EFDA", "pending": "#FFF2CC", "manual": "#FCE4D6", "failed": "#F4B6B6"}
        colon = "：" if lang == "zh-CN" else ": "
        cells.write(sheet, 0, 0, f"{_TITLE.say(lang)}{colon}{checklist.playbook}", bold=True, font_size=14)
        cells.write(sheet, 1, 0, _header(checklist))
        columns = (_SECTION.say(lang), *_COLUMNS.get(lang, _COLUMNS["en"]))
        for col, name in enumerate(columns):
            cells.write(sheet, 3, col, name, **header)
        row = 4
        for section in SECTIONS:
            for number, item in enumerate(checklist.section(section), start=1):
                cells.write(sheet, row, 0, _HEADINGS[section].say(lang), **text)
                sheet.write_number(row, 1, number, cells.format(**text))
                for col, value in enumerate((item.item, item.guide), start=2):
                    cells.write(sheet, row, col, value, **text)
                cells.write(sheet, row, 4, _STATUS_WORDS[item.status].say(lang), bg_color=colours[item.status],
                            valign="top")
                cells.write(sheet, row, 5, item.owner, **text)
                cells.write(sheet, row, 6, item.detail, **text)
                row += 1
        sheet.autofilter(3, 0, max(row - 1, 3), len(columns) - 1)
        sheet.freeze_panes(4, 0)
        for col, width in enumerate((22, 5, 60, 8, 10, 32, 60)):
            sheet.set_column(col, col, width)
    finally:
        book.close()
