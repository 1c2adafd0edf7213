"""Which tenant a command talks to, and with what credentials.

Resolution order: ``--tenant NAME`` (a profile from ``DIR/mktctl.tenants.yaml`` or
``~/.config/mktctl/tenants.yaml``) > the ``MKTCTL_TENANT_URL`` family of environment variables > the
embedded sandbox whose data lives in ``DIR/.mktctl/sandbox.db``.

Profiles hold secrets only by reference (``${env:NAME}``, ``${keyring:SERVICE:NAME}``); a literal secret in
a profile file is refused, so that a profile can be committed next to the playbook.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mktctl import secrets
from mktctl.errors import MktctlError, SecretError, SettingsError
from mktctl.tenant.client import Credentials
from mktctl.tenant.deadline import DEFAULT_DEADLINE_S, ENV_DEADLINE, PROFILE_DEADLINE, parse_deadline
from mktctl.tenant.transport import ENV_ALLOW_PLAIN_HTTP, PROFILE_ALLOW_PLAIN_HTTP, check_tenant_url, flag

PROFILE_FILE = "mktctl.tenants.yaml"
SANDBOX_NAME = "sandbox"
ENVIRONMENT_NAME = "environment"  # the tenant the MKTCTL_TENANT_URL variables describe
STATE_DIR = ".mktctl"
ENV_URL, ENV_APP_ID, ENV_APP_SECRET = "MKTCTL_TENANT_URL", "MKTCTL_APP_ID", "MKTCTL_APP_SECRET"
ENV_PERMANENT_CODE, ENV_OPEN_USER_ID = "MKTCTL_PERMANENT_CODE", "MKTCTL_OPEN_USER_ID"
ENV_RATE_LIMIT = "MKTCTL_RATE_LIMIT"  # CALLS/SECONDS per interface, e.g. 100/20 (the default) or 0 for none
REAL_PLATFORM_RATE = (100, 20.0)  # calls per seconds per interface on the real platform
ENV_DAILY_QUOTA, PROFILE_DAILY_QUOTA = "MKTCTL_DAILY_QUOTA", "daily_quota"  # the tenant's OpenAPI calls per day
_SECRET_FIELDS = ("app_secret", "permanent_code")
_PROFILE_FIELDS = {"url", "app_id", "app_secret", "permanent_code", "open_user_id", "rate_limit", "sandbox",
                   "timeout_seconds", "description", PROFILE_ALLOW_PLAIN_HTTP, PROFILE_DEADLINE, PROFILE_DAILY_QUOTA}


@dataclass(frozen=True)
class RateLimitSetting:
    calls: int = REAL_PLATFORM_RATE[0]
    per_seconds: float = REAL_PLATFORM_RATE[1]


@dataclass(frozen=True)
class TenantSettings:
    """Everything needed to open a tenant. ``credentials`` is None for the embedded sandbox, whose
    credentials come from its own data file."""

    name: str
    url: str | None = None
    credentials: Credentials | None = field(default=None, repr=False)
    sandbox_data: Path | None = None
    sandbox_api: str = "full"
    rate_limit: RateLimitSetting | None = None
    timeout_s: float = 30.0
    deadline_s: float = DEFAULT_DEADLINE_S  # how long the tenant may not answer before a command gives up
    audit_log: Path | None = None  # where every change made to the tenant is logged (see tenant/audit.py)
    daily_quota: int | None = None  # the OpenAPI calls the tenant bought per day (30002 past it); None: not said

    @property
    def embedded(self) -> bool:
        return self.url is None

    @property
    def shown_url(self) -> str | None:
        """The tenant's URL as it may be shown or hashed: without user name and password."""
        return None if self.url is None else secrets.without_userinfo(self.url)

    def describe(self) -> str:
        if self.embedded:
            api = "" if self.sandbox_api == "full" else f", {self.sandbox_api} API only"
            return f"embedded sandbox ({self.sandbox_data}{api})"
        return f"{self.name} ({self.shown_url})"


def state_dir(playbook_dir: Path) -> Path:
    return playbook_dir / STATE_DIR


def default_sandbox_data(playbook_dir: Path) -> Path:
    return state_dir(playbook_dir) / "sandbox.db"


