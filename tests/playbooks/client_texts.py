"""What a client reads of each ready playbook, rendered in process in either language, and the tenant's own
data in it.

A client reads three things made from a playbook: its manual steps (as ``mktctl steps --output markdown``
writes them, and the sheet of ``--output html`` to work through and sign, for a tenant where every setting
is a manual step, as on a real tenant), the rollout checklist and the delivery report (Markdown and HTML).
:func:`client_texts` renders them; :func:`tenant_texts` lists the values that are the tenant's own data
(names, texts, the options the client entered), which a text shows as written whatever its language.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from mktctl.deliver import report
from mktctl.deliver.checklist import build_checklist
from mktctl.deliver.checklist import to_markdown as checklist_markdown
from mktctl.deliver.step_text import to_markdown as steps_markdown
from mktctl.deliver.steps_sheet import build_sheet, render_steps_sheet
from mktctl.engine.ledger import TenantLedger
from mktctl.engine.observe import Observation
from mktctl.engine.planner import kinds_in_order, make_plan
from mktctl.engine.steps import manual_steps
from mktctl.kinds.base import Playbook
from mktctl.kinds.english import BUILT_IN
from mktctl.kinds.registry import KINDS
from mktctl.kinds.values import model_in
from mktctl.kinds.wording import picklist_options
from mktctl.playbook.load import load_playbook
from mktctl.playbook.starter import templates

PLAYBOOKS = Path(str(resources.files("mktctl") / "playbooks"))
READY = tuple(templates())
LANGUAGES = ("zh-CN", "en")


@cache
def loaded(name: str) -> Playbook:
    playbook, problems = load_playbook(templates()[name], environ={})
    assert not problems, problems
    return playbook


@cache
def client_texts(name: str, lang: str) -> dict[str, str]:
    """The steps, checklist and report of ready playbook ``name`` in ``lang``, by document name. The plan is
    made against a tenant that has nothing yet and no extension API: every setting is a manual step."""
    playbook = loaded(name)
    original = playbook.language
    playbook.language = lang
    try:
        plan = make_plan(playbook, Observation(), TenantLedger(TENANT), tenant={"name": TENANT},
                         kinds=kinds_in_order(KINDS))
        built = report.build(playbook, [], lang=lang, generated_at="2026-01-05T09:00:00+08:00",
                             generator="mktctl 1.0")
        sheet = build_sheet(playbook, plan, generated_at="2026-01-05T09:00:00+08:00")
        return {"steps": steps_markdown(manual_steps(plan), lang),
                "steps.html": html_text(render_steps_sheet(sheet, "html").decode("utf-8")),
                "checklist": checklist_markdown(build_checklist(playbook, plan)),
                "report.md": report.render(built, "markdown"),
                "report.html": html_text(report.render(built, "html"))}
    finally:
        playbook.language = original


TENANT = "production"  # the profile of the client's tenant the texts are made for
NOT_ASCII_BEFORE, NOT_ASCII_AFTER = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"


@cache
def data_pattern(values: frozenset[str]) -> re.Pattern[str]:
    """Any of ``values`` (the tenant's data), not inside a longer run of Latin letters and digits (longest
    first, so that a longer value wins)."""
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"{NOT_ASCII_BEFORE}(?:{alternatives}){NOT_ASCII_AFTER}")


def tenant_texts(playbook: Playbook) -> frozenset[str]:
    """The tenant's own data in ``playbook``: the name of every resource, of the playbook and of the tenant's
    profile, and every text value of a field that is not a picklist of the platform (a ``Literal`` or
    ``Enum``: the platform's words, which a client reads in its language), with the keys of free mappings;
    never a name the platform has built in (全公司, CRM管理员, 客户: :data:`~mktctl.kinds.english.BUILT_IN`)."""
    found = {playbook.name, TENANT, *rule_test_names(playbook)}
    for resource in playbook.resources:
        if not resource.kind.singleton:  # a singleton's key is its kind's name, not the tenant's
            found.add(resource.key)
        found |= spec_texts(resource.kind.model, resource.spec.model_dump(mode="json"))
    return frozenset(text for text in found if text.strip() and text not in BUILT_IN)


def rule_test_names(playbook: Playbook) -> set[str]:
    """The names of the playbook's rule tests and their files (the report lists them once `mktctl test` has
    passed): the consultant's words, written in the language they chose."""
    import yaml

    found = set()
    for path in sorted((playbook.root / "tests").glob("*.yaml")):
        found.add(f"tests/{path.name}")
        name = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("name")
        if isinstance(name, str):
            found.add(name)
    return found


def spec_texts(model: type[BaseModel], data: dict[str, Any]) -> set[str]:
    """The texts of one item's values (``data``, in the shape of ``model``) that are the tenant's own: not
    an option of a picklist of the platform, nor a name the platform has built in (全公司, 客户, ...)."""
    found: set[str] = set()
    _collect(model, data, found)
    return {text for text in found if text not in BUILT_IN}


def _collect(model: type[BaseModel], data: dict[str, Any], found: set[str]) -> None:
    for name, value in data.items():
        info = model.model_fields.get(name)
        annotation = info.annotation if info is not None else None
        inner = model_in(annotation)
        picklist = picklist_options(annotation)
        if isinstance(value, dict) and inner is not None:
            _collect(inner, value, found)
        elif isinstance(value, list) and inner is not None and all(isinstance(v, dict) for v in value):
            for item in value:
                _collect(inner, item, found)
        else:
            _texts(value, picklist, found)


def _texts(value: Any, picklist: frozenset[Any], found: set[str]) -> None:
    if isinstance(value, str) and value not in picklist:
        found.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            found.add(str(key))
            _texts(item, picklist, found)
    elif isinstance(value, list):
        for item in value:
            _texts(item, picklist, found)


def kind_models() -> dict[type[BaseModel], str]:
    """Every model of every kind (its model and the models nested in its fields, at any depth), each with the
    name of the first kind that uses it."""
    found: dict[type[BaseModel], str] = {}

    def visit(annotation: Any, kind: str) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found[annotation] = kind
                for info in annotation.model_fields.values():
                    visit(info.annotation, kind)
            return
        for arg in get_args(annotation):
            visit(arg, kind)

    for kind in KINDS:
        visit(kind.model, kind.name)
    return found


class _Text(HTMLParser):
    """The text of an HTML page as a reader sees it; what is inside ``<code>`` or a ``class="code"`` element
    is written in backticks, as Markdown writes code."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.code: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "br", "img", "hr", "link", "input"):  # void elements: no end tag
            self.parts.append("\n")
            return
        if tag in ("style", "script"):
            self.skip += 1
        if tag in ("p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "dt", "dd", "title", "span",
                   "text", "figcaption"):
            self.parts.append("\n")
        code = tag == "code" or "code" in (dict(attrs).get("class") or "").split()
        self.code.append(code)
        if code:
            self.parts.append("`")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.skip -= 1
        if self.code and self.code.pop():
            self.parts.append("`")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "".join(parser.parts)
