"""YAML with a position for every value, and nothing else.

The text is composed into ruamel.yaml nodes (which know where they start) and turned into plain data by
hand, so that:

* every mapping key and every value has a :class:`~mktctl.errors.Mark` (file, line, column);
* only the standard YAML types are built (str, int, float, bool, null; timestamps stay text) - no tag can
  construct a Python object;
* aliases and merge keys (``<<``) cannot explode: the values built and the pairs merged are counted against
  one cap, so an alias bomb or a merge of a mapping thousands of times fails in bounded time and memory, and so
  does very deep nesting; a merged mapping may itself merge others, as YAML says;
* one policy for scalars: text without a NUL or a lone surrogate, whole numbers within 64 bits, finite
  floats, no YAML 1.1 base-60 numbers (``1:30``); anything else is refused at its position with what to write;
* duplicate keys are errors instead of silently keeping the last one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl.errors import DataFileError, Mark, PlaybookError, Problem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_VALUES = 200_000
MAX_DEPTH = 64
MAX_NODES = 2 * MAX_VALUES  # keys, values and aliases written in one file

Path_ = tuple[str | int, ...]
_STD = "tag:yaml.org,2002:"


@dataclass
class Document:
    """A loaded YAML file: its data, and where each value and each mapping key came from."""

    file: str
    data: Any
    marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)

    def mark(self, path: Path_, *, key: bool = False) -> Mark:
        """The position of ``path``, or of its nearest ancestor that has one."""
        table = self.key_marks if key else self.marks
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if key and probe in self.marks:
                return self.marks[probe]
            probe = probe[:-1]
        return self.marks.get((), Mark(self.file, 1, 1))


def load_yaml_file(path: Path, *, display: str | None = None) -> Document:
    """Load a YAML file: a regular file of at most :data:`MAX_FILE_BYTES` (never a device, a FIFO or a
    folder: see :mod:`mktctl.base.inputs`), UTF-8 with or without a BOM."""
    from mktctl.base.inputs import read_bounded

    name = display or str(path)
    try:
        raw = read_bounded(path, what="YAML file", limit=MAX_FILE_BYTES, shown=name)
    except DataFileError as error:
        raise _one(None, error.message) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _one(Mark(name, line, 1), "file is not UTF-8 text (save it as UTF-8)") from None
    return load_yaml_text(text, name)


def load_yaml_text(text: str, file: str) -> Document:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _bounded_composer(file)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Mark(file, mark.line + 1, mark.column + 1) if mark is not None else Mark(file, 1, 1)
        what = " ".join(part for part in (error.context, error.problem) if part)
        raise _one(where, f"YAML syntax error: {what}") from None
    except YAMLError as error:
        raise _one(Mark(file, 1, 1), f"YAML error: {error}") from None
    except RecursionError:
        raise _one(Mark(file, 1, 1), f"nesting is too deep (more than {MAX_DEPTH} levels)") from None
    document = Document(file=file, data=None)
    if node is None:
        return document
    builder = _Builder(document)
    document.data = builder.build(node, (), 0)
    return document


def _one(mark: Mark | None, message: str) -> PlaybookError:
    return PlaybookError([Problem(mark, message)])


def _bounded_composer(file: str) -> type:
    """ruamel's composer, stopped after :data:`MAX_NODES` nodes: its pure-Python parser spends about 30-50 µs on
    each, so a file of a million aliases would take a minute to compose before anything could count them."""
    from ruamel.yaml.composer import Composer

    class BoundedComposer(Composer):  # type: ignore[misc]
        nodes = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.nodes += 1
            if self.nodes > MAX_NODES:
                mark = self.parser.peek_event().start_mark
                raise _one(Mark(file, mark.line + 1, mark.column + 1),
                           f"more than {MAX_NODES:,} keys, values and aliases in one file; refusing to read on")
            return super().compose_node(parent, index)

    return BoundedComposer


class _Builder:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.count = 0
        self._merged: dict[int, list[tuple[str, Any, Any]]] = {}  # a mapping node's pairs, its merges included
        self._merging: set[int] = set()  # the mapping nodes whose pairs are being gathered (a cycle check)

    def _mark(self, node: Any) -> Mark:
        return Mark(self.document.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def _counted(self, node: Any, values: int) -> None:
        self.count += values
        if self.count > MAX_VALUES:
            raise _one(self._mark(node), f"more than {MAX_VALUES} values (an alias bomb?); refusing to expand")

    def build(self, node: Any, path: Path_, depth: int) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self._counted(node, 1)
        if depth > MAX_DEPTH:
            raise _one(self._mark(node), f"nesting is too deep (more than {MAX_DEPTH} levels)")
        self.document.marks.setdefault(path, self._mark(node))
        tag = str(node.tag)
        if isinstance(node, ScalarNode):
            return self._scalar(node, tag)
        if isinstance(node, SequenceNode):
            self._check_tag(node, tag, "seq")
            return [self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self._check_tag(node, tag, "map")
            return self._mapping(node, path, depth)
        raise _one(self._mark(node), f"unsupported YAML node {type(node).__name__}")  # pragma: no cover

    def _check_tag(self, node: Any, tag: str, expected: str) -> None:
        if tag not in (_STD + expected, _STD + "omap") and not (expected == "map" and tag == _STD + "set"):
            raise _one(self._mark(node), f"YAML tag {tag.replace(_STD, '!!')} is not allowed in a playbook")

    def _mapping(self, node: Any, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, key_node, value_node in self._pairs(node):
            self.document.key_marks[(*path, key)] = self._mark(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _pairs(self, node: Any, chain: int = 0) -> list[tuple[str, Any, Any]]:
        """The (key, key node, value node) of a mapping: its own keys, then those of the mappings its merge
        keys (``<<``) name that it has not (the first merged wins), theirs gathered the same way. Each
        mapping's pairs are gathered once; every pair a merge brings counts towards :data:`MAX_VALUES`."""
        known = self._merged.get(id(node))
        if known is not None:
            return known
        if chain > MAX_DEPTH:  # a mapping merging one that merges another ... 64 times
            raise _one(self._mark(node), f"merge keys (<<) nest too deep (more than {MAX_DEPTH} levels)")
        if id(node) in self._merging:
            raise _one(self._mark(node), "a merge key (<<) merges the mapping it is in")
        self._merging.add(id(node))
        pairs: list[tuple[str, Any, Any]] = []
        keys: set[str] = set()
        sources: list[tuple[Any, Any]] = []  # (the merge key, a mapping it merges)
        for key_node, value_node in node.value:
            if str(key_node.tag) == _STD + "merge":
                sources.extend((key_node, source) for source in self._merge_sources(value_node))
                continue
            key = self._key(key_node)
            if key in keys:
                raise _one(self._mark(key_node), f"duplicate key {key!r}")
            keys.add(key)
            pairs.append((key, key_node, value_node))
        for merge, source in sources:
            inherited = self._pairs(source, chain + 1)
            self._counted(merge, len(inherited))
            for pair in inherited:
                if pair[0] not in keys:
                    keys.add(pair[0])
                    pairs.append(pair)
        self._merging.discard(id(node))
        self._merged[id(node)] = pairs
        return pairs

    def _merge_sources(self, value: Any) -> list[Any]:
        sources = value.value if str(value.tag) == _STD + "seq" else [value]
        for source in sources:
            if str(source.tag) != _STD + "map":
                raise _one(self._mark(source), "a merge key (<<) must point at a mapping")
        return list(sources)

    def _key(self, node: Any) -> str:
        from ruamel.yaml.nodes import ScalarNode

        if not isinstance(node, ScalarNode):
            raise _one(self._mark(node), "a mapping key must be a plain value, not a list or mapping")
        value = self._scalar(node, str(node.tag))
        return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)

    def _scalar(self, node: Any, tag: str) -> Any:
        """The value of a scalar under one policy: text without a NUL or a lone surrogate (no file, name or
        API can carry them), whole numbers within 64 bits, finite floats; anything else is refused where it
        is written, with what to write instead."""
        value: str = node.value
        kind = tag[len(_STD):] if tag.startswith(_STD) else None
        if kind in ("str", "timestamp", "binary"):
            bad = _UNSAFE_TEXT.search(value)
            if bad is not None:
                code = ord(bad.group())
                what = ("a NUL character (\\0)" if code == 0 else
                        f"a lone surrogate (\\u{code:04x}), half of a character that UTF-8 cannot write")
                raise _one(self._mark(node), f"the text contains {what}; remove it")
            return value
        if kind == "null":
            return None
        if kind == "bool":
            return value.lower() in ("true", "yes", "on", "y")
        if kind in ("int", "float"):
            try:
                return _int(value) if kind == "int" else _float(value)
            except ValueError as error:
                raise _one(self._mark(node), f"{_shown(value)} {error}") from None
        raise _one(self._mark(node), f"YAML tag {tag.replace(_STD, '!!')} is not allowed in a playbook")


