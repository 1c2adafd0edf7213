"""What several kind modules share: the base of the settings-only kinds, checks of lists with messages that
suggest what was meant, and validators of employee numbers, host names, web and e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from mktctl.base.suggest import did_you_mean
from mktctl.kinds.base import Kind, ManualStep, S
from mktctl.kinds.values import labelled_values

_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[A-Za-z]{2,})$")  # group 1: the domain


class SettingsKind(Kind[S]):
    """A kind that only has a settings part (``api_fields`` is empty).

    Its manual step lists the values under the Chinese labels the platform shows (each field's ``title``, see
    :func:`mktctl.kinds.values.labelled_values`), at ``menu_path`` (followed by the item's name for list kinds).
    """

    verify: ClassVar[str] = "the page shows these values"

    def manual_step(self, key: str, state: dict[str, Any]) -> ManualStep:
        where = self.menu_path if self.singleton else f"{self.menu_path} > {key}"
        return ManualStep(menu_path=where, values=labelled_values(self.model, state) or [("(默认设置)", "—")],
                          verify=self.verify.format(key=key), who=self.manual_who)


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
    value = value.strip()
    if not _URL.match(value):
        raise ValueError(f"{value!r} is not a web address starting with https://")
    return value
