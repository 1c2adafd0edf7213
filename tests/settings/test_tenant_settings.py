"""Which tenant a command talks to: flags, then environment variables, then the embedded sandbox."""

from __future__ import annotations

import pytest

from mktctl.errors import SecretError, SettingsError
from mktctl.secrets import REDACTOR
from mktctl.tenant.settings import resolve

ENV = {"MKTCTL_TENANT_URL": "https://open.fxiaoke.com/", "MKTCTL_APP_ID": "FSAID_1",
       "MKTCTL_APP_SECRET": "s3cret-value", "MKTCTL_PERMANENT_CODE": "PERM-CODE-1", "MKTCTL_OPEN_USER_ID": "FSUID_1"}


def profiles(tmp_path, text: str) -> None:
    (tmp_path / "mktctl.tenants.yaml").write_text(text, encoding="utf-8")


def test_the_default_is_the_embedded_sandbox_in_the_playbook_folder(tmp_path) -> None:
    settings = resolve(tmp_path, None, environ={}, home=tmp_path)

    assert settings.embedded
    assert settings.sandbox_data == tmp_path / ".mktctl" / "sandbox.db"


def test_environment_variables_point_at_a_real_tenant(tmp_path) -> None:
    settings = resolve(tmp_path, None, environ=ENV, home=tmp_path)

    assert settings.url == "https://open.fxiaoke.com"
    assert settings.credentials.app_id == "FSAID_1"
    assert "s3cret-value" not in repr(settings)
    assert REDACTOR.redact("token s3cret-value") == "token ***"


def test_incomplete_environment_variables_say_what_is_missing(tmp_path) -> None:
    with pytest.raises(SettingsError, match="MKTCTL_APP_SECRET, MKTCTL_PERMANENT_CODE are not"):
        resolve(tmp_path, None, environ={"MKTCTL_TENANT_URL": "x", "MKTCTL_APP_ID": "a", "MKTCTL_OPEN_USER_ID": "u"},
                home=tmp_path)


def test_a_profile_takes_its_secrets_from_references(tmp_path) -> None:
    profiles(tmp_path, "tenants:\n  prod:\n    url: https://open.fxiaoke.com\n    app_id: FSAID_2\n"
                       "    app_secret: ${env:ACME_SECRET}\n    permanent_code: ${env:ACME_CODE}\n"
                       "    open_user_id: FSUID_2\n    rate_limit: {calls: 50, per_seconds: 20}\n")

    settings = resolve(tmp_path, "prod", environ={"ACME_SECRET": "acme-secret", "ACME_CODE": "acme-code"},
                       home=tmp_path)

    assert settings.credentials.app_secret == "acme-secret"
    assert (settings.rate_limit.calls, settings.rate_limit.per_seconds) == (50, 20.0)


def test_a_literal_secret_in_a_profile_is_refused(tmp_path) -> None:
    profiles(tmp_path, "tenants:\n  prod:\n    url: u\n    app_id: a\n    app_secret: plain-secret\n"
                       "    permanent_code: ${env:X}\n    open_user_id: o\n")

    with pytest.raises(SettingsError, match="app_secret must be a reference"):
        resolve(tmp_path, "prod", environ={"X": "xxxx"}, home=tmp_path)


def test_a_missing_environment_variable_is_named(tmp_path) -> None:
    profiles(tmp_path, "tenants:\n  prod:\n    url: u\n    app_id: a\n    app_secret: ${env:NOT_SET_HERE}\n"
                       "    permanent_code: ${env:NOT_SET_HERE}\n    open_user_id: o\n")

    with pytest.raises(SecretError, match="environment variable NOT_SET_HERE is not set"):
        resolve(tmp_path, "prod", environ={}, home=tmp_path)


def test_an_unknown_profile_gets_a_suggestion(tmp_path) -> None:
    profiles(tmp_path, "tenants:\n  production:\n    sandbox: {api: public}\n")

    with pytest.raises(SettingsError) as error:
        resolve(tmp_path, "prodction", environ={}, home=tmp_path)

    assert error.value.hint == "did you mean 'production'?"


def test_profiles_in_the_user_config_folder_are_found_too(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    config = tmp_path / "home" / ".config" / "mktctl"
    config.mkdir(parents=True)
    (config / "tenants.yaml").write_text("tenants:\n  public:\n    sandbox: {api: public}\n", encoding="utf-8")

    settings = resolve(tmp_path, "public", environ={}, home=tmp_path / "home")

    assert settings.embedded and settings.sandbox_api == "public"


def test_a_keyring_reference_without_the_keyring_package_explains_how_to_get_it(tmp_path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "keyring", None)
    profiles(tmp_path, "tenants:\n  prod:\n    url: u\n    app_id: a\n    app_secret: ${keyring:mktctl:acme}\n"
                       "    permanent_code: ${keyring:mktctl:acme}\n    open_user_id: o\n")

    with pytest.raises(SecretError, match="keyring package is not installed"):
        resolve(tmp_path, "prod", environ={}, home=tmp_path)


def test_the_rate_limit_of_an_environment_tenant_can_be_set_or_lifted(tmp_path) -> None:
    default = resolve(tmp_path, None, environ=ENV, home=tmp_path)
    custom = resolve(tmp_path, None, environ={**ENV, "MKTCTL_RATE_LIMIT": "50/10"}, home=tmp_path)
    lifted = resolve(tmp_path, None, environ={**ENV, "MKTCTL_RATE_LIMIT": "0"}, home=tmp_path)

    assert (default.rate_limit.calls, default.rate_limit.per_seconds) == (100, 20.0)
    assert (custom.rate_limit.calls, custom.rate_limit.per_seconds) == (50, 10.0)
    assert lifted.rate_limit is None
    with pytest.raises(SettingsError, match="MKTCTL_RATE_LIMIT: 'fast' is not CALLS/SECONDS"):
        resolve(tmp_path, None, environ={**ENV, "MKTCTL_RATE_LIMIT": "fast"}, home=tmp_path)
