"""Numbers in settings (a tenant profile, an environment variable, a command-line option), read in one place.

A setting is a finite number within the bounds that make sense for it, or a :class:`~mktctl.errors.SettingsError`
that names the setting (``MKTCTL_RATE_LIMIT``, ``mktctl.tenants.yaml:7:22 timeout_seconds``), says what was
found and what is expected. Never a float that is not a number (``nan``), infinite (``inf``, ``1e400``), below
zero where only a positive number makes sense, or text that Python's ``float`` happens to accept (``infinity``,
``1_0``, full-width digits).
"""

from __future__ import annotations

import math
import re
from typing import Any

from mktctl.errors import SettingsError

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LONGEST = 40  # characters of a number as text: more is never a setting


def setting_number(value: Any, *, name: str, low: float, high: float, whole: bool = False, above: bool = False,
                   hint: str | None = None) -> float:
    """``value`` (a number, or decimal text) as a float within ``[low, high]`` (``(low, high]`` with ``above``);
    with ``whole``, a whole number (returned as a float equal to it: ``int(...)`` it where an int is needed)."""
    number = _parse(value, name, hint)
    if whole and not number.is_integer():
        raise SettingsError(f"{name}: {_shown(value)} is not a whole number", hint=hint)
    if number < low or number > high or (above and number == low):
        lowest = f"more than {low:g}" if above else f"at least {low:g}"
        raise SettingsError(f"{name}: {_shown(value)} is out of range; expected {lowest} and at most {high:g}",
                            hint=hint)
    return number


def setting_rate(text: str, *, name: str, max_calls: int = 1_000_000,
                 max_seconds: float = 86_400.0) -> tuple[int, float]:
    """``CALLS/SECONDS`` (``100/20``): at least one call in a positive, finite number of seconds."""
    hint = "expected CALLS/SECONDS such as 100/20 (100 calls every 20 seconds)"
    calls, sep, seconds = text.strip().partition("/")
    if not sep:
        raise SettingsError(f"{name}: {_shown(text)} is not CALLS/SECONDS", hint=hint)
    count = setting_number(calls.strip(), name=f"{name} (calls)", low=1, high=max_calls, whole=True, hint=hint)
    window = setting_number(seconds.strip(), name=f"{name} (seconds)", low=0, high=max_seconds, above=True,
                            hint=hint)
    return int(count), window


def _parse(value: Any, name: str, hint: str | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SettingsError(f"{name}: expected a number, not {_shown(value)}", hint=hint)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _LONGEST or not _DECIMAL.fullmatch(text):
            raise SettingsError(f"{name}: {_shown(value)} is not a number", hint=hint)
        number = float(text)
    elif isinstance(value, int) and abs(value) > 2**63:
        raise SettingsError(f"{name}: {_shown(value)} is too large", hint=hint)
    else:
        number = float(value)
    if not math.isfinite(number):
        raise SettingsError(f"{name}: {_shown(value)} is not a finite number", hint=hint)
    return number


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) and value.bit_length() > 128:
        return f"a number of {value.bit_length():,} bits"
    text = repr(value) if isinstance(value, str) else str(value) if isinstance(value, (int, float)) else \
        f"a {type(value).__name__}"
    return text if len(text) <= 44 else text[:40] + "…"
