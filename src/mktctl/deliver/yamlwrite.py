"""Write playbook YAML: a new playbook folder, or changes merged into an existing one.

New playbooks get an entry file and one file per guide family. Changes to an existing playbook go through
ruamel.yaml's round-trip mode, item by item and field by field: what did not change keeps its text, its
comments, its quotes and its ``${var.NAME}`` references, and a file with no change is not rewritten.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl import secrets
from mktctl.deliver import i18n
from mktctl.deliver.fields import MISSING, columns_of

if TYPE_CHECKING:
    from mktctl.kinds.base import Kind, Playbook, Resource, Spec

FAMILY_FILES = {"1.1": "products.yaml", "2.1": "organisation.yaml", "2.2": "leads.yaml", "2.3": "imports.yaml",
                "2.4": "channels.yaml", "2.5": "content.yaml", "2.6": "events.yaml", "2.7": "audience.yaml",
                "2.8": "reports.yaml"}
ENTRY = "mktctl.yaml"
ROOT_DEPARTMENT = "全公司"


@dataclass
class Item:
    """One desired item: its raw values as they go into YAML (defaults omitted) and its validated spec."""

    kind: Kind
    key: str
    raw: dict[str, Any]
    spec: Spec


@dataclass
class FileChange:
    path: Path
    added: int = 0
    changed: int = 0
    removed: int = 0
    created: bool = False


@dataclass
class Changes:
    files: dict[Path, FileChange] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def of(self, path: Path) -> FileChange:
        return self.files.setdefault(path, FileChange(path))


# ---- values -----------------------------------------------------------------------------------------


def escape(value: Any) -> Any:
    """Make text literal for the playbook loader: ``${`` becomes ``$${``; secret references stay."""
    if isinstance(value, str):
        return value if secrets.is_reference(value) else value.replace("${", "$${")
    if isinstance(value, list):
        return [escape(v) for v in value]
    if isinstance(value, dict):
        return {k: escape(v) for k, v in value.items()}
    return value


def to_node(value: Any) -> Any:
    """Plain data as round-trip nodes: short lists of plain values in flow style, like people write them."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = to_node(item)
        return node
    if isinstance(value, list):
        seq = CommentedSeq([to_node(v) for v in value])
        if all(not isinstance(v, dict | list) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def compact(kind: Kind, raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` in the model's field order, without the fields that equal their default."""
    columns = {c.name: c for c in columns_of(kind.model)}
    result = {}
    for name in kind.model.model_fields:
        if name not in raw:
            continue
        value = raw[name]
        default = columns[name].default
        if default is not MISSING and name != kind.key_field and _equal(value, default):
            continue
        result[name] = value
    return result


def _equal(a: Any, b: Any) -> bool:
    return (type(a) is type(b) and a == b) or (isinstance(a, int | float) and isinstance(b, int | float)
                                               and not isinstance(a, bool) and not isinstance(b, bool) and a == b)


def nest_departments(items: list[dict[str, Any]], *, keep_order: bool = True) -> list[dict[str, Any]] | None:
    """The departments as a tree (``children:``), or None when that cannot be (a parent not listed, or
    with ``keep_order`` when the tree would list them in another order)."""
    names = [str(item["name"]) for item in items]
    if any(item.get("parent") not in (None, *names) for item in items):
        return None
    nodes = {str(item["name"]): {k: v for k, v in item.items() if k != "parent"} for item in items}
    roots: list[dict[str, Any]] = []
    for item in items:
        node = nodes[str(item["name"])]
        parent = item.get("parent")
        if parent is None:
            roots.append(node)
        else:
            nodes[parent].setdefault("children", []).append(node)
    order: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        order.append(str(node["name"]))
        for child in node.get("children", []):
            walk(child)

    for root in roots:
        walk(root)
    if sorted(order) != sorted(names):
        return None  # a cycle: not a tree
    return roots if order == names or not keep_order else None


# ---- YAML text --------------------------------------------------------------------------------------


def _yaml(text: str | None = None) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.allow_unicode = True
    mapping, sequence, offset = 2, 4, 2
    if text:
        from ruamel.yaml.error import YAMLError
        from ruamel.yaml.util import load_yaml_guess_indent

        try:
            _data, indent, block_seq = load_yaml_guess_indent(text)
        except (YAMLError, ValueError, TypeError):  # a guess only; the playbook loader has read the file
            indent, block_seq = None, None
        if indent is not None and block_seq is not None:
            sequence, offset = indent, block_seq
            mapping = indent - block_seq if indent > block_seq else 2
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def dump(data: Any, yaml: Any = None) -> str:
    buffer = io.StringIO()
    (yaml or _yaml()).dump(data, buffer)
    return buffer.getvalue()


# ---- a new playbook ---------------------------------------------------------------------------------


def fresh(settings: dict[str, Any], items: dict[str, list[Item]], kinds: list[Kind], *, note: str
          ) -> dict[str, str]:
    """File name -> text of a new playbook: the entry file and one file per guide family."""
    from ruamel.yaml.comments import CommentedMap

    by_family: dict[str, list[Kind]] = {}
    for kind in kinds:
        if items.get(kind.name):
            by_family.setdefault(i18n.family_of(kind.guide), []).append(kind)
    files: dict[str, str] = {}
    includes = []
    for family in sorted(by_family, key=i18n.family_order):
        name = FAMILY_FILES.get(family, f"section-{family.replace('.', '-')}.yaml")
        includes.append(name)
        document = CommentedMap()
        for kind in by_family[family]:
            document[kind.name] = section_node(kind, items[kind.name])
            document.yaml_set_comment_before_after_key(kind.name, before=f"{kind.guide} {kind.title} ({kind.name}): "
                                                                          f"{kind.summary}")
        header = (f"{family} {i18n.family_name(family, 'zh-CN')} / {i18n.family_name(family, 'en')}\n{note}")
        document.yaml_set_start_comment(header)
        files[name] = dump(document)
    entry = CommentedMap()
    entry["version"] = 1
    entry["name"] = escape(settings.get("name") or "playbook")
    entry["language"] = settings.get("language") or "zh-CN"
    if settings.get("description"):
        entry["description"] = escape(settings["description"])
    if includes:
        entry["include"] = to_node(includes)
        entry["include"].fa.set_block_style()
    entry.yaml_set_start_comment("mktctl playbook: the desired setup of one client tenant of 纷享销客 营销通.\n"
                                 f"{note}\nCheck it with `mktctl validate`, preview with `mktctl plan`.")
    files[ENTRY] = dump(entry)
    return files


def section_node(kind: Kind, items: list[Item]) -> Any:
    if kind.singleton:
        return to_node(escape(compact(kind, items[0].raw)))
    raws = [compact(kind, item.raw) for item in items]
    if kind.name == "departments":
        nested = nest_departments(raws)
        if nested is not None:
            raws = nested
    return to_node([escape(raw) for raw in raws])


# ---- changes merged into an existing playbook -------------------------------------------------------


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
            yaml = _yaml(text)
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
        document.yaml_set_comment_before_after_key(kind.name, before=f"{kind.guide} {kind.title} ({kind.name}): "
                                                                      f"{kind.summary}")
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
