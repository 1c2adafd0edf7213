"""The rows of the steps sheet (:mod:`mktctl.deliver.steps_sheet`): one per manual step, with the words of
its columns in the playbook's language, its status as the ledger recorded it, and the QR code of an
authorisation link, or the line said instead of a link that holds a secret."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mktctl.deliver.step_text import labels

if TYPE_CHECKING:
    from mktctl.engine.plan import Manual, Plan
    from mktctl.kinds.base import Playbook

__all__ = ["COLUMNS", "Row", "Scan", "StepFields", "StepsSheet", "build_sheet", "headings", "step_fields"]

COLUMNS = ("number", "step", "menu_path", "values", "verify", "who", "status", "scan", "sign")
"""The sheet's columns in order; ``scan`` only when a step has a QR code."""

_WORDS: dict[str, tuple[str, str]] = {  # key -> (zh-CN, en)
    "tenant": ("租户", "Tenant"),
    "generated": ("生成时间", "Generated at"),
    "summary": ("共 {total} 项，已完成 {done} 项，待完成 {pending} 项",
                "{total} steps: {done} done, {pending} pending"),
    "how": ("每完成一项，请按“如何验证”检查，然后在“签字 / 日期”栏签名并写上日期；实施顾问据此记录确认。",
            "When a step is done, check it as “How to verify” says, then sign and date it; the consultant "
            "records the confirmation from this sheet."),
    "none": ("没有人工配置步骤。", "There are no manual steps."),
    "separator": ("：", ": "),
    "page": ("第 &P 页，共 &N 页", "Page &P of &N"),
    # statuses
    "done": ("已完成：{by} 确认于 {at}", "done: confirmed by {by} at {at}"),
    "pending": ("待完成", "pending"),
    "changed": ("待完成：设置的值在 {by} 于 {at} 确认后有变更，请按新的值重做并确认",
                "pending: the values changed after {by} confirmed them at {at}; set the new values and confirm "
                "again"),
    # a link that holds a secret
    "withheld": ("此授权链接含密钥，不写入文件（也不以二维码写入）。链接来自{source}：请在“{menu_path}”获取授权二维码，"
                 "或由实施顾问在设置了它的终端上运行 mktctl steps 显示二维码。",
                 "This authorisation link holds a secret, so it is not written into this file, not even as a QR "
                 "code. It comes from {source}: get the QR code at “{menu_path}”, or have the consultant run "
                 "`mktctl steps` on a terminal where it is set."),
    "source.env": ("环境变量 {name}", "the environment variable {name}"),
    "source.keyring": ("系统密钥库的 {name}", "the keyring entry {name}"),
    "source.unknown": ("环境变量或系统密钥库", "the environment or a keyring"),
}


def _word(key: str, lang: str) -> str:
    if key == "title":
        return labels(lang).title
    zh, en = _WORDS[key]
    return zh if lang == "zh-CN" else en


def headings(lang: str) -> dict[str, str]:
    """The column headings in ``lang`` (zh-CN or en), by column: the words of every list of manual steps
    (:func:`mktctl.deliver.step_text.labels`)."""
    words = labels(lang)
    return {"number": words.number, "step": words.step, "menu_path": words.where, "values": words.values,
            "verify": words.verify, "who": words.who, "status": words.status, "scan": words.qr, "sign": words.sign}


@dataclass(frozen=True)
class StepFields:
    """The words of a step as the sheet shows them."""

    menu_path: str
    values: list[tuple[str, str]]
    verify: str
    who: str


def step_fields(step: Manual, lang: str) -> StepFields:
    """The words of ``step``'s fields for a sheet in ``lang``: the one place both formats take a step's menu
    path, values, verification and owner from. A value that came from a secret is its reference
    (``${env:NAME}``), as the plan keeps it."""
    del lang  # the steps bring their own words, in the language their kind writes them in
    return StepFields(menu_path=step.menu_path, values=list(step.values), verify=step.verify, who=step.who)


