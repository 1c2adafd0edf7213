"""What several kind modules share: the base of the settings-only kinds, checks of lists with messages that
suggest what was meant, and validators of employee numbers, host names, web and e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import urlsplit

from mktctl.base.language import Phrase
from mktctl.base.suggest import did_you_mean
from mktctl.kinds.base import Kind, ManualStep, S
from mktctl.kinds.wording import PLAIN, Words

_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
# whitespace, C0/C1 controls, and the format characters that reorder or hide text (bidi controls, zero widths)
_UNSAFE = re.compile("[\\s\x00-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[A-Za-z]{2,})$")  # group 1: the domain


class SettingsKind(Kind[S]):
    """A kind that only has a settings part (``api_fields`` is empty).

    Its manual step lists the values under the labels the platform shows (see
    :meth:`mktctl.kinds.wording.Words.values`), at ``menu_path`` (followed by the item's name for list kinds),
    and says how to verify them with ``verify`` (``{key}``: the item's name, quoted).
    """

    verify: ClassVar[Phrase] = Phrase("页面显示上表中的值", "the page shows these values")

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        where = words.where(self.menu_path) if self.singleton else words.where(self.menu_path, key)
        values = words.values(self.model, state) or [(words.say(DEFAULTS), "—")]
        return ManualStep(menu_path=where, values=values, verify=words.say(self.verify, key=words.quote(key)),
                          who=words.say(self.manual_who))


DEFAULTS = Phrase("（默认设置）", "(the defaults)")


# ---- checks of lists ------------------------------------------------------------------------------------


def unknown(word: str, options: Iterable[str], where: str) -> str:
    """``'行业洞擦' is not one of categories.articles; did you mean '行业洞察'?``"""
    return f"{word!r} is not {where}" + hint(word, options)


def hint(word: str, options: Iterable[str]) -> str:
    """``; did you mean 'x'?``, or ``; known: a, b`` when nothing is close, or ``; none is declared``."""
    choices = list(options)
    close = did_you_mean(word, choices)
    if close:
        return f"; {close}"
    return f"; known: {', '.join(choices)}" if choices else "; none is declared"


def duplicates(values: Iterable[Any]) -> list[int]:
    """Positions of the values that already appeared earlier."""
    seen: set[Any] = set()
    found = []
    for index, value in enumerate(values):
        if value in seen:
            found.append(index)
        seen.add(value)
    return found


def unique(value: list[Any]) -> list[Any]:
    """``value`` itself, or a ValueError naming the first item listed twice (for list validators)."""
    duplicates = sorted({str(v) for v in value if value.count(v) > 1})
    if duplicates:
        raise ValueError(f"{duplicates[0]!r} is listed twice")
    return value


# ---- validators ---------------------------------------------------------------------------------------


def as_texts(value: Any) -> Any:
    """Employee numbers and codes written as YAML numbers are still text."""
    if isinstance(value, list):
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


def hostname(value: str) -> str:
    """A lower-case host name such as ``mkt.example.cn``, or a ValueError that says what is wrong."""
    value = value.strip().lower().rstrip(".")
    if value.startswith(("http://", "https://")) or "/" in value:
        raise ValueError(f"{value!r}: give the host name only, e.g. mkt.example.cn (no https://, no path)")
    if not _HOSTNAME.match(value):
        raise ValueError(f"{value!r} is not a domain name such as mkt.example.cn")
    return value


def url(value: str) -> str:
    """A web address for a URL field of any kind, or a ValueError that says what is wrong.

    Only ``https://`` and ``http://`` addresses with a host are accepted: the platform shows these links to
    the public (forms, micro pages, QR codes), so ``javascript:``, ``data:``, ``file:`` and every other scheme
    are refused (no kind links to anything else: mini programs and WeChat pages are given by id, not by
    ``weixin://``), and so are a user name or password in the address (a secret in clear), spaces, control
    characters and bidirectional controls (which show an address in another order than it is).
    """
    value = value.strip()
    if _UNSAFE.search(value):
        raise ValueError(f"{value!r} is not a web address: it contains a space or a control character")
    if not _URL.match(value):
        scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", value)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            raise ValueError(f"{value!r} is not a web address: only https:// (or http://) links are accepted, "
                             f"not {scheme.group(1)}:")
        raise ValueError(f"{value!r} is not a web address starting with https://")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise ValueError(f"{value!r} is not a web address: its host is not valid") from None
    if not host:
        raise ValueError(f"{value!r} is not a web address: it has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("a web address here must not hold a user name or password (user:password@); give the "
                         "address without them")
    return value
