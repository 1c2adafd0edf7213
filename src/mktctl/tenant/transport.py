"""Which tenant URLs mktctl sends credentials to: HTTPS, or plain HTTP to this machine only.

The very first call to a tenant carries the app secret and the permanent code (the token call), so a URL
is checked when the settings are resolved, before anything is sent. Plain ``http://`` is allowed to a
loopback address - ``127.0.0.0/8``, ``::1`` (also IPv4-mapped) and the name ``localhost`` - where the
sandbox runs; anything else needs ``https://``.

A host *name* other than ``localhost`` is never resolved to decide: what it resolves to can change between
the check and the connection (a DNS answer, a hosts file), so ``http://my-box.local`` is refused even when
it points at 127.0.0.1 today. A sandbox served to the team with ``--allow-remote`` on another machine is
reached with the explicit opt-out: ``allow_plain_http: true`` in the profile, or
``MKTCTL_ALLOW_PLAIN_HTTP=1``; then the credentials do travel in clear, which is only acceptable for the
sandbox's local test credentials.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from mktctl.errors import SettingsError

ENV_ALLOW_PLAIN_HTTP = "MKTCTL_ALLOW_PLAIN_HTTP"
PROFILE_ALLOW_PLAIN_HTTP = "allow_plain_http"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")
_HINT = "give the API gateway's address, e.g. https://open.fxiaoke.com (http://127.0.0.1:PORT for a served sandbox)"


def check_tenant_url(url: str, *, where: str, allow_plain_http: bool = False) -> str:
    """``url`` without a trailing slash when credentials may be sent to it; else a ``SettingsError`` that says
    why and what to do. ``where`` names the setting (``MKTCTL_TENANT_URL``, ``PROFILE: tenant 'prod'``)."""
    text = url.strip().rstrip("/")
    parts = _parsed(text, where)
    host = parts.hostname or ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        what = "no host" if scheme in ("http", "https") else f"the scheme {scheme!r}" if scheme else "no scheme"
        raise SettingsError(f"{where}: {_shown(text)} is not an http(s) URL ({what})", hint=_HINT)
    if parts.port == 0:
        raise SettingsError(f"{where}: port 0 does not exist (1 to 65535)", hint=_HINT)
    if any(c.isspace() for c in text):
        raise SettingsError(f"{where}: a URL has no spaces", hint=_HINT)
    if scheme == "http" and not is_loopback(host) and not allow_plain_http:
        secure = "https://" + _without_credentials(text).split("://", 1)[1]
        raise SettingsError(
            f"{where}: refusing plain http:// to {host}: the app secret and the permanent code would be sent "
            "unencrypted with the first call",
            hint=f"use {secure}; plain http is only for a sandbox on this machine (127.0.0.1, ::1, "
                 f"localhost), or a sandbox on your network with {PROFILE_ALLOW_PLAIN_HTTP}: true in the profile "
                 f"or {ENV_ALLOW_PLAIN_HTTP}=1")
    return text


def _parsed(text: str, where: str) -> SplitResult:
    """``text`` split into its parts, once both the standard library and the HTTP client can read it: a port
    that is a number up to 65535, brackets closed around an IPv6 address, a host name valid in IDNA."""
    import httpx

    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - reading it checks it
        httpx.URL(text).host  # noqa: B018 - the host is decoded (IDNA) when read
    except (httpx.InvalidURL, ValueError) as error:  # IDNA errors are ValueErrors
        raise SettingsError(f"{where}: {_shown(text)} is not a URL ({error or type(error).__name__})",
                            hint=_HINT) from None
    return parts


def is_loopback(host: str) -> bool:
    """True for an address of this machine written as one: 127.0.0.0/8, ::1, ::ffff:127.x.x.x, localhost."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def flag(value: object, *, where: str) -> bool:
    """A yes/no setting given as YAML (a bool) or as an environment variable (1/0, true/false, yes/no)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(f"{where}: expected true or false, not {str(value)[:40]!r}")


def _without_credentials(url: str) -> str:
    """The URL without a user name or password it may carry in front of its host."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _shown(url: str) -> str:
    try:
        return repr(_without_credentials(url)[:200])
    except ValueError:
        return repr(url.rpartition("@")[2][:80])
