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
from typing import TYPE_CHECKING, Any

from mktctl.rules.fields import FieldNames, clean
from mktctl.rules.model import PersonInput

if TYPE_CHECKING:
    import polars as pl

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


#: the characters str.split() splits at (str.isspace()), as a regular expression's class
WHITE_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
              "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITE_SPACE) + "]"
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


def clean_columns(rules: CleaningRules, names: FieldNames, columns: pl.DataFrame) -> list[Cleaned]:
    """:func:`clean_people` of leads whose fields come as columns: one row per lead, one text column per field
    key of the lead pipeline (:data:`~mktctl.leads.fields.DATA_KEYS`), empty (or null) where the lead has none.
    The result is the one ``clean_people`` gives leads whose fields are the filled values (a property test
    holds it to it), without making each lead's fields a dictionary twice: a column's texts with white space
    are cleaned once per distinct value (the others are clean already)."""
    import pandas as pd
    import polars as pl

    from mktctl.leads.fields import DATA_KEYS

    unknown = [name for name in columns.columns if name not in DATA_KEYS or names.key(name) != name]
    if unknown:
        raise ValueError(f"not field keys of the lead pipeline: {', '.join(unknown)}")

    def cleaned(column: pl.Series) -> Any:
        texts = column.cast(pl.String).fill_null("")
        # a text without white space is as clean() leaves it: the others are cleaned, once each
        spaced = texts.filter(texts.str.contains(_SPACE)).unique().to_list()
        if spaced:
            texts = texts.replace(spaced, [clean(text) for text in spaced])
        return texts.to_arrow()

    height = columns.height
    raw = pd.DataFrame({c: pd.Series(cleaned(columns[c]) if c in columns.columns else [""] * height, dtype="str")
                        for c in [*DATA_KEYS, CONTACT]})
    return _judged(rules, names, raw, [{}] * height, [True] * height)


def _clean(rules: CleaningRules, names: FieldNames, people: Sequence[PersonInput]) -> list[Cleaned]:
    import pandas as pd

    from mktctl.leads.fields import DATA_KEYS

    if not people:
        return []
    # a batch repeats its field names and most of its values (regions, industries, sources ...): each distinct
    # one is cleaned once
    key_of, text_of = _Remembered(names.key), _Remembered(clean)
    keyed = [{key_of[k]: text_of[v] if v.__class__ is str else clean(v) for k, v in person.fields.items()
              if v is not None} for person in people]  # (1, 1.0 and True are one key of a dict: not texts)
    columns = [*DATA_KEYS, CONTACT]
    raw = pd.DataFrame({c: [row.get(c, "") for row in keyed] for c in columns}, dtype="str")
    other = frozenset(columns)
    extra = [{k: v for k, v in row.items() if k not in other and v} for row in keyed]
    return _judged(rules, names, raw, extra, [person.is_lead for person in people])


def _judged(rules: CleaningRules, names: FieldNames, raw: Any, extra: Sequence[dict[str, str]],
            leads: Sequence[bool]) -> list[Cleaned]:
    """Each row of ``raw`` (the fields' texts, cleaned, in the lead pipeline's columns) normalised and judged;
    ``extra``: each row's other fields, kept as they are; ``leads``: whether the row is a lead's."""
    import pandas as pd

    from mktctl.leads.fields import DATA_KEYS
    from mktctl.leads.normalise import normalise
    from mktctl.leads.rules import CleaningRules as Extra
    from mktctl.leads.rules import reject

    if not len(raw):
        return []
    frame = normalise(raw)
    extra_rules = Extra(competitor_domains=rules.competitor_domains, test_names=rules.test_names,
                        test_mobiles=rules.test_mobiles, test_email_domains=rules.test_email_domains)
    reasons = reject(frame, extra_rules).tolist()
    # each field's value as the lead has it: a picklist's as the playbook spells it (from the text as written),
    # any other as normalised
    values = []
    for key in DATA_KEYS:
        normalised = frame[key].tolist()
        if key in PICKED:
            picked = _Remembered(partial(names.value, key))
            values.append([picked[text] if text else str(value) if value else value
                           for text, value in zip(raw[key].tolist(), normalised, strict=True)])
        elif isinstance(frame[key].dtype, pd.StringDtype) and not frame[key].hasnans:
            values.append(normalised)  # texts all: str() keeps each as it is
        else:
            values.append([str(value) if value else value for value in normalised])
    mobiles = raw["mobile"].tolist() if not rules.validate_mobile else None
    emails = raw["email"].tolist() if not rules.validate_email else None
    results = []
    for index, (others, row_values, reason, mobile_invalid, email_invalid, lead) in enumerate(zip(
            extra, zip(*values, strict=True), reasons, frame["mobile_invalid"].tolist(),
            frame["email_invalid"].tolist(), leads, strict=True)):
        fields = {key: value for key, value in zip(DATA_KEYS, row_values, strict=True) if value}
        if others:
            fields = {**others, **fields}  # (no key of theirs is one of the pipeline's)
        if mobiles is not None and mobile_invalid and mobiles[index]:
            fields["mobile"] = mobiles[index]
        if emails is not None and email_invalid and emails[index]:
            fields["email"] = emails[index]
        results.append(_verdict(rules, lead, fields, reason))
    return results


class _Remembered(dict[Any, Any]):
    """``function(value)`` looked up as ``self[value]``, computed once per distinct value."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, value: Any) -> Any:
        found = self[value] = self.function(value)
        return found


def _verdict(rules: CleaningRules, lead: bool, fields: dict[str, str], reason: str) -> Cleaned:
    if not lead:
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
