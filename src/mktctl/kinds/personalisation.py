"""Personalisation variables (个性化变量) in e-mail subjects and message templates: ``尊敬的{客户姓名}``.

:data:`VARIABLES` are filled from the person at the moment of sending (an empty field renders as nothing);
:data:`PLATFORM_VARIABLES` are filled by the platform itself when it sends (a link, a verification code, an
event's name and start) and stay as written. Anything else in braces is unknown: ``mktctl validate`` reports
it at its position with did-you-mean, and the rules engine (``mktctl test``) renders with the same tables.
"""

from __future__ import annotations

import re

from mktctl.base.suggest import did_you_mean

#: variable -> the field key it shows (``owner`` is the owner's name, ``sender`` the client's company)
VARIABLES: dict[str, str] = {
    "客户姓名": "name", "姓名": "name", "公司名称": "company", "职位": "job_title", "城市": "city",
    "省份": "province", "行业": "industry", "线索来源": "source", "负责人": "owner", "企业名称": "sender",
}
PLATFORM_VARIABLES = frozenset({"链接", "退订链接", "验证码", "活动名称", "开始时间", "活动地点", "直播链接"})
VARIABLE = re.compile(r"\{([^{}\s]{1,20})\}")


def variables_in(text: str | None) -> list[str]:
    return VARIABLE.findall(text or "")


def unknown_variables(text: str | None) -> list[tuple[str, str]]:
    """Each unknown variable of ``text`` with a hint: ``[("客户名称", "did you mean '客户姓名'?")]``."""
    found = []
    for name in variables_in(text):
        if name not in VARIABLES and name not in PLATFORM_VARIABLES and not name.startswith("var."):
            hint = did_you_mean(name, [*VARIABLES, *PLATFORM_VARIABLES]) or \
                f"known variables: {', '.join('{' + v + '}' for v in VARIABLES)}"
            found.append((name, hint))
    return found


def unknown_variable_messages(text: str | None) -> list[str]:
    """``unknown personalisation variable {客户名称}; did you mean '客户姓名'?`` for each unknown one."""
    return [f"unknown personalisation variable {{{name}}}; {hint}" for name, hint in unknown_variables(text)]
