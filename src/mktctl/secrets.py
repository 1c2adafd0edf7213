"""Secrets by reference: ``${env:NAME}`` and ``${keyring:SERVICE:NAME}``, and the redactor that keeps
every resolved secret value out of what mktctl prints and writes.

* **References.** A secret is given by reference and resolved once, by :func:`resolve`, which registers the
  value (with the reference it came from) with the process-wide :data:`REDACTOR`. A value shorter than
  :data:`MIN_SECRET_LENGTH` characters is refused: it could not be told apart from ordinary text, so it could
  be neither redacted nor kept out of output reliably.
* **Redaction.** :meth:`Redactor.redact` replaces a secret in *every form a writer may have given it*: as it
  is, and HTML/XML-escaped, JSON- and Python-escaped (``\\"``, ``\\u00e9``), URL-encoded, with doubled quotes
  (CSV, YAML), backslash-escaped (Markdown, rich markup), as OOXML's ``_x000D_``, and these forms once more
  inside each other (JSON inside HTML, a Python repr inside JSON). Writers that produce binary files
  (xlsx) or build their text from data redact the values before encoding them (:meth:`Redactor.redact_data`).
  The user name and password of any URL (``https://user:pass@host``) are replaced as well.
* **Secrets as references.** Where a value that came from a secret must be kept (a digest in the ledger, a
  workbook, a tenant export), it is written as the reference it came from: :func:`mark_references` for data
  that is only hashed, :func:`with_references` and :func:`parse_references` for text a person reads and
  mktctl reads back (a workbook cell, a playbook value).
"""

from __future__ import annotations

import json
import os
import re
import string
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring as _encode_string
from typing import Any

from mktctl.errors import SecretError

REFERENCE = re.compile(r"^\$\{(env|keyring):([^}]+)\}$")
MIN_SECRET_LENGTH = 4
"""Shorter secrets are refused: ``***`` in place of every ``a`` or ``12`` would make output unreadable and
still tell where the secret is."""


def is_reference(text: object) -> bool:
    return isinstance(text, str) and REFERENCE.match(text.strip()) is not None


