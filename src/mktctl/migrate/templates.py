"""Email templates and articles made the platform's own: personalisation variables translated, links to the
old system's pages pointed at the new landing pages.

Variables: HubSpot's HubL (``{{ contact.firstname }}``, ``{{ unsubscribe_link }}``, with or without a
``|default(...)`` filter) and Marketo's tokens (``{{lead.First Name}}``, ``{{company.Company Name}}``,
``{{system.unsubscribeLink}}``, with or without ``:default=``) become the platform's 个性化变量
(:mod:`mktctl.rules.personalise`): ``{客户姓名}``, ``{公司名称}``, ``{职位}``, ``{城市}``, ``{省份}``, ``{行业}``,
``{退订链接}``, ``{企业名称}``. A first name next to a last name is one ``{客户姓名}``, since a lead has one
name. Any other token (``{{my.webinar_date}}``, a custom property) stays as written and is listed: a person
decides what it becomes.

Links: every ``href`` and ``src`` whose URL starts with an old page of the map's ``links`` table takes the
new page instead (the longest matching prefix; the rest of the URL is kept). A link to a host of the old
system (a landing page, a form, a file it hosted) without an entry is listed: it will stop working when
the old system is switched off.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_TOKEN = re.compile(r"\{\{\s*([A-Za-z_]+)(?:\.([^{}|:]+?))?\s*(?:[|:][^{}]*)?\}\}")
_LINK = re.compile(r"""(?P<attr>\b(?:href|src)\s*=\s*)(?P<quote>["'])(?P<url>[^"']*)(?P=quote)""", re.IGNORECASE)
_FOLD = re.compile(r"[\s_\-]+")

#: (namespace, folded name) -> the platform's variable
TOKENS: dict[tuple[str, str], str] = {
    **{(ns, n): "客户姓名" for ns in ("contact", "lead") for n in ("firstname", "lastname", "fullname", "name")},
    **{("contact", n): "公司名称" for n in ("company", "companyname")},
    **{("lead", n): "公司名称" for n in ("company", "companyname")}, ("company", "companyname"): "公司名称",
    **{(ns, n): "职位" for ns in ("contact", "lead") for n in ("jobtitle", "title")},
    **{(ns, "city"): "城市" for ns in ("contact", "lead")}, **{(ns, "state"): "省份" for ns in ("contact", "lead")},
    **{(ns, "industry"): "行业" for ns in ("contact", "lead")},
    ("unsubscribe_link", ""): "退订链接", ("unsubscribe_link_all", ""): "退订链接",
    ("subscription_preferences_url", ""): "退订链接", ("system", "unsubscribelink"): "退订链接",
    ("site_settings", "company_name"): "企业名称", ("site_settings", "companyname"): "企业名称",
}
_NAME_PAIR = re.compile(r"\{客户姓名\}\s*\{客户姓名\}")


@dataclass
class Rewritten:
    text: str
    variables: Counter[str] = field(default_factory=Counter)  # platform variable -> times
    unknown_variables: list[str] = field(default_factory=list)  # tokens left as written
    links: list[tuple[str, str]] = field(default_factory=list)  # (old, new)
    unmapped_links: list[str] = field(default_factory=list)  # links to the old system without a new page

    @property
    def unresolved(self) -> list[str]:
        return [*self.unknown_variables, *self.unmapped_links]


def translate_variables(text: str, result: Rewritten) -> str:
    def one(match: re.Match[str]) -> str:
        namespace = match.group(1).lower()
        name = _FOLD.sub("", (match.group(2) or "").lower())
        variable = TOKENS.get((namespace, name))
        if variable is None:
            if match.group(0) not in result.unknown_variables:
                result.unknown_variables.append(match.group(0))
            return match.group(0)
        result.variables[variable] += 1
        return "{" + variable + "}"

    translated = _TOKEN.sub(one, text)
    return _NAME_PAIR.sub("{客户姓名}", translated)


def rewrite_links(text: str, links: dict[str, str], hosts: tuple[str, ...], result: Rewritten) -> str:
    prefixes = sorted(links, key=len, reverse=True)

    def one(match: re.Match[str]) -> str:
        url = match.group("url")
        for old in prefixes:
            if url.startswith(old):
                new = links[old] + url[len(old):]
                result.links.append((url, new))
                return f"{match.group('attr')}{match.group('quote')}{new}{match.group('quote')}"
        if _old_host(url, hosts) and url not in result.unmapped_links:
            result.unmapped_links.append(url)
        return match.group(0)

    return _LINK.sub(one, text)


def _old_host(url: str, hosts: tuple[str, ...]) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return bool(host) and any(host == h or host.endswith("." + h) for h in hosts)


def rewrite(text: str, *, links: dict[str, str], hosts: tuple[str, ...], variables: bool = True) -> Rewritten:
    result = Rewritten(text)
    body = translate_variables(text, result) if variables else text
    result.text = rewrite_links(body, links, hosts, result)
    return result
