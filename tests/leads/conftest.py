"""Fixtures of the lead tests: small messy files and an embedded sandbox tenant in tmp_path."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.served import served_sandbox, served_sandbox_factory  # noqa: F401 - fixtures

HEADERS = ["姓名", "公司名称", "手机号码", "座机", "邮箱", "省份", "城市", "线索来源", "备注"]


def write_csv(path: Path, rows: list[list[str]], headers: list[str] | None = None, *,
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers or HEADERS)
        writer.writerows(rows)
    return path


def read_results(out: Path) -> list[dict[str, str]]:
    with (out / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def person(i: int, **fields: str) -> list[str]:
    """A valid, unique row number ``i`` (mobile 1590000xxxx, email pN@corp.cn)."""
    row = {"姓名": f"客户{i}", "公司名称": f"公司{i}有限公司", "手机号码": f"1590{i:07d}", "座机": "",
           "邮箱": f"p{i}@corp.cn", "省份": "广东", "城市": "广州", "线索来源": "官网", "备注": ""}
    row.update(fields)
    return [row[h] for h in HEADERS]


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[Any]:
    from mktctl.tenant.connect import open_tenant
    from mktctl.tenant.settings import resolve

    with open_tenant(resolve(tmp_path, None, environ={})) as opened:
        yield opened


def leads_on(tenant: Any) -> list[dict[str, Any]]:
    return list(tenant.client.crm_iter("LeadsObj"))
