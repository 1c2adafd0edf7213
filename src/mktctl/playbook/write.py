"""Write playbook YAML, the other way of :mod:`mktctl.playbook.load`: a new playbook folder with an entry
file and one file per guide family, and the values and nodes that :mod:`mktctl.playbook.merge` uses to merge
changes into an existing one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl import secrets
from mktctl.kinds import guide
from mktctl.kinds.values import field_defaults

if TYPE_CHECKING:
    from mktctl.kinds.base import Kind, Spec

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


class PlaybookText(str):
    """Text already in the playbook's own syntax, written as it is: its secret references stay references
    (``desc ${env:TOKEN} tail``) and its literal ``${`` is already ``$${``. Made by
    :func:`playbook_text`."""


def playbook_text(parts: list[str | secrets.Reference]) -> PlaybookText:
    """Literal pieces and secret references as one :class:`PlaybookText`."""
    return PlaybookText("".join(p.text if isinstance(p, secrets.Reference) else p.replace("${", "$${") for p in parts))


def escape(value: Any) -> Any:
    """Make text literal for the playbook loader: ``${`` becomes ``$${``. A :class:`PlaybookText` (which
    holds secret references) is written as it is. No secret is ever written: a secret value this process
    resolved from a reference becomes that reference, any other is redacted."""
    if isinstance(value, PlaybookText):
        return secrets.REDACTOR.redact(str(value))
    if isinstance(value, str):
        if secrets.REDACTOR.contains(value):
            written = playbook_text(secrets.parse_references(secrets.with_references(
                value, secrets.REDACTOR.references())))
            return secrets.REDACTOR.redact(str(written))
        return value.replace("${", "$${")
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
    defaults = field_defaults(kind.model)
    result = {}
    for name in kind.model.model_fields:
        if name not in raw:
            continue
        value = raw[name]
        if name in defaults and name != kind.key_field and _equal(value, defaults[name]):
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


def new_yaml(text: str | None = None) -> Any:
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
    (yaml or new_yaml()).dump(data, buffer)
    return buffer.getvalue()


# ---- a new playbook ---------------------------------------------------------------------------------


def fresh(settings: dict[str, Any], items: dict[str, list[Item]], kinds: list[Kind], *, note: str
          ) -> dict[str, str]:
    """File name -> text of a new playbook: the entry file and one file per guide family."""
    from ruamel.yaml.comments import CommentedMap

    by_family: dict[str, list[Kind]] = {}
    for kind in kinds:
        if items.get(kind.name):
            by_family.setdefault(guide.family_of(kind.guide), []).append(kind)
    files: dict[str, str] = {}
    includes = []
    for family in sorted(by_family, key=guide.family_order):
        name = FAMILY_FILES.get(family, f"section-{family.replace('.', '-')}.yaml")
        includes.append(name)
        document = CommentedMap()
        for kind in by_family[family]:
            document[kind.name] = section_node(kind, items[kind.name])
            document.yaml_set_comment_before_after_key(kind.name, before=section_comment(kind))
        header = (f"{family} {guide.family_name(family, 'zh-CN')} / {guide.family_name(family, 'en')}\n{note}")
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


def section_comment(kind: Kind) -> str:
    """The comment above a kind's section: its guide sections, its names and what it is."""
    return f"{guide.sections_text(kind.sections)} {kind.title} ({kind.name}): {kind.summary}"


def section_node(kind: Kind, items: list[Item]) -> Any:
    if kind.singleton:
        return to_node(escape(compact(kind, items[0].raw)))
    raws = [compact(kind, item.raw) for item in items]
    if kind.name == "departments":
        nested = nest_departments(raws)
        if nested is not None:
            raws = nested
    return to_node([escape(raw) for raw in raws])
