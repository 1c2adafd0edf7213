"""The two languages mktctl speaks to a client, zh-CN and en, and a phrase said in both.

A playbook's ``language:`` chooses what its client reads (manual steps, the checklist, the delivery report,
workbooks); ``--lang`` overrides it for one command. Chinese text for a client uses Chinese punctuation
(，：；（）、。), so the separators a renderer puts between words come from here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mktctl.errors import MktctlError

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

_ALIASES = {"zh": "zh-CN", "zh-cn": "zh-CN", "cn": "zh-CN", "chinese": "zh-CN", "中文": "zh-CN",
            "en": "en", "en-us": "en", "en-gb": "en", "english": "en"}


def resolve_lang(requested: str | None, playbook_language: str | None = None) -> str:
    """``--lang`` wins, then the playbook's ``language:``, then zh-CN; common spellings are accepted."""
    lang = requested or playbook_language or DEFAULT_LANGUAGE
    found = _ALIASES.get(lang.lower())
    if found is None:
        raise MktctlError(f"unknown language {lang!r}", hint=f"languages are: {', '.join(LANGUAGES)}")
    return found


def is_chinese(lang: str) -> bool:
    return lang == "zh-CN"


@dataclass(frozen=True)
class Phrase:
    """One thing said in both languages; ``{name}`` placeholders are filled by :meth:`say`."""

    zh: str
    en: str

    def say(self, lang: str, **values: Any) -> str:
        text = self.zh if is_chinese(lang) else self.en
        return text.format(**values) if values else text


# separators between the parts of a sentence, as each language writes them
COLON = Phrase("：", ": ")
LIST = Phrase("、", ", ")
CLAUSE = Phrase("；", "; ")
COMMA = Phrase("，", ", ")
YES = Phrase("是", "yes")
NO = Phrase("否", "no")


def bracketed(text: str, inner: str, lang: str) -> str:
    """``张伟（M001）`` in Chinese, ``Zhang Wei (M001)`` in English."""
    return f"{text}（{inner}）" if is_chinese(lang) else f"{text} ({inner})"


def quoted(text: str, lang: str) -> str:
    """A name inside a sentence: “市场经理” in Chinese, '市场经理' in English."""
    return f"“{text}”" if is_chinese(lang) else f"'{text}'"
