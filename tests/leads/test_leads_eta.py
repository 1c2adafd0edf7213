"""The estimate shown before an import into a tenant with a rate limit: its time at the limit (the creates
and the lookups side by side, each interface limited apart), and the days of the daily quota it needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mktctl.errors import SettingsError
from mktctl.leads.eta import ONE_PACK, ImportEta, import_eta, seconds_at_limit
from mktctl.leads.importer import ImportOptions, import_leads
from mktctl.leads.match import lookups_needed
from mktctl.sandbox.app import RateLimit
from mktctl.tenant.settings import RateLimitSetting, resolve
from tests.helpers.served import StartSandbox
from tests.leads.conftest import leads_on, person, write_csv

REAL = RateLimitSetting(calls=100, per_seconds=20.0)


def test_calls_to_one_interface_take_their_windows_after_the_first_allowance() -> None:
    assert seconds_at_limit(100, REAL) == 0.0, "the first window's allowance goes at once"
    assert seconds_at_limit(86_031, REAL) == pytest.approx(85_931 / 5)
    assert seconds_at_limit(0, REAL) == 0.0


def test_the_creates_and_the_lookups_run_side_by_side_so_the_busiest_interface_sets_the_time() -> None:
    eta = import_eta(86_031, 2_234, other_calls=2, limit=REAL, daily_quota=200_000)
    assert eta.seconds == pytest.approx((86_031 - 100) / 5), "17,186 s: about 4 h 46 min, the lookups fit beside"
    assert eta.calls == 88_267
    assert (eta.days, eta.fits_in_a_day, eta.quota_assumed) == (1, True, False)


def test_a_job_past_the_daily_quota_takes_as_many_days_as_it_needs_quotas() -> None:
    eta = import_eta(250_000, 7_500, other_calls=2, limit=REAL, daily_quota=100_000)
    assert (eta.calls, eta.days, eta.fits_in_a_day) == (257_502, 3, False)
    assert eta.writes_per_day == 97_086, "a day's quota writes its share of the rows, with their lookups"


def test_without_a_daily_quota_one_pack_is_assumed() -> None:
    eta = import_eta(150_000, 4_500, limit=REAL)
    assert (eta.daily_quota, eta.quota_assumed, eta.days) == (ONE_PACK, True, 2)


def test_a_job_longer_than_a_day_at_the_limit_takes_more_than_a_day_even_within_its_quota() -> None:
    eta = import_eta(500_000, 15_000, limit=REAL, daily_quota=1_000_000)
    assert eta.fits_in_a_day, "the quota holds every call"
    assert eta.days == 2, "but 500,000 creates at 5 a second take 27.8 h"


def test_lookups_count_a_mobile_in_both_its_spellings_and_one_query_per_100_values() -> None:
    mobiles = [f"+86159{i:08d}" for i in range(150)]  # 300 values: 3 queries
    emails = [f"p{i}@corp.cn" for i in range(150)] + [""] * 10  # 150 values: 2 queries
    assert lookups_needed({"mobile": mobiles, "email": emails}, phone_fields=("mobile",)) == 5


@pytest.mark.parametrize("text", ["0", "-5", "many", "1.5"])
def test_a_daily_quota_is_a_whole_number_of_calls(tmp_path: Path, text: str) -> None:
    environ = {"MKTCTL_TENANT_URL": "https://open.fxiaoke.com", "MKTCTL_APP_ID": "FSAID_1",
               "MKTCTL_APP_SECRET": "s" * 32, "MKTCTL_PERMANENT_CODE": "P" * 32, "MKTCTL_OPEN_USER_ID": "FSUID_1",
               "MKTCTL_DAILY_QUOTA": text}
    with pytest.raises(SettingsError, match="MKTCTL_DAILY_QUOTA: the daily quota must be a whole number of calls"):
        resolve(tmp_path, None, environ=environ)


def test_the_import_gives_its_estimate_before_the_first_write_and_none_without_a_limit(
        tenant: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [person(i) for i in range(1, 31)])
    seen: list[tuple[ImportEta, int]] = []
    import_leads(tenant, path, ImportOptions(), tmp_path / "none", on_estimate=lambda eta: seen.append((eta, 0)))
    assert seen == [], "the embedded sandbox has no rate limit: nothing to estimate"

    import dataclasses

    tenant.settings = dataclasses.replace(tenant.settings, rate_limit=REAL, daily_quota=40)
    path = write_csv(tmp_path / "m.csv", [person(i) for i in range(31, 81)])
    import_leads(tenant, path, ImportOptions(), tmp_path / "limited",
                 on_estimate=lambda eta: seen.append((eta, len(leads_on(tenant)))))
    [(eta, leads_before)] = seen
    assert leads_before == 30, "estimated before any of the 50 rows was written"
    assert (eta.writes, eta.queries, eta.other_calls) == (50, 2, 2)
    assert (eta.days, eta.daily_quota) == (2, 40)


@pytest.mark.e2e
@pytest.mark.served
@pytest.mark.slow
def test_an_import_at_the_tenants_own_limit_says_its_estimate_and_is_never_throttled(
        mktctl: Any, tmp_path: Path, served_sandbox_factory: StartSandbox) -> None:
    """The sandbox enforces 10 calls per 0.5 s per interface and the profile gives the client the same limit:
    the estimate is printed before the import starts, with the days and how to continue when the daily
    quota is too small, and the tenant refuses no call."""
    sandbox = served_sandbox_factory(rate_limit=RateLimit(calls=10, window_s=0.5))
    corp = sandbox.corp
    (tmp_path / "mktctl.tenants.yaml").write_text(
        f"tenants:\n  client:\n    url: {sandbox.url}\n    app_id: {corp.app_id}\n"
        "    app_secret: ${env:CLIENT_APP_SECRET}\n    permanent_code: ${env:CLIENT_PERMANENT_CODE}\n"
        f"    open_user_id: {corp.admin_open_user_id}\n    rate_limit: {{calls: 10, per_seconds: 0.5}}\n"
        "    daily_quota: 25\n", encoding="utf-8")
    write_csv(tmp_path / "l.csv", [person(i) for i in range(1, 41)])

    done = mktctl("--tenant", "client", "leads", "import", "l.csv", "--out", "out",
                  env={"CLIENT_APP_SECRET": corp.app_secret, "CLIENT_PERMANENT_CODE": corp.permanent_code})

    assert done.code == 0, done.stderr
    assert "estimate: at most 40 leads to write and 2 lookups, side by side at 10 calls / 0.5 s per interface: " \
           "under a minute" in done.stderr
    message = " ".join(done.stderr.split())
    assert "44 calls do not fit in the tenant's daily OpenAPI quota of 25 calls a day: the job takes 2 days, " \
           "about 22 leads a day." in message
    assert "run the same command again after 00:00 and it continues where it stopped: the journal " \
           "(out/journal.jsonl) skips what is done" in message
    assert sandbox.app.state.rate_limiter.refused == 0, "no call was throttled"
    with sandbox.store.reading() as db:
        assert db.execute("SELECT COUNT(*) FROM records WHERE api_name = 'LeadsObj'").fetchone()[0] == 40
