"""The old system's values translated into the playbook's: lifecycle stages, tags (组:值), lead statuses (as
tags), activity types (the platform's behaviours) and member tiers, through the map's tables.

A value with an entry in its table takes the entry's value (compared without regard to case and spaces); a
value that already is the playbook's own (a stage's name, a tier's name, a behaviour, a tag written 组:值 of
a known group) stays; a tag without either goes to ``default_tag_group`` when the map names one. Anything
else is *unmapped*: counted per table and value, and not migrated. A tag value the playbook's group does
not list yet (or whose group it lacks) is *missing*: migrated all the same, listed, and added to the
playbook by ``--write-playbook``.

:func:`check_against_playbook` reports a table entry naming a stage, tier or behaviour the playbook does not
have, or a tag not written 组:值, at the entry's position in the map.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, get_args

from mktctl.errors import PlaybookError, Problem
from mktctl.migrate.mapfile import MigrationMap
from mktctl.migrate.values import fold


@dataclass(frozen=True)
class Vocabulary:
    """What the playbook has to map onto."""

    tag_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stages: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    behaviours: tuple[str, ...] = ()


def vocabulary(playbook: Any) -> Vocabulary:
    from mktctl.kinds.conditions import Behaviour

    tiers: list[str] = []
    for resource in playbook.of("member_marketing"):
        tiers.extend(t.name for t in resource.spec.tiers)
    return Vocabulary(tag_groups={r.spec.name: tuple(r.spec.values) for r in playbook.of("tags")},
                      stages=tuple(r.spec.name for r in playbook.of("lifecycle_stages")), tiers=tuple(tiers),
                      behaviours=tuple(get_args(Behaviour)))


def split_tag(text: str) -> tuple[str, str] | None:
    group, sep, value = text.replace("：", ":").partition(":")
    if not sep or not group.strip() or not value.strip():
        return None
    return group.strip(), value.strip()


def check_against_playbook(mapping: MigrationMap, vocab: Vocabulary) -> None:
    from mktctl.base.suggest import did_you_mean

    problems: list[Problem] = []
    targets = {"lifecycle_stages": ("a lifecycle stage of the playbook", vocab.stages),
               "tiers": ("a member tier of the playbook", vocab.tiers),
               "behaviours": ("a behaviour of the platform", vocab.behaviours)}
    for (table, old), mark in mapping.value_marks.items():
        new = mapping.table(table).get(old, "")
        if table in targets:
            what, known = targets[table]
            if new not in known:
                hint = did_you_mean(new, known) or (f"known: {', '.join(known)}" if known else
                                                     "the playbook declares none")
                problems.append(Problem(mark, f"values.{table}.{old}: {new!r} is not {what} ({hint})"))
        elif table in ("tags", "lead_status") and split_tag(new) is None:
            problems.append(Problem(mark, f"values.{table}.{old}: write the tag as 组:值 (e.g. 客户等级:VIP), "
                                          f"not {new!r}"))
    if mapping.default_tag_group is not None and ":" in mapping.default_tag_group.replace("：", ":"):
        problems.append(Problem(mapping.marks.get("default_tag_group"), "default_tag_group is a tag group's name, "
                                                                         "without a colon"))
    if problems:
        raise PlaybookError(problems)


class Translator:
    """Translates old values; remembers what it could not (``unmapped``) and the tags the playbook lacks
    (``missing``: group -> values, with counts)."""

    def __init__(self, mapping: MigrationMap, vocab: Vocabulary) -> None:
        self.mapping, self.vocab = mapping, vocab
        self.unmapped: dict[str, Counter[str]] = {}
        self.missing: dict[str, Counter[str]] = {}
        self._tables = {name: {fold(k): v for k, v in mapping.table(name).items()} for name in mapping.values}

    def _entry(self, table: str, old: str) -> str | None:
        return self._tables.get(table, {}).get(fold(old))

    def _miss(self, table: str, old: str) -> None:
        self.unmapped.setdefault(table, Counter())[old] += 1

    def stage(self, old: str) -> str | None:
        return self._own(self._entry("lifecycle_stages", old), old, self.vocab.stages, "lifecycle_stages")

    def tier(self, old: str) -> str | None:
        return self._own(self._entry("tiers", old), old, self.vocab.tiers, "tiers")

    def behaviour(self, old: str) -> str | None:
        return self._own(self._entry("behaviours", old), old, self.vocab.behaviours, "behaviours")

    def _own(self, entry: str | None, old: str, known: tuple[str, ...], table: str) -> str | None:
        if entry is not None:
            return entry
        for name in known:
            if fold(name) == fold(old):
                return name
        self._miss(table, old)
        return None

    def tag(self, old: str, table: str = "tags") -> str | None:
        """``组:值`` of an old tag (or lead status), or None when it has no mapping."""
        entry = self._entry(table, old)
        tag = split_tag(entry) if entry is not None else None
        if tag is None:
            own = split_tag(old)
            if own is not None and own[0] in self.vocab.tag_groups:
                tag = own
            elif table == "tags" and self.mapping.default_tag_group:
                tag = (self.mapping.default_tag_group, old.strip().replace(":", "-").replace("：", "-"))
        if tag is None:
            self._miss(table, old)
            return None
        group, value = tag
        if value not in self.vocab.tag_groups.get(group, ()):
            self.missing.setdefault(group, Counter())[value] += 1
        return f"{group}:{value}"

    def describe_unmapped(self) -> dict[str, dict[str, int]]:
        return {table: dict(counts.most_common()) for table, counts in sorted(self.unmapped.items())}

    def describe_missing(self) -> dict[str, dict[str, int]]:
        return {group: dict(counts.most_common()) for group, counts in sorted(self.missing.items())}
