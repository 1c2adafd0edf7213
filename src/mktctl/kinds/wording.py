"""How a manual step and an acceptance test read for the client's admin, in the playbook's language.

A kind says what to click, what to enter and how to verify it; :class:`Words` says it in zh-CN or en, and
shows values as the admin sees them in the platform:

* a field's label, not its name in the playbook (``必填字段``, in English "Required fields");
* a picklist option in the language (``标记重复``, in English "Mark as duplicate"; see
  :mod:`mktctl.kinds.english`);
* an employee by name with the employee number in brackets (``张伟（M001）``), a lead field by its label
  (``姓名``, not ``name``), found through the references a resource makes (:meth:`Kind.references`);
* what the platform has built in and a playbook names like its own items (全公司, CRM管理员, the default
  marketing objects, :data:`mktctl.kinds.english.BUILT_IN`) as the platform's words, in the language;
* yes or no, lists with the language's separator (``姓名、手机`` / ``Name, Mobile``).

The tenant's own data (names, texts and picklist values the client chose) is shown as written. Build one with
:meth:`Words.of` for a playbook, then :meth:`Words.about` for each resource.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from mktctl.base.language import CLAUSE, DEFAULT_LANGUAGE, LIST, NO, YES, Phrase, bracketed, is_chinese, quoted
from mktctl.kinds import english
from mktctl.kinds.values import model_in

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

Path_ = tuple[str | int, ...]
NOTHING = "—"


@dataclass(frozen=True)
class Words:
    """The language of what a client reads, and what the playbook knows to show values by their names."""

    lang: str = DEFAULT_LANGUAGE
    employees: Mapping[str, str] = field(default_factory=dict)  # employee number -> name
    field_labels: Mapping[str, str] = field(default_factory=dict)  # lead field api name -> the label declared for it
    refs: Mapping[Path_, str] = field(default_factory=dict)  # path in the current resource's values -> kind it names
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # the current kind's picklist codes (zh)

    @classmethod
    def of(cls, playbook: Any, lang: str | None = None) -> Words:
        """The words for ``playbook``'s client (a :class:`~mktctl.kinds.base.Playbook`), in ``lang`` (default:
        the playbook's language)."""
        employees = {str(r.spec.employee_number): str(r.spec.name) for r in playbook.of("users")}
        labels = {str(r.spec.api_name): str(r.spec.label) for r in playbook.of("lead_fields")}
        return cls(lang=lang or playbook.language, employees=MappingProxyType(employees),
                   field_labels=MappingProxyType(labels))

    def about(self, resource: Any) -> Words:
        """These words for one :class:`~mktctl.kinds.base.Resource`: the values it names other resources by
        (its references), and its kind's labels of picklist codes."""
        refs = {tuple(r.path): r.kind for r in resource.kind.references(resource.spec)}
        return replace(self, refs=MappingProxyType(refs), labels=resource.kind.labels)

    @property
    def chinese(self) -> bool:
        return is_chinese(self.lang)

    # ---- sentences ------------------------------------------------------------------------------------

    def say(self, phrase: Phrase, **values: Any) -> str:
        return phrase.say(self.lang, **values)

    def word(self, zh: str) -> str:
        """A word of the platform (a menu, a kind, a picklist option), in the language."""
        if self.chinese:
            return zh
        return english.english(zh) or zh

    def where(self, menu: str, *names: str) -> str:
        """A menu path: the platform's menus (``营销通 > 系统设置``) in the language, then the names of the
        items (a role, a lead pool) as :meth:`name` shows them."""
        parts = [self.word(part.strip()) for part in menu.split(" > ") if part.strip()]
        return " > ".join([*parts, *(self.name(n) for n in names)])

    def name(self, value: str) -> str:
        """An item's name: the tenant's own as written; one the platform has built in in the language."""
        return self.word(value) if value in english.BUILT_IN else value

    def join(self, items: Iterable[Any]) -> str:
        return self.say(LIST).join(str(item) for item in items)

    def clauses(self, items: Iterable[str]) -> str:
        return self.say(CLAUSE).join(items)

    def quote(self, name: str) -> str:
        """A name inside a sentence, quoted (and in the language when the platform has it built in)."""
        return quoted(self.name(name), self.lang)

    def employee(self, number: str) -> str:
        """``张伟（M001）``; an employee the playbook does not declare by the number alone."""
        name = self.employees.get(str(number))
        return bracketed(name, str(number), self.lang) if name else str(number)

    def lead_field(self, api_name: str) -> str:
        """A field of 销售线索 by the label the admin sees: the playbook's label, else the standard one."""
        declared = self.field_labels.get(api_name)
        if declared:
            return declared
        if self.chinese:
            from mktctl.leads.fields import BY_KEY

            standard = BY_KEY.get(api_name)
            return standard.label if standard is not None else api_name
        return english.LEAD_FIELDS.get(api_name, api_name)

    def plain(self, value: Any) -> str:
        """A value as it is: yes/no for booleans, — for nothing."""
        if value is None:
            return NOTHING
        if isinstance(value, bool):
            return self.say(YES if value else NO)
        return str(value)

    # ---- values of a resource -----------------------------------------------------------------------

    def label(self, name: str, info: FieldInfo | None) -> str:
        """A field's label: its Chinese ``title`` (or name), in English its name spelt out."""
        if not self.chinese:
            return english.field_label(name)
        return info.title if info is not None and info.title else name

    def option(self, name: str, value: str) -> str:
        """A picklist option of field ``name``: the kind's label of a code, the platform's word in English."""
        code_labels = self.labels.get(name, {})
        if self.chinese:
            return code_labels.get(value, value)
        if value in code_labels:
            return value.replace("_", " ")
        return self.word(value)

    def values(self, model: type[BaseModel], state: Mapping[str, Any]) -> list[tuple[str, str]]:
        """``state`` (a resource's values, in the shape of ``model``) as (label, value) rows, empty values left
        out. Nested models become ``线索推送 > 线索池``, lists of models ``规则[1] > 负责人``."""
        return self._rows(model, state, (), "")

    def _rows(self, model: type[BaseModel], state: Mapping[str, Any], path: Path_, prefix: str
              ) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for name, value in state.items():
            if value is None or value == [] or value == {} or value == "":
                continue
            info = model.model_fields.get(name)
            label = self.label(name, info)
            label = f"{prefix} > {label}" if prefix else label
            here = (*path, name)
            inner = model_in(info.annotation) if info is not None else None
            options = picklist_options(info.annotation) if info is not None else frozenset()
            if isinstance(value, dict) and inner is not None:
                rows.extend(self._rows(inner, value, here, label))
            elif isinstance(value, list) and inner is not None and all(isinstance(v, dict) for v in value):
                for position, item in enumerate(value):
                    rows.extend(self._rows(inner, item, (*here, position), f"{label}[{position + 1}]"))
            elif isinstance(value, dict):
                rows.append((label, self.clauses(f"{k} → {self._one(name, v, (*here, k), options)}"
                                                 for k, v in value.items())))
            elif isinstance(value, list):
                rows.append((label, self.join(self._one(name, v, (*here, i), options) for i, v in enumerate(value))))
            else:
                rows.append((label, self._one(name, value, here, options)))
        return rows

    def _one(self, name: str, value: Any, path: Path_, options: frozenset[Any]) -> str:
        named = self.refs.get(path)
        if named == "users":
            return self.employee(str(value))
        if named == "lead_fields":
            return self.lead_field(str(value))
        if isinstance(value, str) and value in options:
            return self.option(name, value)
        if isinstance(value, str):
            return self.name(value)
        return self.plain(value)


def picklist_options(annotation: Any) -> frozenset[Any]:
    """Every value a ``Literal`` or an ``Enum`` inside ``annotation`` allows (the options of a picklist)."""
    if get_origin(annotation) is Literal:
        return frozenset(get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return frozenset(member.value for member in annotation)
    found: set[Any] = set()
    for arg in get_args(annotation):
        found |= picklist_options(arg)
    return frozenset(found)


PLAIN = Words()
"""Words in Chinese that know nothing of a playbook: values as written."""

# ---- who does a step or a test --------------------------------------------------------------------------

CONSULTANT = Phrase("实施顾问", "consultant")
CRM_ADMIN = Phrase("客户CRM管理员", "client CRM admin")
APPLY = Phrase("实施顾问（mktctl apply）", "consultant (mktctl apply)")
CLIENT_LEAD = Phrase("客户项目负责人", "client project lead")