def resolve(playbook_dir: Path, tenant: str | None = None, *, environ: Mapping[str, str] | None = None,
            home: Path | None = None, deadline: float | None = None) -> TenantSettings:
    """The settings of ``tenant``. ``deadline`` (``--deadline``) overrides ``MKTCTL_DEADLINE``, which overrides
    the profile's ``deadline_seconds``."""
    import dataclasses

    env = os.environ if environ is None else environ
    if tenant and tenant != SANDBOX_NAME:
        settings = _from_profile(playbook_dir, tenant, env, home)
    elif not tenant and env.get(ENV_URL):
        settings = _from_environment(env)
    else:
        settings = TenantSettings(name=SANDBOX_NAME, sandbox_data=default_sandbox_data(playbook_dir))
    if deadline is not None:
        settings = dataclasses.replace(settings, deadline_s=parse_deadline(deadline, where="--deadline"))
    elif env.get(ENV_DEADLINE, "").strip():
        settings = dataclasses.replace(settings, deadline_s=parse_deadline(env[ENV_DEADLINE], where=ENV_DEADLINE))
    if env.get(ENV_DAILY_QUOTA, "").strip():
        settings = dataclasses.replace(settings, daily_quota=parse_daily_quota(env[ENV_DAILY_QUOTA],
                                                                               where=ENV_DAILY_QUOTA))
    return dataclasses.replace(settings, audit_log=state_dir(playbook_dir) / "audit.jsonl")


def profile_name(tenant: str | None, *, environ: Mapping[str, str] | None = None) -> str:
    """The name of the profile :func:`resolve` takes for ``tenant`` (``--tenant``): itself, else the
    environment's tenant when ``MKTCTL_TENANT_URL`` is set, else the embedded sandbox."""
    env = os.environ if environ is None else environ
    if tenant:
        return tenant
    return ENVIRONMENT_NAME if env.get(ENV_URL) else SANDBOX_NAME


def _from_environment(env: Mapping[str, str]) -> TenantSettings:
    missing = [name for name in (ENV_APP_ID, ENV_APP_SECRET, ENV_PERMANENT_CODE, ENV_OPEN_USER_ID)
               if not env.get(name)]
    if missing:
        raise SettingsError(f"{ENV_URL} is set but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'}"
                            " not", hint="set all five MKTCTL_* variables, or unset MKTCTL_TENANT_URL")
    for name in (ENV_APP_SECRET, ENV_PERMANENT_CODE):
        _register("the tenant of MKTCTL_TENANT_URL", env[name], f"${{env:{name}}}")
    _register_userinfo(ENV_URL, env[ENV_URL])
    credentials = Credentials(app_id=env[ENV_APP_ID], app_secret=env[ENV_APP_SECRET],
                              permanent_code=env[ENV_PERMANENT_CODE], open_user_id=env[ENV_OPEN_USER_ID])
    allow_http = flag(env.get(ENV_ALLOW_PLAIN_HTTP, ""), where=ENV_ALLOW_PLAIN_HTTP)
    url = check_tenant_url(env[ENV_URL], where=ENV_URL, allow_plain_http=allow_http)
    return TenantSettings(name=ENVIRONMENT_NAME, url=url, credentials=credentials,
                          rate_limit=_rate_from_text(env.get(ENV_RATE_LIMIT)))


def _register(where: str, value: str, reference: str | None) -> None:
    try:
        secrets.register(value, reference)
    except MktctlError as error:
        raise SecretError(f"{where}: {error}", hint=error.hint) from None


def _register_userinfo(where: str, url: str) -> None:
    """A password in the tenant's URL (``https://user:pass@host``) is a secret: registered, never shown."""
    password = secrets.userinfo_secret(url)
    if password is not None:
        _register(where, password, None)


def _rate_from_text(text: str | None) -> RateLimitSetting | None:
    """``MKTCTL_RATE_LIMIT``: ``CALLS/SECONDS`` (default 100/20, the real platform's), or ``0`` for none."""
    if text is None or not text.strip():
        return RateLimitSetting()
    if text.strip() in ("0", "none", "off"):
        return None
    calls, sep, seconds = text.partition("/")
    try:
        setting = RateLimitSetting(calls=int(calls), per_seconds=float(seconds)) if sep else None
    except ValueError:
        setting = None
    if setting is None or setting.calls < 1 or setting.per_seconds <= 0:
        raise SettingsError(f"{ENV_RATE_LIMIT}={text!r}: expected CALLS/SECONDS such as 100/20, or 0 for no limit")
    return setting


def profile_files(playbook_dir: Path, home: Path | None = None) -> list[Path]:
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or ((home or Path.home()) / ".config"))
    return [playbook_dir / PROFILE_FILE, config_home / "mktctl" / "tenants.yaml"]


def profile_names(playbook_dir: Path, home: Path | None = None) -> list[str]:
    names: list[str] = []
    for path in profile_files(playbook_dir, home):
        if path.is_file():
            names.extend(name for name in _read_profiles(path) if name not in names)
    return names


def _read_profiles(path: Path) -> dict[str, Any]:
    from mktctl.base.yamlload import load_yaml_file

    document = load_yaml_file(path)
    data = document.data
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("tenants", {}), dict):
        raise SettingsError(f"{path}: expected a mapping with a 'tenants:' mapping of profiles")
    return dict(data.get("tenants") or {})


