"""Masking of personal data (phones and emails) for console output and logs."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_PHONE = re.compile(r"(?<!\d)(\+?\d{3})(\d{4,8})(\d{4})(?!\d)")


def mask_phone(phone: str | None) -> str:
    """``+8613912345678`` → ``+86139****5678``: enough to recognise, not enough to call."""
    if not phone:
        return ""
    digits = str(phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[: len(digits) - 8] + "****" + digits[-4:]


def mask_email(email: str | None) -> str:
    """``zhang.san@example.cn`` → ``z***@example.cn``."""
    if not email:
        return ""
    local, at, domain = str(email).partition("@")
    if not at:
        return "***"
    return (local[:1] or "") + "***@" + domain


def mask_text(text: str) -> str:
    """Mask every phone-like number and email inside free text (log lines, error messages)."""
    text = _EMAIL.sub(lambda m: m.group(1) + "***" + m.group(2), text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
