"""``--write-playbook``: the tag values the migration needs and the playbook lacks, added to the playbook.

A value missing from a group the playbook declares is appended to that group's ``values`` where the group
is written (the rest of the file keeps its text, comments and quotes: ruamel's round-trip mode through
:class:`mktctl.playbook.merge.Merge`); a group the playbook lacks is added as a new ``tags`` item. Every
changed or new group is checked by the ``tags`` kind's model first: a value it refuses (too long, with a
colon) stops the change before any file is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.errors import MktctlError

if TYPE_CHECKING:
    from mktctl.kinds.base import Playbook


@dataclass
class PlaybookChanges:
    added: dict[str, list[str]] = field(default_factory=dict)  # group -> values added
    new_groups: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def add_missing_tags(playbook: Playbook, missing: dict[str, Counter[str]] | dict[str, dict[str, int]], *,
                     write: bool) -> PlaybookChanges:
    """Add the ``missing`` values (group -> value -> count) to the playbook; with ``write`` False only say
    what would change."""
    from mktctl.kinds.registry import KINDS
    from mktctl.playbook.merge import Merge
    from mktctl.playbook.write import Item, compact, escape

    changes = PlaybookChanges()
    if not missing:
        return changes
    tags_kind = next(k for k in KINDS if k.name == "tags")
    merge = Merge(playbook)
    existing = {r.key: r for r in playbook.of("tags")}
    new_items = []
    for group, values in missing.items():
        wanted = [v for v in values if v]
        resource = existing.get(group)
        if resource is not None:
            add = [v for v in wanted if v not in resource.spec.values]
            if not add:
                continue
            _valid(tags_kind, {"name": group, "values": [*resource.spec.values, *add]})
            path, where = merge.base(resource)
            node = merge.node(path, where)
            for value in add:
                node["values"].append(escape(value))
            merge.changes.of(path).changed += 1
            changes.added[group] = add
        else:
            raw = {"name": group, "values": wanted}
            spec = _valid(tags_kind, raw)
            new_items.append(Item(kind=tags_kind, key=group, raw=compact(tags_kind, raw), spec=spec))
            changes.new_groups.append(group)
            changes.added[group] = wanted
    if new_items:
        current = [Item(kind=tags_kind, key=r.key, raw=compact(tags_kind, r.spec.model_dump(mode="json")), spec=r.spec)
                   for r in playbook.of("tags")]
        merge.kind(tags_kind, current + new_items)
    texts = merge.texts()
    changes.files = sorted(texts)
    if write and texts:
        from mktctl.base.files import write_atomic

        for path, text in texts.items():
            write_atomic(path, text, mode=path.stat().st_mode & 0o777 if path.exists() else 0o644)
    return changes


def _valid(kind: Any, raw: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    try:
        return kind.model.model_validate(raw)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise MktctlError(f"tag group {raw['name']!r} cannot take the migrated values: {first['msg']}",
                          hint="map these tags to other values in the map's values.tags, then run again") from None


def describe(changes: PlaybookChanges, written: bool) -> dict[str, Any]:
    return {"written": written and bool(changes.files), "added": changes.added, "new_groups": changes.new_groups,
            "files": [str(p) for p in changes.files]}
