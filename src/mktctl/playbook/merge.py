"""Changes merged into an existing playbook through ruamel.yaml's round-trip mode, item by item and field by
field: what did not change keeps its text, its comments, its quotes and its ``${var.NAME}`` references, and a
file with no change is not rewritten. New playbooks are written by :mod:`mktctl.playbook.write`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.playbook.write import (
    ENTRY,
    Changes,
    Item,
    compact,
    dump,
    escape,
    nest_departments,
    new_yaml,
    section_comment,
    section_node,
    to_node,
)

if TYPE_CHECKING:
    from mktctl.kinds.base import Kind, Playbook, Resource, Spec


class Merge:
    """Edits to the files of a loaded playbook, kept as round-trip documents until :meth:`texts`."""

    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook
        self.docs: dict[Path, Any] = {}
        self.yamls: dict[Path, Any] = {}
        self.originals: dict[Path, str] = {}
        self.changes = Changes()
        self.entry = playbook.root / ENTRY

    # documents
    def path_of(self, document: Any) -> Path:
        path = Path(document.file)
        return (path if path.is_absolute() else Path.cwd() / path).resolve()

    def doc(self, path: Path) -> Any:
        if path not in self.docs:
            text = path.read_text(encoding="utf-8-sig")
            yaml = new_yaml(text)
            self.originals[path] = text
            self.yamls[path] = yaml
            self.docs[path] = yaml.load(text)
        return self.docs[path]

    def base(self, resource: Resource) -> tuple[Path, tuple[Any, ...]]:
        document, path = resource.origin.sources[-1]
        return self.path_of(document), tuple(path)

    def node(self, path: Path, where: tuple[Any, ...]) -> Any:
        node = self.doc(path)
        for part in where:
            node = node[part]
        return node

    def texts(self) -> dict[Path, str]:
        result = {}
        for path, data in self.docs.items():
            if path not in self.changes.files:
                continue  # only read: never rewritten, so its formatting cannot change
            text = dump(data, self.yamls[path])
            if text != self.originals[path]:
                result[path] = text
        return result

    # the playbook's own settings
    def settings(self, wanted: dict[str, Any]) -> None:
        document = self.doc(self.entry)
        current = {"name": self.playbook.name, "language": self.playbook.language,
                   "description": str(self.playbook.settings.get("description") or "")}
        for name, value in wanted.items():
            if value is None or value == current.get(name):
                continue
            if name == "name" and value == self.playbook.root.name and "name" not in document:
                continue
            document[name] = escape(value)
            self.changes.of(self.entry).changed += 1

    # one kind
    def kind(self, kind: Kind, wanted: list[Item]) -> None:
        existing = self.playbook.of(kind.name)
        if _dumped(existing) == [(i.key, _spec_json(i.spec)) for i in wanted]:
            return
        if kind.singleton:
            self._singleton(kind, existing, wanted)
        elif _expands(kind) or any(len(self.base(r)[1]) != 2 for r in existing):
            self._regenerate(kind, existing, wanted)
        else:
            self._items(kind, existing, wanted)

    def _singleton(self, kind: Kind, existing: list[Resource], wanted: list[Item]) -> None:
        if existing and wanted:
            path, where = self.base(existing[0])
            if self._edit(self.node(path, where), existing[0].spec, wanted[0], kind):
                self.changes.of(path).changed += 1
        elif wanted:
            self._new_section(kind, wanted)
        elif existing:
            path, where = self.base(existing[0])
            del self.node(path, where[:-1])[where[-1]]
            self.changes.of(path).removed += 1

    def _new_section(self, kind: Kind, wanted: list[Item]) -> None:
        document = self.doc(self.entry)
        document[kind.name] = section_node(kind, wanted)
        document.yaml_set_comment_before_after_key(kind.name, before=section_comment(kind))
        self.changes.of(self.entry).added += len(wanted)

    def _items(self, kind: Kind, existing: list[Resource], wanted: list[Item]) -> None:
        wanted_keys = {item.key: item for item in wanted}
        rank = {item.key: position for position, item in enumerate(wanted)}
        sequences: dict[tuple[Path, tuple[Any, ...]], list[tuple[int, Resource]]] = {}
        for resource in existing:
            path, where = self.base(resource)
            sequences.setdefault((path, where[:-1]), []).append((int(where[-1]), resource))
        for resource in existing:
            item = wanted_keys.get(resource.key)
            if item is None:
                continue
            path, where = self.base(resource)
            if self._edit(self.node(path, where), resource.spec, item, kind):
                self.changes.of(path).changed += 1
        known = {r.key for r in existing}
        added = [item for item in wanted if item.key not in known]
        if not sequences:
            if added:
                self._new_section(kind, added)
            return
        home = list(sequences)[-1]
        for (path, where), members in sequences.items():
            seq = self.node(path, where)
            keep = [(index, r) for index, r in members if r.key in wanted_keys]
            removed = len(members) - len(keep)
            keep.sort(key=lambda pair: rank[pair[1].key])
            others = [i for i in range(len(seq)) if i not in {index for index, _r in members}]
            order = [index for index, _r in keep]
            extra = added if (path, where) == home else []
            if removed == 0 and not extra and order == sorted(order):
                continue
            _rebuild(seq, others + order, [to_node(escape(compact(kind, item.raw))) for item in extra])
            change = self.changes.of(path)
            change.removed += removed
            change.added += len(extra)
            if order != sorted(order):
                change.changed += 1

    def _edit(self, node: Any, current: Spec, item: Item, kind: Kind) -> bool:
        """Change the fields of one item's mapping that differ; True when something changed."""
        before, after = _spec_json(current), _spec_json(item.spec)
        changed = False
        for name in kind.model.model_fields:
            if before.get(name) == after.get(name):
                continue
            changed = True
            if name in item.raw:
                node[name] = to_node(escape(item.raw[name]))
            elif name in node:
                del node[name]
            else:
                node[name] = to_node(escape(after.get(name)))
        return changed

    def _regenerate(self, kind: Kind, existing: list[Resource], wanted: list[Item]) -> None:
        """Rewrite a kind whose items expand (departments written as a tree): one section, same style."""
        places: list[tuple[Path, tuple[Any, ...]]] = []
        for resource in existing:
            path, where = self.base(resource)
            if (path, where[:1]) not in places:
                places.append((path, where[:1]))
        if not places:
            self._new_section(kind, wanted)
            return
        raw_names = self._raw_keys(kind, existing)
        raws = []
        for item in wanted:
            raw = compact(kind, item.raw)
            raw = {k: _keep_raw(v, raw_names) if k in (kind.key_field, "parent") else escape(v)
                   for k, v in raw.items()}
            raws.append(raw)
        home_path, home_where = places[0]
        old = self.node(home_path, home_where)
        nested_before = any(_has_children(n) for n in (old if isinstance(old, list) else []))
        if kind.name == "departments" and nested_before:
            tree = nest_departments(raws, keep_order=False)
            if tree is not None:
                raws = tree
        new = to_node(raws)
        _move_trailing(old, new)
        self.node(home_path, home_where[:-1])[home_where[-1]] = new
        self.changes.of(home_path).changed += 1
        for path, where in places[1:]:
            del self.node(path, where[:-1])[where[-1]]
            self.changes.of(path).removed += 1

    def _raw_keys(self, kind: Kind, existing: list[Resource]) -> dict[str, str]:
        """Resolved key -> the key as written (``${var.region}销售组`` -> its value)."""
        names = {}
        for resource in existing:
            path, where = self.base(resource)
            node = self.node(path, where)
            written = node.get(kind.key_field) if hasattr(node, "get") else None
            if isinstance(written, str):
                names[resource.key] = written
        return names


