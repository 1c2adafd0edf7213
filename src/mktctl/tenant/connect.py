"""Open a tenant from its settings: the embedded sandbox in process, or any FxiaoKe-compatible URL."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx

from mktctl.errors import TenantError
from mktctl.tenant.client import CallRecord, Credentials, FxiaokeClient, RetryPolicy
from mktctl.tenant.identity import fingerprint_of
from mktctl.tenant.plain_http import PlainHttp
from mktctl.tenant.ratelimit import RateLimiter
from mktctl.tenant.settings import TenantSettings
from mktctl.tenant.wire import tenant_transport

EXTENSION_PREFIX = "/mktctl/ext/v1"


class Tenant:
    """An open tenant: the client, and what the tenant can do. Close it (or use ``with``)."""

    def __init__(self, settings: TenantSettings, client: FxiaokeClient, sandbox: Any = None) -> None:
        self.settings = settings
        self.client = client
        self.sandbox = sandbox
        self._capabilities: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.settings.name

    def capabilities(self) -> dict[str, Any]:
        """The extension API's kinds, or an empty mapping when the tenant only has the public API."""
        if self._capabilities is None:
            try:
                answer = self.client.call(EXTENSION_PREFIX + "/capabilities", {})
                self._capabilities = dict(answer.get("data") or {})
            except TenantError:
                self._capabilities = {}
        return self._capabilities

    def extension_kinds(self) -> set[str]:
        return set(self.capabilities().get("kinds", []))

    def fingerprint(self) -> str:
        """Identifies the tenant (not its state): a plan made for one tenant cannot be applied to another."""
        return fingerprint_of(self.settings, self.client.corp_id)

    def close(self) -> None:
        self.client.close()
        if self.sandbox is not None:
            self.sandbox.close()

    def __enter__(self) -> Tenant:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open_tenant(settings: TenantSettings, *, retry: RetryPolicy | None = None,
                on_call: Callable[[CallRecord], None] | None = None) -> Tenant:
    """Open the tenant ``settings`` describe. Every change made through it is written to the audit log."""
    tenant = _open(settings, retry=retry, on_call=on_call)
    if settings.audit_log is not None:
        from mktctl.tenant.audit import AuditLog

        audit = AuditLog(settings.audit_log, tenant=settings.name, acting_user=tenant.client.credentials.open_user_id)
        previous = tenant.client.on_call

        def both(record: CallRecord) -> None:
            audit(record)
            if previous is not None:
                previous(record)

        tenant.client.on_call = both
    return tenant


def _open(settings: TenantSettings, *, retry: RetryPolicy | None,
          on_call: Callable[[CallRecord], None] | None) -> Tenant:
    limiter = None
    if settings.rate_limit is not None:
        limiter = RateLimiter(settings.rate_limit.calls, settings.rate_limit.per_seconds)
    if settings.embedded:
        from mktctl.sandbox.embedded import EmbeddedSandbox

        assert settings.sandbox_data is not None
        sandbox = EmbeddedSandbox(settings.sandbox_data, api=settings.sandbox_api)
        corp = sandbox.corp
        credentials = Credentials(app_id=corp.app_id, app_secret=corp.app_secret,
                                  permanent_code=corp.permanent_code, open_user_id=corp.admin_open_user_id)
        client = FxiaokeClient(sandbox.http, credentials, retry=retry, limiter=limiter, on_call=on_call,
                               deadline_s=settings.deadline_s)
        return Tenant(settings, client, sandbox)
    assert settings.credentials is not None and settings.url is not None
    http: httpx.Client | PlainHttp
    if settings.url.lower().startswith("http://"):  # a served sandbox: keep-alive sockets (mktctl.tenant.plain_http)
        http = PlainHttp(settings.url, timeout=settings.timeout_s)
    else:  # each request in one write, without Nagle's delay (see mktctl.tenant.wire)
        http = httpx.Client(base_url=settings.url, timeout=settings.timeout_s, trust_env=False,
                            transport=tenant_transport())
    client = FxiaokeClient(http, settings.credentials, retry=retry, limiter=limiter, on_call=on_call,
                           deadline_s=settings.deadline_s)
    return Tenant(settings, client)
