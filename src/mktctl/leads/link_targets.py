"""What ``leads link`` links leads to: the objects (accounts, contacts, opportunities), the lead field each
link is written to, and the fields of each object that hold its phones and emails, by default or as
``--match OBJECT:FIELD[,FIELD...]`` names them (any field of the object, by api name or label, as the
tenant's ``describe`` reports it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mktctl import errors as e

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant


@dataclass(frozen=True)
class Target:
    name: str
    api_name: str
    link_field: str
    phone_fields: tuple[str, ...]
    email_fields: tuple[str, ...]
    label: str


TARGETS: dict[str, Target] = {
    "accounts": Target("accounts", "AccountObj", "account_id", ("tel",), ("email",), "客户"),
    "contacts": Target("contacts", "ContactObj", "contact_id", ("mobile1", "mobile2", "mobile3"), ("email",), "联系人"),
    "opportunities": Target("opportunities", "NewOpportunityObj", "new_opportunity_id", ("contact_mobile__c",),
                            ("contact_email__c",), "商机"),
}
MATCH_TYPES = {"phone_number": "phone", "email": "email", "text": "both", "long_text": "both"}



def parse_objects(text: str | None) -> tuple[str, ...]:
    """``accounts,contacts`` → ("accounts", "contacts"); singular names and api names are accepted."""
    if not text:
        return tuple(TARGETS)
    chosen: list[str] = []
    for part in text.split(","):
        name = _object_name(part, "--objects")
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def parse_match(values: list[str] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``["opportunities:field_8dk2s__c,联系人邮箱"]`` → (("opportunities", ("field_8dk2s__c", "联系人邮箱")),):
    per object, the fields (api names or labels) that hold its phones and emails."""
    found: dict[str, list[str]] = {}
    for value in values or []:
        where, sep, names = value.partition(":")
        fields = [n.strip() for n in names.split(",") if n.strip()]
        if not sep or not fields:
            raise e.SettingsError(f"--match {value!r}: expected OBJECT:FIELD[,FIELD...]",
                                  hint="e.g. --match opportunities:field_8dk2s__c (an api name or a label)")
        chosen = found.setdefault(_object_name(where, "--match"), [])
        chosen.extend(f for f in fields if f not in chosen)
    return tuple((name, tuple(fields)) for name, fields in found.items())


def _object_name(text: str, option: str) -> str:
    aliases = {**{k: k for k in TARGETS}, **{k[:-1]: k for k in TARGETS},
               **{t.api_name.lower(): k for k, t in TARGETS.items()}, "opportunity": "opportunities"}
    name = aliases.get(text.strip().lower())
    if name is None:
        from mktctl.base.suggest import did_you_mean

        raise e.SettingsError(f"{option}: unknown object {text.strip()!r}",
                              hint=did_you_mean(text.strip(), list(TARGETS)) or f"objects are {', '.join(TARGETS)}")
    return name


def matched_target(tenant: Tenant, target: Target, names: tuple[str, ...]) -> Target:
    """``target`` matched on the fields ``names`` (api names or labels of its object, as ``describe`` reports
    them) instead of its usual phones and emails; a field that is not there, or holds no phone or email, is
    a SettingsError."""
    from mktctl.base.suggest import did_you_mean

    info = tenant.client.crm_object(target.api_name)
    phones: list[str] = []
    emails: list[str] = []
    for name in names:
        found = info.field(name)
        if found is None:
            choices = [n for f in info.fields.values() for n in (f.api_name, f.label)]
            raise e.SettingsError(f"--match {target.name}:{name}: {target.api_name} has no field {name!r}",
                                  hint=did_you_mean(name, choices) or "give a field's api name or label as the "
                                                                      "tenant's describe shows it")
        kind = MATCH_TYPES.get(found.type)
        if kind is None:
            raise e.SettingsError(f"--match {target.name}:{name}: {found.api_name} is a {found.type} field; match "
                                  "on a phone, email or text field")
        if kind in ("phone", "both"):
            phones.append(found.api_name)
        if kind in ("email", "both"):
            emails.append(found.api_name)
    return replace(target, phone_fields=tuple(phones), email_fields=tuple(emails))
