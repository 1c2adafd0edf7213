"""Secrets by reference: ``${env:NAME}`` and ``${keyring:SERVICE:NAME}``, and the redactor that keeps
every resolved secret value out of what mktctl prints and writes."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping

from mktctl.errors import SecretError

REFERENCE = re.compile(r"^\$\{(env|keyring):([^}]+)\}$")
_MIN_SECRET_LENGTH = 4  # shorter values would redact ordinary words; such secrets are refused elsewhere


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
    REDACTOR.add(value)
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


class Redactor:
    """Replaces every registered secret value with ``***`` in text. Thread-safe; one per process."""

    MASK = "***"

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def add(self, value: str) -> None:
        if value and len(value) >= _MIN_SECRET_LENGTH:
            with self._lock:
                self._values.add(value)

    def redact(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, self.MASK)
        return text

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


REDACTOR = Redactor()
