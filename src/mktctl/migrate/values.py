"""Cell values of an old system's export, read as what they mean: yes/no flags, numbers, dates, channels and
cells holding several values.

* flags: ``true``, ``yes``, ``1``, ``是``, ``x``, ``opted out`` ... are yes; ``false``, ``no``, ``0``, ``否`` and
  an empty cell are no. Anything else is *unclear* and read as yes: an opt-out that cannot be read is kept
  as an opt-out (and counted), never dropped;
* numbers: ``1,234``, ``12.5``, ``１２``; anything else is not a number;
* dates: ISO times with an offset or ``Z`` (converted to Asia/Shanghai), epoch seconds and milliseconds,
  ``05/01/2024 10:30 AM`` (month first, as HubSpot and Marketo write them, unless the first number is over
  12), and everything the lead pipeline reads (``2024年5月1日``, ``2024.05.01``, Excel serial numbers);
* several values in one cell: split at ``;``, ``,``, ``|``, ``、``, full-width ``；`` and ``，``, and line breaks;
* channels: email / e-mail / 邮件 → 邮件; sms / text / 短信 → 短信; all / every / 全部 → 全部; WeChat names too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t", "x", "✓", "√", "是", "已退订", "退订", "opted out", "optedout",
                        "unsubscribed", "checked", "on", "suspended", "blocked", "blocklisted", "blacklisted"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "否", "未退订", "", "subscribed", "opted in", "optedin",
                         "unchecked", "off", "none", "null", "nan", "-"})
CHANNEL_WORDS = {"邮件": ("email", "e-mail", "mail", "邮件", "邮箱", "电子邮件", "marketing email", "emails"),
                 "短信": ("sms", "text", "text message", "短信", "手机短信", "mobile"),
                 "公众号": ("公众号", "wechat official account", "official account", "wechat"),
                 "企业微信": ("企业微信", "wecom", "wechat work"),
                 "全部": ("all", "every", "any", "全部", "所有", "all channels", "marketing suspended")}
_SPLIT = re.compile(r"\s*[;,|、；，\n\r]+\s*")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).strip().lower().split())


def flag(text: str) -> tuple[bool, bool]:
    """(yes, unclear) of a yes/no cell; several values joined with ``;`` are yes when any is."""
    values = [fold(v) for v in str(text).split(";")] or [""]
    yes = unclear = False
    for value in values:
        if value in TRUE_WORDS:
            yes = True
        elif value not in FALSE_WORDS:
            yes = unclear = True
    return yes, unclear


def split_multi(text: str) -> list[str]:
    """``"VIP; 展会, 老客户"`` → ``["VIP", "展会", "老客户"]`` (each once, in order)."""
    parts = [unicodedata.normalize("NFKC", p).strip() for p in _SPLIT.split(str(text or ""))]
    return list(dict.fromkeys(p for p in parts if p))


def number(text: str) -> float | None:
    value = unicodedata.normalize("NFKC", str(text or "")).strip().replace(",", "").replace(" ", "")
    if not _NUMBER.match(value):
        return None
    return float(value)


def channels(text: str) -> list[str] | None:
    """The platform's channels a cell names (``email;sms`` → 邮件, 短信), or None when it names none."""
    found: list[str] = []
    for part in split_multi(text):
        word = fold(part)
        for channel, words in CHANNEL_WORDS.items():
            if word in words and channel not in found:
                found.append(channel)
    return found or None


def parse_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(``YYYY-MM-DD HH:MM:SS`` in Asia/Shanghai or ``""``, invalid) for each cell."""
    import pandas as pd

    from mktctl.leads.normalise import parse_times

    text = text.fillna("").astype("str").str.strip()
    special: dict[str, str] = {}
    for value in text[text != ""].unique():
        converted = _special_date(str(value))
        if converted is not None:
            special[str(value)] = converted
    rest = text.where(~text.isin(list(special)), "")
    parsed, invalid = parse_times(rest)
    if special:
        mapped = text.map(special)
        parsed = mapped.where(mapped.notna(), parsed).astype("str")
        invalid = invalid & mapped.isna()
    return parsed.astype("str"), pd.Series(invalid.to_numpy(), index=text.index)


def _special_date(value: str) -> str | None:
    """Epoch numbers and times with an offset, in Shanghai time; None for the lead pipeline to read."""
    import datetime as dt

    shanghai = dt.timezone(dt.timedelta(hours=8))
    if _EPOCH.match(value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return dt.datetime.fromtimestamp(seconds, shanghai).strftime("%Y-%m-%d %H:%M:%S")
    if "T" in value and _OFFSET.search(value):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment.astimezone(shanghai).strftime("%Y-%m-%d %H:%M:%S")
    return None
