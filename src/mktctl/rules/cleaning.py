"""Cleaning (线索清洗): people's lead fields through the lead pipeline's normalisation and rejection.

This is ``leads check`` for a handful of records (or a batch): :func:`mktctl.leads.normalise.normalise`
gives every field one spelling (mobiles in E.164, 上海 → 上海市, e-mails in lower case), and
:func:`mktctl.leads.rules.reject` rejects, first reason wins: ``missing_required`` (name and company, plus
the playbook's ``required_fields``), ``test_data`` (测试/test in a name or company, example and test e-mail
domains, placeholder mobiles, and ``test_data`` of the playbook), ``competitor`` (an e-mail at one of
``competitor_domains``), ``invalid_contact`` (no valid mobile, landline or e-mail left). With
``validate_mobile: false`` (or ``validate_email: false``) a malformed mobile (e-mail) is kept as written
instead of being dropped. ``invalid_action`` names what the platform does with a rejected lead; in the
engine a rejected person does nothing else.

Only 销售线索 records are cleaned; a record of another object (企业微信客户, 会员 ...) is normalised only.
``duplicate_rules`` act when identities are resolved (:mod:`mktctl.rules.identity`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from mktctl.rules.fields import FieldNames, clean
from mktctl.rules.model import PersonInput

CONTACT = "contact"
PICKED = ("source", "industry")  # fields whose value is spelt as the playbook's picklist has it


@dataclass(frozen=True, slots=True)
class DuplicateRule:
    match: tuple[str, ...]  # field keys
    scope: str  # 全部线索 | 同一线索池 | 线索及客户联系人
    action: str  # 标记重复 | 合并到已有线索 | 不存入


@dataclass(frozen=True)
class CleaningRules:
    required: tuple[str, ...] = ()
    validate_mobile: bool = True
    validate_email: bool = True
    duplicates: tuple[DuplicateRule, ...] = ()
    test_names: tuple[str, ...] = ()
    test_mobiles: tuple[str, ...] = ()
    test_email_domains: tuple[str, ...] = ()
    competitor_domains: tuple[str, ...] = ()
    invalid_action: str = "标记无效"


def compile_cleaning(resources: list[Any], names: FieldNames) -> CleaningRules:
    if not resources:
        return CleaningRules()
    spec = resources[0].spec
    test = spec.test_data
    return CleaningRules(
        tuple(names.key(f) for f in spec.required_fields), spec.validate_mobile, spec.validate_email,
        tuple(DuplicateRule(tuple(rule.match), rule.scope, rule.action) for rule in spec.duplicate_rules),
        tuple(test.names) if test else (), tuple(test.mobiles) if test else (),
        tuple(test.email_domains) if test else (), tuple(spec.competitor_domains), spec.invalid_action)


@dataclass(frozen=True)
class Cleaned:
    fields: dict[str, str]
    rejected: str | None = None
    detail: str = ""


_CACHE: dict[tuple[Any, ...], Cleaned] = {}
CACHE_LIMIT = 4096  # distinct small records remembered (test people repeat across runs); batches skip it


def clean_people(rules: CleaningRules, names: FieldNames, people: Sequence[PersonInput]) -> list[Cleaned]:
    """One :class:`Cleaned` per person, in order: the fields keyed and spelt the one way, and the reason
    a lead is rejected. Cleaning is pure, so the result for a record already seen is remembered."""
    if len(people) > CACHE_LIMIT:
        return _clean(rules, names, people)  # a batch: nothing to remember, nothing worth looking up
    context = (rules, tuple(sorted(names.labels.items())), tuple(sorted(names.options.items())))
    # each value with its type: 1, 1.0 and True are one key of a dict, but not one text
    keys = [(context, person.is_lead, tuple(sorted((k, type(v), v) for k, v in person.fields.items())))
            for person in people]
    todo = {key: person for key, person in zip(keys, people, strict=True) if key not in _CACHE}
    fresh = dict(zip(todo, _clean(rules, names, list(todo.values())), strict=True))
    if len(people) <= CACHE_LIMIT:
        if len(_CACHE) + len(fresh) > CACHE_LIMIT:
            _CACHE.clear()
        _CACHE.update(fresh)
    return [fresh[key] if key in fresh else _CACHE[key] for key in keys]


def _clean(rules: CleaningRules, names: FieldNames, people: Sequence[PersonInput]) -> list[Cleaned]:
    import pandas as pd

    from mktctl.leads.fields import DATA_KEYS
    from mktctl.leads.normalise import normalise
    from mktctl.leads.rules import CleaningRules as Extra
    from mktctl.leads.rules import reject

    if not people:
        return []
    # a batch repeats its field names and most of its values (regions, industries, sources ...): each distinct
    # one is cleaned once
    key_of, text_of = _Remembered(names.key), _Remembered(clean)
    keyed = [{key_of[k]: text_of[v] if v.__class__ is str else clean(v) for k, v in person.fields.items()
              if v is not None} for person in people]  # (1, 1.0 and True are one key of a dict: not texts)
    columns = [*DATA_KEYS, CONTACT]
    raw = pd.DataFrame({c: [row.get(c, "") for row in keyed] for c in columns}, dtype="str")
    frame = normalise(raw)
    extra = Extra(competitor_domains=rules.competitor_domains, test_names=rules.test_names,
                  test_mobiles=rules.test_mobiles, test_email_domains=rules.test_email_domains)
    reasons = reject(frame, extra).tolist()
    values = zip(*(frame[key].tolist() for key in DATA_KEYS), strict=True)
    picked = {key: _Remembered(partial(names.value, key)) for key in PICKED}
    other = frozenset(columns)
    results = []
    for person, row, reason, row_values, mobile_invalid, email_invalid in zip(
            people, keyed, reasons, values, frame["mobile_invalid"].tolist(), frame["email_invalid"].tolist(),
            strict=True):
        fields = {k: v for k, v in row.items() if k not in other and v}
        for key, value in zip(DATA_KEYS, row_values, strict=True):
            if key in picked and row.get(key):
                value = picked[key][row[key]]
            elif value:
                value = str(value)
            if value:
                fields[key] = value
        if not rules.validate_mobile and mobile_invalid and row.get("mobile"):
            fields["mobile"] = row["mobile"]
        if not rules.validate_email and email_invalid and row.get("email"):
            fields["email"] = row["email"]
        results.append(_verdict(rules, person, fields, reason))
    return results


class _Remembered(dict[Any, Any]):
    """``function(value)`` looked up as ``self[value]``, computed once per distinct value."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, value: Any) -> Any:
        found = self[value] = self.function(value)
        return found


def _verdict(rules: CleaningRules, person: PersonInput, fields: dict[str, str], reason: str) -> Cleaned:
    if not person.is_lead:
        return Cleaned(fields)
    missing = [key for key in rules.required if not fields.get(key)]
    if missing:
        return Cleaned(fields, "missing_required", f"missing {', '.join(missing)}")
    if reason == "invalid_contact" and (fields.get("mobile") or fields.get("email")):
        reason = ""  # kept as written: validate_mobile / validate_email is off
    if not reason:
        return Cleaned(fields)
    details = {"missing_required": "name and company are required",
               "test_data": "test data (a test name, e-mail domain or placeholder mobile)",
               "competitor": f"e-mail at a competitor's domain ({fields.get('email', '')})",
               "invalid_contact": "no valid mobile, landline or e-mail"}
    return Cleaned(fields, reason, f"{details.get(reason, reason)}; {rules.invalid_action}")
