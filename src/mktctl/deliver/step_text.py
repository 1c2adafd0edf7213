"""A manual step as its client's admin reads it, in zh-CN or en: the words around the step (where, verify,
who, its status, how to confirm it) and the step itself as text.

A plan says its manual steps in the playbook's language (``language:``, or ``--lang``); this module gives
what a list of them needs around that, in the same language: :func:`labels` for captions and the headings
of the steps sheet (:mod:`mktctl.deliver.step_rows`), :func:`step_text` for one step as plain text, and
:func:`to_markdown` for ``mktctl steps --output markdown``. :func:`plan_language` is the language a plan's
steps are in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mktctl.base.language import COLON, DEFAULT_LANGUAGE, Phrase, bracketed, resolve_lang

if TYPE_CHECKING:
    from mktctl.engine.plan import Manual, Plan

__all__ = ["StepLabels", "StepText", "labels", "pending_text", "plan_language", "status_text", "step_text",
           "to_markdown"]


@dataclass(frozen=True)
class StepLabels:
    """The fixed words of a list of manual steps, in one language: the captions of ``mktctl steps`` and the
    column headings of the steps sheet (:mod:`mktctl.deliver.step_rows`) alike."""

    lang: str
    title: str  # the list's title
    number: str
    step: str
    status: str
    where: str  # the menu path
    values: str
    verify: str
    who: str
    qr: str  # the column of a QR code
    sign: str  # the column to sign and date
    confirm: str  # how to record that a step is done
    scan: str  # above a QR code for the admin's phone
    scan_secret: str  # instead of a QR code whose link holds a secret, where output is not a terminal
    none_pending: str
    name: str  # the placeholder for who did it, in the confirm command
    colon: str  # between a label and its value


_LABELS = {
    "title": Phrase("人工配置步骤", "Manual steps"),
    "number": Phrase("序号", "#"),
    "step": Phrase("步骤", "Step"),
    "status": Phrase("状态", "Status"),
    "where": Phrase("菜单路径", "Menu path"),
    "values": Phrase("设置的值", "Values to set"),
    "verify": Phrase("如何验证", "How to verify"),
    "who": Phrase("负责人", "Who"),
    "qr": Phrase("扫码授权", "QR code"),
    "sign": Phrase("签字 / 日期", "Signature / date"),
    "confirm": Phrase("完成后确认", "Done? Confirm with"),
    "scan": Phrase("请管理员用手机扫码", "Scan with the admin's phone"),
    "scan_secret": Phrase("链接中含有密钥：请在终端中运行 mktctl steps 查看二维码",
                          "the link holds a secret; run mktctl steps on a terminal to see its QR code"),
    "none_pending": Phrase("没有待完成的人工配置步骤。", "No manual steps pending."),
    "name": Phrase("姓名", "NAME"),
}
_STATUS = {
    "pending": Phrase("待完成", "pending"),
    "changed": Phrase("确认后值已变更，需重新确认", "values changed since confirmed"),
    "confirmed": Phrase("已由{by}于{at}确认", "confirmed by {by} at {at}"),
}
_PENDING = Phrase("{count} 个人工配置步骤待完成。", "{count} manual step(s) pending.")


def labels(lang: str) -> StepLabels:
    """The words around manual steps in ``lang`` (zh-CN or en, or a spelling :func:`resolve_lang` accepts)."""
    lang = resolve_lang(lang)
    return StepLabels(lang=lang, colon=COLON.say(lang), **{key: phrase.say(lang) for key, phrase in _LABELS.items()})


def status_text(manual: Manual, lang: str) -> str:
    """``待完成``, ``确认后值已变更…``, or who confirmed the step and when."""
    return _STATUS[manual.status].say(resolve_lang(lang), by=manual.confirmed_by or "", at=manual.confirmed_at or "")


def pending_text(count: int, lang: str) -> str:
    """``3 个人工配置步骤待完成。`` / ``3 manual step(s) pending.``"""
    return _PENDING.say(resolve_lang(lang), count=count)


def plan_language(plan: Plan) -> str:
    """The language a plan's manual steps are said in (plans saved before it was recorded: zh-CN)."""
    return resolve_lang(str(plan.playbook.get("language") or DEFAULT_LANGUAGE))


@dataclass(frozen=True)
class StepText:
    """One manual step as text for its admin, every part in one language."""

    step: str  # its name, as ``mktctl confirm`` takes it
    status: str  # pending | changed | confirmed
    status_text: str
    who: str
    where: str
    values: tuple[tuple[str, str], ...]
    verify: str
    confirm: str  # the command that records it as done; empty once confirmed
    qr_url: str | None


def step_text(manual: Manual, lang: str) -> StepText:
    """``manual`` (from a plan said in ``lang``) with its status and how to confirm it, in ``lang``."""
    words = labels(lang)
    confirm = "" if manual.status == "confirmed" else f"mktctl confirm {manual.step} --by {words.name}"
    return StepText(step=manual.step, status=manual.status, status_text=status_text(manual, words.lang),
                    who=manual.who, where=manual.menu_path, values=tuple(manual.values), verify=manual.verify,
                    confirm=confirm, qr_url=manual.qr_url)


def to_markdown(manuals: Sequence[Manual], lang: str) -> str:
    """The steps as a Markdown document for the admin who works through them."""
    words = labels(lang)
    lines = [f"# {words.title}", ""]
    if not manuals:
        lines.append(words.none_pending)
    for manual in manuals:
        text = step_text(manual, words.lang)
        lines += [f"## {bracketed(text.step, text.status_text, words.lang)}", "",
                  f"**{text.where}** — {text.who}", ""]
        lines += [f"- {label}{words.colon}{value}" for label, value in text.values]
        lines += ["", f"{words.verify}{words.colon}{text.verify}", ""]
        if text.confirm:
            lines += [f"{words.confirm}{words.colon}`{text.confirm}`", ""]
    return "\n".join(lines)