_UNSAFE_TEXT = re.compile(r"[\x00\ud800-\udfff]")
MAX_INT = 2**63 - 1  # what SQLite, JSON readers and the platform's long fields hold
_QUOTE = "quote it if it is text"


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:20] + "…" + value[-10:])


def _int(text: str) -> int:
    cleaned = text.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    if ":" in digits:
        raise ValueError(f"is a YAML 1.1 base-60 number; write the number itself, or {_QUOTE}")
    base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2].lower(), 10)
    body = digits[2:] if base != 10 else digits
    if len(body.lstrip("0")) > 64:  # more digits than any 64-bit number, in any base: never converted
        raise ValueError(f"is a whole number of {len(body):,} digits, larger than mktctl reads; {_QUOTE}")
    try:
        number = sign * int(body, base)
    except ValueError:
        raise ValueError(f"is not a whole number; {_QUOTE}") from None
    if not -MAX_INT - 1 <= number <= MAX_INT:
        raise ValueError(f"is a whole number beyond 64 bits (at most {MAX_INT:,}); {_QUOTE}")
    return number


def _float(text: str) -> float:
    cleaned = text.replace("_", "").lower()
    if ":" in cleaned:
        raise ValueError(f"is a YAML 1.1 base-60 number; write the number itself, or {_QUOTE}")
    if cleaned.lstrip("+-") in (".nan", ".inf"):
        raise ValueError(f"is not a finite number; write a number, or {_QUOTE}")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"is not a number mktctl can read; {_QUOTE}") from None
    if not math.isfinite(number):
        too_large = any(c.isdigit() for c in cleaned)
        raise ValueError(f"is {'too large a number' if too_large else 'not a finite number'}; {_QUOTE}")
    return number
