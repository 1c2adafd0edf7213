"""The registry lists every kind module by name, in the order of the implementation guide, and refuses a
kind that is misnamed, named twice or depends on a kind that does not exist."""

from __future__ import annotations

import pytest
from pydantic import Field

from mktctl.kinds.base import Kind, Spec
from mktctl.kinds.registry import KINDS, checked, kind

GUIDE_ORDER = [
    "products",  # 1.1
    "departments", "users", "roles", "role_assignments", "basic_settings",  # 2.1
    "lead_pools", "lead_fields", "lead_cleaning", "lead_assignment", "lead_follow_up_sla", "mql_definition",  # 2.2
    "ad_accounts", "wechat_open_platform", "wechat_accounts", "wecom", "website_forms", "sms_channel",  # 2.4
    "email_channel",
    "content_center", "micro_site", "business_cards", "marketing_assistant", "employee_marketing",  # 2.5
    "member_marketing",
    "live_platforms", "event_types", "event_layouts", "page_templates", "event_sop",  # 2.6
    "marketing_objects", "identity_rules", "consent", "tags", "scoring_models", "lifecycle_stages",  # 2.7
    "segments", "nurture_flows",
    "report_packages", "dashboards", "menus", "alerts",  # 2.8
    "imports",  # 2.3, a job: last
]


class Item(Spec):
    name: str = Field(description="名称")


def a_kind(section: str, *, needs: tuple[str, ...] = ()) -> Kind[Item]:
    class Made(Kind[Item]):
        name = section
        title = "测试"
        summary = "a kind made by a test"
        guide = "9.9"
        model = Item
        depends_on = needs

    return Made()


def test_every_kind_is_listed_once_in_the_order_of_the_guide() -> None:
    assert [k.name for k in KINDS] == GUIDE_ORDER
    assert kind("wecom").title == "企业微信"


def test_an_unknown_kind_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        kind("wechat")


@pytest.mark.parametrize(("kinds", "message"), [
    ([a_kind("Lead Pools")], "Made has no valid section name (lower-case words joined by _): 'Lead Pools'"),
    ([a_kind("notes"), a_kind("notes")], "two kinds are named 'notes'"),
    ([a_kind("notes", needs=("tickets",))], "kind 'notes' depends on 'tickets', which is not a kind"),
])
def test_the_registry_refuses_a_misnamed_twice_named_or_dangling_kind(kinds: list[Kind[Item]], message: str) -> None:
    with pytest.raises(RuntimeError) as refused:
        checked(list(kinds))

    assert str(refused.value) == message


def test_a_kind_may_depend_on_one_listed_after_it() -> None:
    later = [a_kind("notes", needs=("tickets",)), a_kind("tickets")]

    assert checked(list(later)) == later
