"""End to end, over HTTP: `mktctl apply` against `mktctl sandbox serve` defines a playbook's custom lead fields
and custom object; the served sandbox's describe shows them as the mirrored tenant has them; the playbook's
import and `mktctl leads import` map columns into them, typed."""

from __future__ import annotations

import csv
import json
import shlex
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mktctl.sandbox.store import Corp
from tests.helpers.served import Wire, served_process

pytestmark = [pytest.mark.e2e, pytest.mark.served]

PLAYBOOK = """\
version: 1
name: 自定义数据
lead_fields:
  - api_name: field_a1B2c__c
    label: 展会编号
    type: 单行文本
  - api_name: budget__c
    label: 预算
    type: 数字
  - api_name: field_IT92M__c
    label: 国家
    type: 单选
    options: [英国, 德国, 中国]
    option_values: {英国: IYWea10Fx, 德国: KsekHd2m8, 中国: kaYz89Lwq}
  - api_name: product__c
    label: 意向产品
    type: 多选
    options: [营销通, 销售云]
marketing_objects:
  - name: 渠道伙伴联系人
    api_name: partner_contact__c
    channels: [短信, 邮件]
    phone_field: mobile__c
    email_field: email__c
imports:
  - file: data/展会线索.csv
    columns: {预算金额: budget__c, 展会: 展会编号}
"""
CSV = ("姓名,公司,手机,预算金额,国家,意向产品,展会\n"
       "张三,甲公司,13911110001,\"1,200\",英国,营销通、销售云,EXPO-7\n"
       "李四,乙公司,13911110002,十万,德国,,EXPO-8\n")


@dataclass
class Served:
    folder: Path
    env: dict[str, str]
    wire: Wire


@pytest.fixture
def served(tmp_path: Path, mktctl: Any) -> Iterator[Served]:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "展会线索.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "mktctl.yaml").write_text(PLAYBOOK, encoding="utf-8")
    with served_process(tmp_path / ".mktctl" / "sandbox.db", cwd=tmp_path) as process:
        shown = mktctl("sandbox", "credentials", "--output", "env")
        assert shown.code == 0, shown.output
        env = {}
        for line in shown.stdout.splitlines():  # export NAME=VALUE;
            name, _, value = line.removeprefix("export ").rstrip(";").partition("=")
            env[name] = shlex.split(value)[0]
        creds = json.loads(mktctl("sandbox", "credentials", "--output", "json").stdout)
        corp = Corp(corp_id=creds["corp_id"], ea=creds["ea"], name=creds["corp_name"], app_id=creds["app_id"],
                    app_secret=creds["app_secret"], permanent_code=creds["permanent_code"],
                    admin_open_user_id=creds["open_user_id"])
        wire = Wire(process.url, corp)
        assert env["MKTCTL_TENANT_URL"] == process.url
        yield Served(tmp_path, env, wire)
        wire.close()
        assert process.stop() == 0, process.stderr


def describe(wire: Wire, api_name: str) -> dict[str, Any]:
    answer = wire.call("/cgi/crm/v2/object/describe", {"apiName": api_name})
    assert answer["errorCode"] == 0, answer
    return dict(answer["data"]["describe"]["fields"])


def leads(wire: Wire) -> dict[str, dict[str, Any]]:
    answer = wire.query("LeadsObj")
    return {row["name"]: row for row in answer["data"]["dataList"]}


def test_apply_defines_the_fields_and_object_describe_shows_them_and_imports_map_into_them(
        served: Served, mktctl: Any) -> None:
    applied = mktctl("apply", "--yes", env=served.env)

    assert applied.code == 0, applied.output
    for line in ("+ lead_fields/field_a1B2c__c", "+ lead_fields/field_IT92M__c",
                 "+ marketing_objects/渠道伙伴联系人", "+ imports/data/展会线索.csv"):
        assert line in applied.stderr, line
    fields = describe(served.wire, "LeadsObj")
    assert {k: (fields[k]["label"], fields[k]["type"], fields[k]["define_type"])
            for k in ("field_a1B2c__c", "budget__c", "field_IT92M__c", "product__c")} == {
        "field_a1B2c__c": ("展会编号", "text", "custom"), "budget__c": ("预算", "number", "custom"),
        "field_IT92M__c": ("国家", "select_one", "custom"), "product__c": ("意向产品", "select_many", "custom")}
    assert fields["field_IT92M__c"]["options"] == [{"value": "IYWea10Fx", "label": "英国"},
                                                   {"value": "KsekHd2m8", "label": "德国"},
                                                   {"value": "kaYz89Lwq", "label": "中国"}]
    partner = describe(served.wire, "partner_contact__c")
    assert (partner["mobile__c"]["type"], partner["email__c"]["type"]) == ("phone_number", "email")
    objects = served.wire.call("/cgi/crm/v2/object/list")["data"]["objects"]
    assert {"describeApiName": "partner_contact__c", "defineType": "custom"}.items() <= next(
        o for o in objects if o["describeApiName"] == "partner_contact__c").items()

    imported = leads(served.wire)
    assert set(imported) == {"张三"}, "李四's budget is no number: rejected, not sent"
    zhang = imported["张三"]
    assert (zhang["budget__c"], zhang["field_IT92M__c"], zhang["product__c"], zhang["field_a1B2c__c"]) == (
        1200, "IYWea10Fx", zhang["product__c"], "EXPO-7")
    options = {o["label"]: o["value"] for o in fields["product__c"]["options"]}
    assert zhang["product__c"] == [options["营销通"], options["销售云"]]
    (results,) = (served.folder / ".mktctl" / "imports").glob("展会线索-*/results.csv")  # <stem>-<hash of its path>
    with results.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["source_row", "status", "reason", "duplicate_of", "mobile_e164", "email", "outcome",
                             "record_id", "error"]
    assert [(r["source_row"], r["status"], r["reason"], r["outcome"]) for r in rows] == [
        ("2", "accepted", "", "created"), ("3", "rejected", "invalid_value", "")]

    again = mktctl("plan", "--detailed-exitcode", env=served.env)
    assert again.code == 0, again.output


def test_leads_import_maps_a_column_to_a_custom_field_by_its_label(served: Served, mktctl: Any) -> None:
    assert mktctl("apply", "--yes", env=served.env).code == 0
    (served.folder / "more.csv").write_text("姓名,公司,手机,参展国家,预计预算\n王五,丙公司,13911110003,中国,800\n",
                                            encoding="utf-8")
    (served.folder / "map.yaml").write_text(textwrap.dedent("""\
        columns:
          参展国家: 国家
          预计预算: budget__c
        """), encoding="utf-8")

    done = mktctl("leads", "import", "more.csv", "--out", "out", "--mapping", "map.yaml", env=served.env)

    assert done.code == 0, done.output
    assert "field_IT92M__c (国家)" in done.stdout and "budget__c (预算)" in done.stdout
    wang = leads(served.wire)["王五"]
    assert (wang["field_IT92M__c"], wang["budget__c"]) == ("kaYz89Lwq", 800)
    summary = json.loads((served.folder / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["mapping"]["mapped"]["field_IT92M__c"] == ["参展国家"]
