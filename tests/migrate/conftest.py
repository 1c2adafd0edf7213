"""Fixtures of the migration tests: a small playbook, a HubSpot export folder, the playbook's embedded sandbox,
and a way to run a migration in process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.served import served_sandbox, served_sandbox_factory  # noqa: F401
from tests.migrate.makers import PLAYBOOK, hubspot_folder

NOW = dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def playbook(tmp_path: Path) -> Path:
    folder = tmp_path / "playbook"
    folder.mkdir()
    (folder / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    return folder


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return hubspot_folder(tmp_path / "exports")


@pytest.fixture
def tenant(playbook: Path) -> Iterator[Any]:
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    with open_tenant(resolve(playbook, None, environ={})) as opened:
        yield opened


Migrate = Callable[..., Any]


@pytest.fixture
def migrate(playbook: Path, tmp_path: Path) -> Migrate:
    """Run a migration of ``source`` into ``tmp_path/out`` (or ``out``) against the playbook's sandbox (opened
    for the run only: a dry run opens none)."""
    from mktctl.migrate.run import MigrateOptions
    from mktctl.migrate.run import migrate as run
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    def go(source: Path, *, out: str = "out", tenant_name: str | None = None, **options: Any) -> Any:
        options.setdefault("map_file", source / "map.yaml" if (source / "map.yaml").exists() else None)
        settings = MigrateOptions(source=source, out=tmp_path / out, now=NOW, **options)
        if settings.dry_run:
            return run(playbook, settings, None)
        with open_tenant(resolve(playbook, tenant_name, environ={})) as opened:
            return run(playbook, settings, opened)

    return go


def leads_on(tenant: Any, *fields: str) -> list[dict[str, Any]]:
    return list(tenant.client.crm_iter("LeadsObj", fields=["_id", "name", "mobile", "email", *fields]))


def reachable(tenant: Any, channel: str, addresses: list[str]) -> list[str]:
    answer = tenant.client.call("/mktctl/ext/v1/consent/check", {"data": {"channel": channel,
                                                                           "addresses": addresses}})
    return list(answer["data"]["reachable"])


def rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
