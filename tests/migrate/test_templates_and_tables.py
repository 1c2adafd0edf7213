"""Email templates made the platform's own, and old values translated onto the playbook's, with what could not
be translated counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from mktctl.errors import PlaybookError
from mktctl.migrate.mapfile import load_map
from mktctl.migrate.tables import Translator, Vocabulary, check_against_playbook
from mktctl.migrate.templates import rewrite
from mktctl.rules.personalise import unknown_variables

VOCAB = Vocabulary(tag_groups={"客户等级": ("VIP", "普通")}, stages=("新客期", "稳定期"), tiers=("金卡会员",),
                   behaviours=("打开邮件", "提交表单"))


def test_hubspot_and_marketo_tokens_become_the_platforms_variables() -> None:
    html = ("<p>Hi {{ contact.firstname }} {{contact.lastname}} of {{ contact.company|default('your team') }}</p>"
            "<p>{{lead.First Name:default=客户}}, {{company.Company Name}}, {{lead.Job Title}}, {{lead.City}}</p>"
            "<a href='{{ unsubscribe_link }}'>x</a> {{system.unsubscribeLink}} {{ site_settings.company_name }}")

    result = rewrite(html, links={}, hosts=())

    assert result.text == ("<p>Hi {客户姓名} of {公司名称}</p><p>{客户姓名}, {公司名称}, {职位}, {城市}</p>"
                           "<a href='{退订链接}'>x</a> {退订链接} {企业名称}")
    assert unknown_variables(result.text) == []
    assert result.unknown_variables == []


def test_tokens_without_a_counterpart_stay_and_are_listed() -> None:
    result = rewrite("{{ my.webinar_date }} {{ contact.favourite_colour }} {{ my.webinar_date }}", links={}, hosts=())

    assert result.text == "{{ my.webinar_date }} {{ contact.favourite_colour }} {{ my.webinar_date }}"
    assert result.unknown_variables == ["{{ my.webinar_date }}", "{{ contact.favourite_colour }}"]


def test_links_to_old_pages_take_the_new_landing_page_and_unmapped_ones_are_listed() -> None:
    html = ('<a href="https://info.acme.com/webinar/2024?utm_source=mail">a</a>'
            '<a href="https://info.acme.com/">b</a><img src="https://cdn2.hubspot.net/logo.png">'
            '<a href="https://www.acme.com/about">c</a>')

    result = rewrite(html, links={"https://info.acme.com/": "https://acme.fxiaoke.cn/",
                                  "https://info.acme.com/webinar/": "https://acme.fxiaoke.cn/live/"},
                     hosts=("hubspot.net",))

    assert result.text == ('<a href="https://acme.fxiaoke.cn/live/2024?utm_source=mail">a</a>'
                           '<a href="https://acme.fxiaoke.cn/">b</a><img src="https://cdn2.hubspot.net/logo.png">'
                           '<a href="https://www.acme.com/about">c</a>')
    assert result.unmapped_links == ["https://cdn2.hubspot.net/logo.png"]


def _mapping(tmp_path: Path, values: str, extra: str = "") -> object:
    path = tmp_path / "map.yaml"
    path.write_text(f"values:\n{values}{extra}", encoding="utf-8")
    return load_map(path)


def test_table_entries_the_playbook_does_not_have_are_errors_at_their_position(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "  lifecycle_stages: {Customer: 稳定}\n  tiers: {Gold: 白金}\n"
                                 "  behaviours: {Webinar: 看直播}\n  tags: {VIP: VIP}\n")

    with pytest.raises(PlaybookError) as error:
        check_against_playbook(mapping, VOCAB)  # type: ignore[arg-type]

    path = tmp_path / "map.yaml"
    assert [str(p) for p in error.value.problems] == [
        f"{path}:2:32: values.lifecycle_stages.Customer: '稳定' is not a lifecycle stage of the playbook "
        "(did you mean '稳定期'?)",
        f"{path}:3:17: values.tiers.Gold: '白金' is not a member tier of the playbook (known: 金卡会员)",
        f"{path}:4:25: values.behaviours.Webinar: '看直播' is not a behaviour of the platform "
        "(known: 打开邮件, 提交表单)",
        f"{path}:5:15: values.tags.VIP: write the tag as 组:值 (e.g. 客户等级:VIP), not 'VIP'",
    ]


def test_old_values_are_translated_and_the_rest_counted(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "  lifecycle_stages: {customer: 稳定期}\n  tags: {Gold Customer: 客户等级:VIP}\n",
                       "default_tag_group: 原系统标签\n")
    translate = Translator(mapping, VOCAB)  # type: ignore[arg-type]

    assert [translate.stage(v) for v in ("Customer", "新客期", "Evangelist", "evangelist")] == \
        ["稳定期", "新客期", None, None]
    assert [translate.tag(v) for v in ("gold customer", "客户等级:普通", "展会", "a:b")] == \
        ["客户等级:VIP", "客户等级:普通", "原系统标签:展会", "原系统标签:a-b"]
    assert translate.tag("Open", "lead_status") is None
    assert translate.describe_unmapped() == {"lead_status": {"Open": 1},
                                             "lifecycle_stages": {"Evangelist": 1, "evangelist": 1}}
    assert translate.describe_missing() == {"原系统标签": {"展会": 1, "a-b": 1}}