def _from_profile(playbook_dir: Path, name: str, env: Mapping[str, str], home: Path | None) -> TenantSettings:
    for path in profile_files(playbook_dir, home):
        if not path.is_file():
            continue
        profiles = _read_profiles(path)
        if name in profiles:
            return _profile_settings(path, name, profiles[name], playbook_dir, env)
    known = profile_names(playbook_dir, home)
    from mktctl.base.suggest import did_you_mean

    hint = did_you_mean(name, [*known, SANDBOX_NAME]) or (
        f"known profiles: {', '.join(known)}" if known else f"define it in {playbook_dir / PROFILE_FILE}")
    raise SettingsError(f"unknown tenant profile {name!r}", hint=hint)


def _profile_settings(path: Path, name: str, profile: Any, playbook_dir: Path,
                      env: Mapping[str, str]) -> TenantSettings:
    where = f"{path}: tenant {name!r}"
    if not isinstance(profile, dict):
        raise SettingsError(f"{where}: expected a mapping of settings")
    unknown = sorted(set(profile) - _PROFILE_FIELDS)
    if unknown:
        raise SettingsError(f"{where}: unknown setting {unknown[0]!r}",
                            hint=f"settings are: {', '.join(sorted(_PROFILE_FIELDS))}")
    rate = _rate_limit(where, profile.get("rate_limit"))
    quota = parse_daily_quota(profile[PROFILE_DAILY_QUOTA], where=f"{where}: {PROFILE_DAILY_QUOTA}") \
        if profile.get(PROFILE_DAILY_QUOTA) is not None else None
    timeout = float(profile.get("timeout_seconds", 30.0))
    deadline = parse_deadline(profile[PROFILE_DEADLINE], where=f"{where}: {PROFILE_DEADLINE}") \
        if PROFILE_DEADLINE in profile else DEFAULT_DEADLINE_S
    if "sandbox" in profile:
        sandbox = profile["sandbox"] or {}
        api = str(sandbox.get("api", "full"))
        if api not in ("full", "public"):
            raise SettingsError(f"{where}: sandbox api must be 'full' or 'public', not {api!r}")
        data = sandbox.get("data")
        data_path = (playbook_dir / str(data)) if data else default_sandbox_data(playbook_dir)
        return TenantSettings(name=name, sandbox_data=data_path, sandbox_api=api, rate_limit=rate,
                              timeout_s=timeout, deadline_s=deadline, daily_quota=quota)
    missing = [key for key in ("url", "app_id", "app_secret", "permanent_code", "open_user_id")
               if not profile.get(key)]
    if missing:
        raise SettingsError(f"{where}: missing {', '.join(missing)}")
    values: dict[str, str] = {}
    for key in ("app_id", "app_secret", "permanent_code", "open_user_id"):
        raw = str(profile[key])
        if key in _SECRET_FIELDS and not secrets.is_reference(raw):
            raise SettingsError(f"{where}: {key} must be a reference such as ${{env:NAME}}, not a literal value",
                                hint="secrets are never stored in files")
        try:
            values[key] = secrets.resolve(raw, environ=env) if secrets.is_reference(raw) else raw
        except MktctlError as error:
            raise SecretError(f"{where}: {key}: {error}", hint=error.hint) from None
    _register_userinfo(f"{where}: url", str(profile["url"]))
    credentials = Credentials(**values)
    allow_http = (flag(profile.get(PROFILE_ALLOW_PLAIN_HTTP, False), where=f"{where}: {PROFILE_ALLOW_PLAIN_HTTP}")
                  or flag(env.get(ENV_ALLOW_PLAIN_HTTP, ""), where=ENV_ALLOW_PLAIN_HTTP))
    url = check_tenant_url(str(profile["url"]), where=where, allow_plain_http=allow_http)
    return TenantSettings(name=name, url=url, credentials=credentials,
                          rate_limit=rate or RateLimitSetting(), timeout_s=timeout, deadline_s=deadline,
                          daily_quota=quota)


def parse_daily_quota(value: Any, *, where: str) -> int:
    """A daily quota: a whole number of calls, at least one (``100000`` is one pack of the platform's)."""
    text = str(value).strip().replace(",", "").replace("_", "")
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{where}: the daily quota must be a whole number of calls such as 100000, not {value!r}",
                            hint="the OpenAPI calls the tenant bought per day (packs of 100,000 add up)")
    return int(text)


def _rate_limit(where: str, value: Any) -> RateLimitSetting | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: rate_limit must be a mapping like {{calls: 100, per_seconds: 20}}")
    try:
        setting = RateLimitSetting(calls=int(value.get("calls", REAL_PLATFORM_RATE[0])),
                                   per_seconds=float(value.get("per_seconds", REAL_PLATFORM_RATE[1])))
    except (TypeError, ValueError):
        raise SettingsError(f"{where}: rate_limit calls and per_seconds must be numbers") from None
    if setting.calls < 1 or setting.per_seconds <= 0:
        raise SettingsError(f"{where}: rate_limit needs at least one call per positive number of seconds")
    return setting
