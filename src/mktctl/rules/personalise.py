"""Rendering personalisation variables (个性化变量) in subjects and message templates: ``尊敬的{客户姓名}``.

Which variables exist, and which are unknown, is the playbook's vocabulary: :mod:`mktctl.kinds.personalisation`
(``mktctl validate`` reports an unknown one at its position); this module fills them in at the moment of
sending. An empty field renders as nothing; the platform's own variables (``{链接}`` ...) stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mktctl.kinds.personalisation import PLATFORM_VARIABLES, VARIABLE, VARIABLES, unknown_variables, variables_in

__all__ = ["PLATFORM_VARIABLES", "VARIABLES", "Lookup", "render", "unknown_variables", "variables_in"]

Lookup = Callable[[str], str]


def render(text: str | None, lookup: Lookup) -> str | None:
    """``text`` with each personalisation variable replaced by ``lookup(field key)``."""
    if text is None:
        return None

    def one(match: re.Match[str]) -> str:
        key = VARIABLES.get(match.group(1))
        return match.group(0) if key is None else lookup(key)

    return VARIABLE.sub(one, text)
