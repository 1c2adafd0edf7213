"""Personalisation variables (个性化变量) in subjects and message templates: ``尊敬的{客户姓名}``.

:data:`VARIABLES` are filled from the person at the moment of sending; an empty field renders as nothing.
:data:`PLATFORM_VARIABLES` are filled by the platform itself when it sends (a link, a verification code,
an event's name and start) and stay as written. Anything else in braces is unknown: an error, reported at
its position by :func:`unknown_variables` when the rules are compiled (and by ``mktctl validate``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mktctl.base.suggest import did_you_mean

Lookup = Callable[[str], str]

#: variable -> the field key it shows (``owner`` and ``sender`` are not fields: see :func:`render`)
VARIABLES: dict[str, str] = {
    "客户姓名": "name", "姓名": "name", "公司名称": "company", "职位": "job_title", "城市": "city",
    "省份": "province", "行业": "industry", "线索来源": "source", "负责人": "owner", "企业名称": "sender",
}
PLATFORM_VARIABLES = frozenset({"链接", "退订链接", "验证码", "活动名称", "开始时间", "活动地点", "直播链接"})
_VARIABLE = re.compile(r"\{([^{}\s]{1,20})\}")


def variables_in(text: str) -> list[str]:
    return _VARIABLE.findall(text or "")


def unknown_variables(text: str) -> list[tuple[str, str]]:
    """Each unknown variable of ``text`` with a hint: ``[("客户名称", "did you mean '客户姓名'?")]``."""
    found = []
    for name in variables_in(text):
        if name not in VARIABLES and name not in PLATFORM_VARIABLES and not name.startswith("var."):
            hint = did_you_mean(name, [*VARIABLES, *PLATFORM_VARIABLES]) or \
                f"known variables: {', '.join('{' + v + '}' for v in VARIABLES)}"
            found.append((name, hint))
    return found


def render(text: str | None, lookup: Lookup) -> str | None:
    """``text`` with each personalisation variable replaced by ``lookup(field key)``."""
    if text is None:
        return None

    def one(match: re.Match[str]) -> str:
        key = VARIABLES.get(match.group(1))
        return match.group(0) if key is None else lookup(key)

    return _VARIABLE.sub(one, text)
