"""Exports in the shape of each preset, as messy as real ones: quoted commas, several encodings (UTF-8 with
and without a BOM, UTF-16, GB18030), tags several to a cell (``a;b``, ``a, b``), dates written five ways,
columns nobody mapped. Each person ``i`` has the mobile 1390000xxxx and the email pN@corp.cn."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PLAYBOOK = """\
# A small playbook for migration tests: tags, stages, a scoring model and member tiers.
version: 1
name: 迁移测试
language: zh-CN

# 标签: the groups the old system's tags map onto
tags:
  - name: 客户等级          # VIP and the like
    values: [VIP, 普通]
  - name: 购买阶段
    values: [高意向客户, 意向客户, 成交客户]
    multiple: false

lifecycle_stages:
  - {name: 新客期, object: 客户, order: 1, registered_within_days: 30}
  - {name: 稳定期, object: 客户, order: 2, purchases_min: 3}

scoring_models:
  - name: 线索培育评分
    behaviour_rules:
      - {behaviour: 打开邮件, points: 2, cap: 10}
      - {behaviour: 点击邮件链接, points: 5, cap: 20}
      - {behaviour: 提交表单, points: 10, cap: 30}
    decay: {inactive_days: 90, percent: 50}
    thresholds: [{name: MQL, score: 15}]

member_marketing:
  mini_program: 客脉
  tiers:
    - {name: 普通会员, growth_min: 0}
    - {name: 银卡会员, growth_min: 500}
    - {name: 金卡会员, growth_min: 2000}
"""

DATES = ("05/01/2024 10:30 AM", "2024-05-02", "2024-05-03T02:30:00Z", "2024年5月4日", "1714790400000")

HUBSPOT_HEADERS = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
                   "Company Name", "Job Title", "City", "State/Region", "Country/Region", "Lifecycle Stage",
                   "Lead Status", "HubSpot Score", "Unsubscribed from all email", "Opted out of email: Newsletter",
                   "Contact owner", "Original Source", "Create Date", "Industry Tags", "Favourite Colour"]

MARKETO_HEADERS = ["Id", "First Name", "Last Name", "Email Address", "Mobile Phone Number", "Phone Number",
                   "Company Name", "Job Title", "City", "State", "Lead Score", "Lead Status", "Lead Source",
                   "Unsubscribed", "Unsubscribed Reason", "Marketing Suspended", "Black Listed", "Email Invalid",
                   "Lead Owner Email Address", "Created At", "Acquisition Program", "Preferred Shoe Size"]

MAP = """\
# how this client's HubSpot export maps onto the playbook
preset: hubspot
people:
  columns:
    Industry Tags: tags
values:
  lifecycle_stages: {Customer: 稳定期, Lead: 新客期, Subscriber: 新客期}
  lead_status: {Open: 购买阶段:意向客户, In Progress: 购买阶段:高意向客户}
  tags: {VIP: 客户等级:VIP}
  tiers: {Gold: 金卡会员, Silver: 银卡会员}
default_tag_group: 原系统标签
links:
  https://info.acme.com/: https://acme.fxiaoke.cn/
