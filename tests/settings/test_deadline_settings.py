"""How long a command waits for a tenant that does not answer: 30 s, or the profile's ``deadline_seconds``, or
``MKTCTL_DEADLINE``, or ``--deadline`` (in that order of strength); anything but a positive number is refused
with the setting's name."""

from __future__ import annotations

import pytest

from mktctl.errors import PlaybookError, SettingsError
from mktctl.tenant.settings import resolve

ENV = {"MKTCTL_TENANT_URL": "https://open.fxiaoke.com", "MKTCTL_APP_ID": "FSAID_1", "MKTCTL_APP_SECRET": "s3cret-v",
       "MKTCTL_PERMANENT_CODE": "PERM-CODE-1", "MKTCTL_OPEN_USER_ID": "FSUID_1"}


def profile(tmp_path, deadline: str) -> None:
    (tmp_path / "mktctl.tenants.yaml").write_text(
        "tenants:\n  prod:\n    url: https://open.fxiaoke.com\n    app_id: FSAID_2\n    app_secret: ${env:S}\n"
        f"    permanent_code: ${{env:P}}\n    open_user_id: FSUID_2\n    deadline_seconds: {deadline}\n"
        "  sandbox-slow:\n    sandbox: {api: public}\n    deadline_seconds: 7\n", encoding="utf-8")


def test_the_default_deadline_is_30_seconds(tmp_path) -> None:
    assert resolve(tmp_path, None, environ={}, home=tmp_path).deadline_s == 30.0
    assert resolve(tmp_path, None, environ=ENV, home=tmp_path).deadline_s == 30.0


def test_a_profile_sets_it_the_environment_overrides_it_and_the_flag_overrides_both(tmp_path) -> None:
    profile(tmp_path, "120")
    secrets = {"S": "secret-s", "P": "secret-p"}

    assert resolve(tmp_path, "prod", environ=secrets, home=tmp_path).deadline_s == 120.0
    assert resolve(tmp_path, "sandbox-slow", environ={}, home=tmp_path).deadline_s == 7.0
    assert resolve(tmp_path, "prod", environ={**secrets, "MKTCTL_DEADLINE": "45"}, home=tmp_path).deadline_s == 45.0
    assert resolve(tmp_path, "prod", environ={**secrets, "MKTCTL_DEADLINE": "45"}, home=tmp_path,
                   deadline=2.5).deadline_s == 2.5
    assert resolve(tmp_path, None, environ={**ENV, "MKTCTL_DEADLINE": "600"}, home=tmp_path).deadline_s == 600.0


@pytest.mark.parametrize("value", ["abc", "0", "-1", "true", "[1]"])
def test_a_profile_deadline_that_is_not_a_positive_number_is_refused(tmp_path, value: str) -> None:
    profile(tmp_path, value)

    with pytest.raises(SettingsError, match=r"tenant 'prod' deadline_seconds: expected a number of seconds greater "
                                            r"than 0"):
        resolve(tmp_path, "prod", environ={"S": "secret-s", "P": "secret-p"}, home=tmp_path)


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_profile_deadline_that_is_not_finite_is_refused_where_it_is_written(tmp_path, value: str) -> None:
    profile(tmp_path, value)

    with pytest.raises(PlaybookError, match=r"mktctl.tenants.yaml:\d+:\d+: '.*' is not a finite number"):
        resolve(tmp_path, "prod", environ={"S": "secret-s", "P": "secret-p"}, home=tmp_path)


@pytest.mark.parametrize("value", ["abc", "0", "-5", "nan", "inf", "1e999"])
def test_an_environment_deadline_that_is_not_a_positive_number_is_refused(tmp_path, value: str) -> None:
    with pytest.raises(SettingsError, match="MKTCTL_DEADLINE: expected a number of seconds greater than 0"):
        resolve(tmp_path, None, environ={**ENV, "MKTCTL_DEADLINE": value}, home=tmp_path)


@pytest.mark.parametrize("value", [0.0, -1.0, float("inf"), float("nan")])
def test_a_flag_deadline_that_is_not_a_positive_number_is_refused(tmp_path, value: float) -> None:
    with pytest.raises(SettingsError, match="--deadline: expected a number of seconds greater than 0"):
        resolve(tmp_path, None, environ={}, home=tmp_path, deadline=value)


def test_the_flag_reaches_every_command(tmp_path, mktctl) -> None:
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 期限\n", encoding="utf-8")

    refused = [mktctl("--deadline", "0", *args) for args in (["plan"], ["leads", "link", "--out", "x"],
                                                             ["tenant", "export", "--out", "x"])]

    for done in refused:
        assert done.code == 1, done.output
        assert "--deadline: expected a number of seconds greater than 0" in done.stderr