def _keep_raw(value: Any, raw_names: dict[str, str]) -> Any:
    if isinstance(value, str) and value in raw_names:
        return raw_names[value]
    return escape(value)


def _has_children(node: Any) -> bool:
    return isinstance(node, dict) and "children" in node


def _expands(kind: Kind) -> bool:
    from mktctl.kinds.base import Kind as BaseKind

    return type(kind).expand is not BaseKind.expand


def _spec_json(spec: Spec) -> dict[str, Any]:
    return spec.model_dump(mode="json")


def _dumped(resources: list[Resource]) -> list[tuple[str, dict[str, Any]]]:
    return [(r.key, _spec_json(r.spec)) for r in resources]


def _rebuild(seq: Any, order: list[int], extra: list[Any]) -> None:
    """Reorder a round-trip sequence to ``order`` (old indexes), drop the rest, append ``extra``, keeping
    the comments that belong to each item and the comment that follows the sequence."""
    trailing = _take_trailing(seq)
    items = list(seq)
    comments = dict(seq.ca.items)
    del seq[:]
    seq.ca.items.clear()
    for new_index, old_index in enumerate(order):
        seq.append(items[old_index])
        if old_index in comments:
            seq.ca.items[new_index] = comments[old_index]
    seq.extend(extra)
    _put_trailing(seq, trailing)


def _move_trailing(old: Any, new: Any) -> None:
    _put_trailing(new, _take_trailing(old))


def _take_trailing(node: Any) -> list[Any]:
    """Remove and return the comment that follows a block (ruamel keeps it on the block's last value)."""
    taken: list[Any] = []
    end = getattr(getattr(node, "ca", None), "end", None)
    if end:
        taken.append(("end", list(end)))
        end.clear()
    holder, slot = _last_slot(node)
    if holder is not None:
        entry = holder.ca.items.get(slot)
        position = 2 if isinstance(holder, dict) else 0
        if entry and len(entry) > position and entry[position] is not None:
            taken.append(("item", entry[position]))
            entry[position] = None
    return taken


def _put_trailing(node: Any, taken: list[Any]) -> None:
    for where, token in taken:
        if where == "end":
            node.ca.end = [*(getattr(node.ca, "end", None) or []), *token]
            continue
        holder, slot = _last_slot(node)
        if holder is None:
            continue
        if isinstance(holder, dict):
            entry = holder.ca.items.setdefault(slot, [None, None, None, None])
            entry[2] = token
        else:
            entry = holder.ca.items.setdefault(slot, [None, None])
            entry[0] = token


def _last_slot(node: Any) -> tuple[Any, Any]:
    """The collection and key of the last scalar (or flow collection) written in ``node``."""
    holder, slot = None, None
    while isinstance(node, dict | list) and len(node):
        last = list(node)[-1] if isinstance(node, dict) else len(node) - 1
        value = node[last]
        holder, slot = node, last
        if not isinstance(value, dict | list) or _is_flow(value):
            break
        node = value
    return holder, slot


def _is_flow(node: Any) -> bool:
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style())