"""


def mobile(i: int) -> str:
    return f"1390000{i:04d}"


def email(i: int) -> str:
    return f"p{i}@corp.cn"


def hubspot_person(i: int, **values: str) -> dict[str, str]:
    row = {"Record ID": str(100 + i), "First Name": "三", "Last Name": f"张{i}", "Email": email(i),
           "Phone Number": "", "Mobile Phone Number": mobile(i), "Company Name": f"Acme {i}, Inc.",
           "Job Title": "CTO", "City": "上海", "State/Region": "上海", "Country/Region": "China",
           "Lifecycle Stage": "Lead", "Lead Status": "Open", "HubSpot Score": str(i % 50),
           "Unsubscribed from all email": "false", "Opted out of email: Newsletter": "",
           "Contact owner": "owner@acme.com", "Original Source": "Organic Search",
           "Create Date": DATES[i % len(DATES)], "Industry Tags": "VIP; 展会" if i % 2 else "VIP, 老客户",
           "Favourite Colour": "blue"}
    row.update(values)
    return row


def marketo_person(i: int, **values: str) -> dict[str, str]:
    row = {"Id": str(5000 + i), "First Name": "Ada", "Last Name": f"Li{i}", "Email Address": email(i),
           "Mobile Phone Number": mobile(i), "Phone Number": "", "Company Name": f"Beta {i}, Ltd.",
           "Job Title": "经理", "City": "广州", "State": "广东", "Lead Score": str(i * 3), "Lead Status": "Open",
           "Lead Source": "Website", "Unsubscribed": "FALSE", "Unsubscribed Reason": "", "Marketing Suspended": "0",
           "Black Listed": "0", "Email Invalid": "0", "Lead Owner Email Address": "rep@beta.com",
           "Created At": DATES[i % len(DATES)], "Acquisition Program": "Webinar 2024", "Preferred Shoe Size": "42"}
    row.update(values)
    return row


def write_csv(path: Path, headers: list[str], rows: Iterable[dict[str, Any]], *, encoding: str = "utf-8-sig",
              delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def hubspot_folder(folder: Path, people: int = 6, *, encoding: str = "utf-8-sig") -> Path:
    """A HubSpot export: contacts (with an opted-out person, a duplicate, a test row), email events,
    an unsubscribe list, members and content."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [hubspot_person(i) for i in range(1, people + 1)]
    rows[1]["Unsubscribed from all email"] = "true"
    rows[2]["Opted out of email: Newsletter"] = "Yes"
    rows[3]["Lifecycle Stage"] = "Evangelist"
    rows.append(hubspot_person(1, **{"Record ID": "901", "Email": "P1@Corp.cn", "Mobile Phone Number": ""}))
    rows.append(hubspot_person(99, **{"Record ID": "999", "Email": "test@example.com", "Mobile Phone Number":
                                      "13800138000", "Unsubscribed from all email": "true"}))
    write_csv(folder / "hubspot-crm-exports-all-contacts-2024-06-01.csv", HUBSPOT_HEADERS, rows, encoding=encoding)
    events = [{"Record ID": "101", "Event Type": "OPEN", "Created": "2024-06-01T02:00:00Z", "Email Subject": "月刊"},
              {"Record ID": "101", "Event Type": "CLICK", "Created": "2024-06-01T02:05:00Z", "Email Subject": "价格"},
              {"Record ID": "101", "Event Type": "CLICK", "Created": "2024-06-01T02:05:00Z", "Email Subject": "价格"},
              {"Record ID": "103", "Event Type": "FORM_SUBMISSION", "Created": "2024-06-03", "Email Subject": "试用"},
              {"Record ID": "105", "Event Type": "UNSUBSCRIBED", "Created": "2024-06-04", "Email Subject": "月刊"},
              {"Record ID": "777", "Event Type": "OPEN", "Created": "2024-06-05", "Email Subject": "月刊"},
              {"Record ID": "102", "Event Type": "BOUNCE", "Created": "2024-06-05", "Email Subject": "月刊"}]
    write_csv(folder / "email-events.csv", ["Record ID", "Event Type", "Created", "Email Subject"], events)
    write_csv(folder / "unsubscribes.csv", ["Email", "Channel", "Unsubscribed At"],
              [{"Email": "gone@old.cn", "Channel": "email", "Unsubscribed At": "2023-01-01"},
               {"Email": "", "Channel": "sms", "Unsubscribed At": "2023-01-02"}])
    write_xlsx(folder / "members.xlsx", ["会员编号", "原系统ID", "会员等级", "积分"],
               [["M1", "101", "Gold", "1,200"], ["M2", "105", "银卡会员", 30], ["M2", "105", "银卡会员", 30],
                ["M3", "", "Platinum", 5]])
    assets = folder / "assets"
    assets.mkdir(exist_ok=True)
    (assets / "welcome.html").write_text(
        '<p>尊敬的{{ contact.firstname }} {{ contact.lastname }}, {{ contact.company }}</p>'
        '<a href="https://info.acme.com/webinar?utm=1">报名</a> <a href="https://acme.hs-sites.com/old">旧页</a>'
        ' {{ my.event_date }} <a href="{{ unsubscribe_link }}">退订</a>', encoding="utf-8")
    (assets / "whitepaper.pdf").write_bytes(b"%PDF-1.4 whitepaper")
    write_csv(folder / "content.csv", ["内容ID", "类型", "标题", "文件"],
              [{"内容ID": "c1", "类型": "email template", "标题": "欢迎邮件", "文件": "assets/welcome.html"},
               {"内容ID": "c2", "类型": "pdf", "标题": "白皮书", "文件": "assets/whitepaper.pdf"},
               {"内容ID": "c3", "类型": "landing page", "标题": "Webinar LP", "文件": ""},
               {"内容ID": "c4", "类型": "file", "标题": "缺失的文件", "文件": "assets/none.pdf"}])
    (folder / "map.yaml").write_text(MAP, encoding="utf-8")
    return folder