def resolve(reference: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Return the value a reference points at and register it with the process redactor."""
    match = REFERENCE.match(reference.strip())
    if match is None:
        raise SecretError("not a secret reference: expected ${env:NAME} or ${keyring:SERVICE:NAME}",
                          hint="secrets are never written into files; put them in the environment or a keyring")
    source, name = match.groups()
    if source == "env":
        env = os.environ if environ is None else environ
        if name not in env or env[name] == "":
            raise SecretError(f"environment variable {name} is not set", hint=f"export {name}=...")
        value = env[name]
    else:
        value = _from_keyring(name)
    return register(value, f"${{{source}:{name}}}")


def register(value: str, reference: str | None = None) -> str:
    """Register ``value`` (from ``reference``, if it came from one) with the redactor and return it; a value
    shorter than :data:`MIN_SECRET_LENGTH` raises :class:`SecretError` (which never shows the value)."""
    if len(value) < MIN_SECRET_LENGTH:
        where = f"the secret {reference}" if reference else "a secret"
        raise SecretError(f"{where} is shorter than {MIN_SECRET_LENGTH} characters ({len(value)}): mktctl refuses "
                          "it, since it could not keep so short a value out of its output",
                          hint="use the full credential; a value that short is not a secret (give it as a "
                               "variable: --var or variables:)")
    REDACTOR.add(value, reference)
    return value


def _from_keyring(name: str) -> str:
    service, sep, user = name.partition(":")
    if not sep or not service or not user:
        raise SecretError(f"keyring reference {name!r} must be SERVICE:NAME")
    try:
        import keyring
    except ImportError:
        raise SecretError("the keyring package is not installed", hint="pip install keyring") from None
    value = keyring.get_password(service, user)
    if not value:
        raise SecretError(f"no secret {user!r} in keyring service {service!r}",
                          hint=f"keyring set {service} {user}")
    return str(value)


# ---- the encoded forms of a secret ------------------------------------------------------------------

_PLAIN = frozenset(string.ascii_letters + string.digits)  # no writer of mktctl ever encodes these
# YAML's double-quoted escapes beyond JSON's and Python's
_YAML_ESCAPES = {"\x00": "\\0", "\x07": "\\a", "\x0b": "\\v", "\x1b": "\\e", "\x85": "\\N", "\xa0": "\\_",
                 "\u2028": "\\L", "\u2029": "\\P", "\t": "\\t", " ": "\\ "}
_NAMED_ENTITIES = {"&": ("&amp;",), "<": ("&lt;",), ">": ("&gt;",), '"': ("&quot;",), "'": ("&apos;",),
                   "\xa0": ("&nbsp;",)}


def _forms(char: str) -> set[str]:
    """The ways one character comes out of the encoders that mktctl's writers (and the libraries they use)
    apply: each is a text that decodes to ``char`` under one of them."""
    if char in _PLAIN:
        return {char}
    code = ord(char)
    forms = {char, json.dumps(char)[1:-1], json.dumps(char, ensure_ascii=False)[1:-1], ascii(char)[1:-1]}
    hexes = (f"{code:x}", f"{code:X}")
    if code < 0x10000:
        forms |= {f"\\u{h.zfill(4)}" for h in hexes}
    else:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms |= {f"\\U{h.zfill(8)}" for h in hexes} | {f"\\u{high:04x}\\u{low:04x}", f"\\u{high:04X}\\u{low:04X}"}
    if code < 0x100:
        forms |= {f"\\x{h.zfill(2)}" for h in hexes}
    forms |= {f"&#{code};", *(f"&#x{h};" for h in hexes), *_NAMED_ENTITIES.get(char, ())}
    encoded = char.encode("utf-8", "surrogatepass")
    forms |= {"".join(f"%{b:02X}" for b in encoded), "".join(f"%{b:02x}" for b in encoded)}
    if char == " ":
        forms.add("+")
    if char in "\"'":
        forms.add(char * 2)  # CSV, YAML's single quotes
    if char in string.punctuation:
        forms.add("\\" + char)  # Markdown, rich markup, JSON's \" and \/, Python's \' and \\
    if code < 0x20:
        forms |= {f"_x{h.zfill(4)}_" for h in hexes}  # OOXML cell text
    if char in _YAML_ESCAPES:
        forms.add(_YAML_ESCAPES[char])
    return forms


@lru_cache(maxsize=4096)
def _char_pattern(char: str, depth: int) -> str:
    """A regular expression for ``char`` in any of its forms, and (``depth`` 2) its forms' own forms."""
    if char in _PLAIN:
        return re.escape(char)
    alternatives = []
    for form in sorted(_forms(char), key=len, reverse=True):
        if depth > 1 and form != char:
            alternatives.append("".join(_char_pattern(c, depth - 1) for c in form))
        else:
            alternatives.append(re.escape(form))
    return "(?:" + "|".join(alternatives) + ")"


@dataclass(frozen=True)
class _Matcher:
    value: str
    pattern: re.Pattern[str]
    anchor: str  # the longest run of characters that no encoder changes: present in every form

    @classmethod
    def of(cls, value: str) -> _Matcher:
        runs = re.findall(r"[A-Za-z0-9]+", value)
        anchor = max(runs, key=len) if runs else ""
        pattern = re.compile("".join(_char_pattern(c, 2) for c in value))
        return cls(value, pattern, anchor if len(anchor) >= 3 else "")

    def sub(self, replacement: str, text: str) -> str:
        if self.anchor and self.anchor not in text:
            return text
        if self.value in text:
            text = text.replace(self.value, replacement)
        return self.pattern.sub(replacement.replace("\\", "\\\\"), text)


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s/?#@\[\]]+@")


def without_userinfo(url: str) -> str:
    """``https://user:pass@host/x`` → ``https://***@host/x``: a URL as it may be shown or written."""
    if "@" not in url or "://" not in url:
        return url
    return _USERINFO.sub(lambda m: m.group(1) + Redactor.MASK + "@", url)


def userinfo_secret(url: str) -> str | None:
    """The password of a URL's user information (``https://user:pass@host`` → ``pass``), if it has one."""
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return unquote(password) if password else None


class Redactor:
    """Replaces every registered secret value with ``***`` in text, in every encoded form. Thread-safe; one
    per process (:data:`REDACTOR`)."""

    MASK = "***"

    def __init__(self) -> None:
        self._matchers: dict[str, _Matcher] = {}
        self._ordered: tuple[_Matcher, ...] = ()  # longest value first; replaced whole, so read without the lock
        self._shortest = 0  # no form of a secret is shorter than the secret: shorter texts hold none
        self._references: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, value: str, reference: str | None = None) -> None:
        if not value or len(value) < MIN_SECRET_LENGTH:
            return  # refused by register(); a token or code the platform hands out is never this short
        matcher = _Matcher.of(value)
        with self._lock:
            self._matchers.setdefault(value, matcher)
            self._ordered = tuple(sorted(self._matchers.values(), key=lambda m: len(m.value), reverse=True))
            self._shortest = len(self._ordered[-1].value)
            if reference and value not in self._references:
                self._references[value] = reference

    def values(self) -> tuple[str, ...]:
        """The registered values, longest first (for writers that redact columns of data at once)."""
        with self._lock:
            return tuple(sorted(self._matchers, key=len, reverse=True))

    def references(self) -> dict[str, str]:
        """Value -> the reference it came from, for the values that came from one."""
        with self._lock:
            return dict(self._references)

    def redact(self, text: str) -> str:
        if len(text) >= self._shortest:  # every encoded form of a character is at least one character
            for matcher in self._ordered:
                text = matcher.sub(self.MASK, text)
        return without_userinfo(text)

    def redact_data(self, data: Any) -> Any:
        """``data`` (dicts, lists, tuples, text) with every string redacted, keys too: for writers that encode
        the data themselves, so that the values are redacted before any encoding."""
        if isinstance(data, str):
            return self.redact(data)
        if isinstance(data, dict):
            return {self.redact_data(k): self.redact_data(v) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return type(data)(self.redact_data(v) for v in data)
        return data

    def contains(self, text: str) -> bool:
        """Whether ``text`` holds a registered secret in any of its forms."""
        return self.redact(text) != without_userinfo(text)

    def clear(self) -> None:
        with self._lock:
            self._matchers.clear()
            self._ordered = ()
            self._shortest = 0
            self._references.clear()


REDACTOR = Redactor()


def redacted_json(data: Any, **options: Any) -> str:
    """``json.dumps(data, **options)`` with every secret redacted from the values before they are encoded,
    and from the text after (a key, an object turned into text by ``default=``)."""
    clean = REDACTOR.redact_data(data)
    try:
        encoder = _encoder(**options)
    except TypeError:  # an option that cannot be a cache key (a list of separators): no reuse
        return REDACTOR.redact(json.dumps(clean, **options))
    return REDACTOR.redact(encoder.encode(clean))


def redacted_json_string(value: str) -> str:
    """``value`` as a JSON string literal (non-ASCII kept), every secret redacted first: for writers that build
    a JSON line of fixed keys around a few values, a line per call, without encoding a whole object."""
    return _encode_string(REDACTOR.redact(value))


@lru_cache(maxsize=64)
def _encoder(**options: Any) -> json.JSONEncoder:
    """The encoder ``json.dumps`` would build for ``options``, built once: a journal writes a line per call."""
    cls = options.pop("cls", None) or json.JSONEncoder
    return cls(**options)


# ---- secrets as references --------------------------------------------------------------------------

_SECRET_SYNTAX = re.compile(r"\$(\$\{(?:env|keyring):)|\$\{(env|keyring):([^}]+)\}")


@dataclass(frozen=True)
class Reference:
    """A secret reference inside a text: ``${env:NAME}`` or ``${keyring:SERVICE:NAME}``."""

    text: str

    def resolve(self, environ: Mapping[str, str] | None = None) -> str:
        return resolve(self.text, environ=environ)


def mark_references(data: Any, known: Mapping[str, str]) -> Any:
    """``data`` with every value of ``known`` (value -> reference) inside its strings replaced by its
    reference: what a digest is computed from, so that a digest never depends on a secret."""
    if not known:
        return data
    if isinstance(data, str):
        for value in sorted(known, key=len, reverse=True):
            if value in data:
                data = data.replace(value, known[value])
        return data
    if isinstance(data, dict):
        return {k: mark_references(v, known) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(mark_references(v, known) for v in data)
    return data


def with_references(text: str, known: Mapping[str, str]) -> str:
    """``text`` as a workbook cell or an exported value carries it: every value of ``known`` (value ->
    reference) as its reference, and a literal ``${env:`` or ``${keyring:`` escaped as ``$${env:`` so that
    :func:`parse_references` reads it back as text."""
    pieces = [text]
    for value in sorted(known, key=len, reverse=True):
        split: list[str | Reference] = []
        for piece in pieces:
            if isinstance(piece, Reference) or value not in piece:
                split.append(piece)
                continue
            for position, part in enumerate(piece.split(value)):
                if position:
                    split.append(Reference(known[value]))
                split.append(part)
        pieces = split
    return "".join(p.text if isinstance(p, Reference) else _escape_literal(p) for p in pieces)


def _escape_literal(text: str) -> str:
    return re.sub(r"\$\{(env|keyring):", r"$${\1:", text) if "${" in text else text


def parse_references(text: str) -> list[str | Reference]:
    """Text as :func:`with_references` writes it (and a person may type it), as literal pieces and secret
    references: ``${env:NAME}`` and ``${keyring:SERVICE:NAME}`` are references, ``$${env:`` is the literal
    text ``${env:``, and anything else is literal."""
    parts: list[str | Reference] = []
    position = 0
    for match in _SECRET_SYNTAX.finditer(text):
        parts.append(text[position:match.start()])
        parts.append(match.group(1) if match.group(1) else Reference(match.group(0)))
        position = match.end()
    parts.append(text[position:])
    merged: list[str | Reference] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return merged


def references_in(parts: Iterable[str | Reference]) -> list[Reference]:
    return [p for p in parts if isinstance(p, Reference)]