@dataclass(frozen=True)
class Scan:
    """The QR code of an authorisation step: the link to draw, or, when the link holds a secret, ``None``
    and the line that says where the link comes from and where to get it."""

    url: str | None
    instead: str = ""


@dataclass(frozen=True)
class Row:
    number: int
    step: str
    fields: StepFields
    status: str  # done | pending | changed (confirmed for values that have changed since)
    status_text: str
    scan: Scan | None = None


@dataclass(frozen=True)
class StepsSheet:
    lang: str
    playbook: str
    tenant: str
    generated_at: str
    rows: list[Row]

    def word(self, key: str) -> str:
        return _word(key, self.lang)

    @property
    def headings(self) -> dict[str, str]:
        """The headings of the columns this sheet has, in order."""
        return {column: text for column, text in headings(self.lang).items()
                if column != "scan" or self.has_scans}

    @property
    def has_scans(self) -> bool:
        return any(row.scan is not None for row in self.rows)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.status == "done")

    @property
    def pending(self) -> int:
        return len(self.rows) - self.done

    def summary(self) -> str:
        return self.word("summary").format(total=len(self.rows), done=self.done, pending=self.pending)

    def meta(self) -> str:
        """The line under the title: tenant, when it was made, how many steps are done."""
        sep = self.word("separator")
        return " · ".join((f"{self.word('tenant')}{sep}{self.tenant}",
                           f"{self.word('generated')}{sep}{_when(self.generated_at)}", self.summary()))

    def values_text(self, row: Row) -> str:
        """A step's values, one ``label: value`` a line."""
        sep = self.word("separator")
        return "\n".join(f"{label}{sep}{value}" for label, value in row.fields.values)


# ---- building ------------------------------------------------------------------------------------------


def build_sheet(playbook: Playbook, plan: Plan, *, generated_at: str = "") -> StepsSheet:
    """The sheet of every manual step of ``plan`` (confirmed ones too), in the playbook's language."""
    from mktctl.deliver.i18n import resolve_lang
    from mktctl.engine.steps import manual_steps

    lang = resolve_lang(None, playbook.language)
    rows = [_row(number, step, lang, playbook.secrets)
            for number, step in enumerate(manual_steps(plan, include_confirmed=True), start=1)]
    return StepsSheet(lang=lang, playbook=playbook.name, tenant=str(plan.tenant.get("name", "")),
                      generated_at=generated_at or plan.created_at, rows=rows)


def _row(number: int, step: Manual, lang: str, secrets: Mapping[str, str]) -> Row:
    fields = step_fields(step, lang)
    by, at = step.confirmed_by or "", _when(step.confirmed_at or "")
    status = "done" if step.status == "confirmed" else step.status
    text = _word(status, lang).format(by=by, at=at)
    scan = _scan(step.qr_url, fields.menu_path, lang, secrets) if step.qr_url else None
    return Row(number=number, step=step.step, fields=fields, status=status, status_text=text, scan=scan)


def _when(at: str) -> str:
    """``2026-03-02T09:00:00+08:00`` as ``2026-03-02 09:00``; anything else as it is."""
    try:
        return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M") if at else ""
    except ValueError:
        return at


def _scan(url: str, menu_path: str, lang: str, secrets: Mapping[str, str]) -> Scan:
    """The link to draw, unless it holds a secret: a value from a secret reference of the playbook, any
    value the process knows to be secret, or a user name and password in the address."""
    from mktctl.secrets import REDACTOR, mark_references, parse_references, references_in

    marked = mark_references(url, secrets)
    if marked == url and REDACTOR.redact(url) == url:  # redact() also masks a user name and password
        return Scan(url)
    sources = []
    for reference in references_in(parse_references(marked)):
        source, _sep, name = reference.text[2:-1].partition(":")
        sources.append(_word(f"source.{source}", lang).format(name=name))
    source = "、".join(sources) if lang == "zh-CN" else " and ".join(sources)
    return Scan(None, _word("withheld", lang).format(source=source or _word("source.unknown", lang),
                                                     menu_path=menu_path))
