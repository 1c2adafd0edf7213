"""How a manual step says values to the client's admin (mktctl.kinds.wording.Words): as the platform shows
them, in the playbook's language, with the punctuation of that language."""

from __future__ import annotations

from mktctl.base.language import Phrase, resolve_lang
from mktctl.kinds.registry import kind
from mktctl.kinds.wording import Words
from tests.kinds.helpers_a import load, write_playbook

CLEANING = """\
lead_fields:
  - {api_name: product_interest__c, label: 意向产品, type: 多选, options: [营销通, 销售云]}
lead_cleaning:
  required_fields: [name, mobile, product_interest__c]
  duplicate_rules:
    - {match: [mobile, email], action: 合并到已有线索}
lead_pools:
  - {name: 市场线索池, admins: [M001, S001], members: {departments: [全公司]}}
"""


def step(playbook, name: str, lang: str):
    resource = playbook.of(name)[0]
    state = resource.kind.settings_state(resource.spec)
    return resource.kind.manual_step(resource.key, state, Words.of(playbook, lang).about(resource))


def test_fields_are_shown_by_their_labels_and_employees_by_name_with_their_number(tmp_path) -> None:
    write_playbook(tmp_path, CLEANING)
    playbook = load(tmp_path)

    chinese = dict(step(playbook, "lead_cleaning", "zh-CN").values)
    pools = dict(step(playbook, "lead_pools", "zh-CN").values)

    assert chinese["必填字段"] == "姓名、手机、意向产品"
    assert chinese["查重规则[1] > 查重字段"] == "手机、邮箱"
    assert pools["线索池管理员"] == "王芳（M001）、张伟（S001）"
    assert pools["线索池成员 > 部门"] == "全公司"


def test_in_english_the_platforms_words_are_english_and_the_clients_data_is_as_written(tmp_path) -> None:
    write_playbook(tmp_path, CLEANING)
    playbook = load(tmp_path)

    english = step(playbook, "lead_cleaning", "en")
    pools = step(playbook, "lead_pools", "en")

    assert dict(english.values)["Required fields"] == "Name, Mobile, 意向产品"
    assert dict(english.values)["Duplicate rules[1] > Action"] == "Merge into the existing lead"
    assert english.menu_path == "FxiaoKe Marketing > System settings > Lead settings > Lead cleaning rules"
    assert dict(pools.values)["Admins"] == "王芳 (M001), 张伟 (S001)"
    assert dict(pools.values)["Members > Departments"] == "Whole company"
    assert pools.menu_path == "Admin console > Lead pool management > 市场线索池 > Edit"
    assert pools.verify.startswith("open lead pool '市场线索池': ")


def test_without_a_playbook_an_employee_is_shown_by_the_number_and_other_values_as_written() -> None:
    pools = kind("lead_pools")

    shown = pools.manual_step("市场线索池", {"admins": ["M001"], "claim_limit": 50, "visible_to_members": True})

    assert shown.values == [("线索池管理员", "M001"), ("领取上限", "50"), ("成员可见", "是")]
    assert shown.who == "客户CRM管理员"


def test_a_phrase_is_said_in_the_language_asked_for_with_its_punctuation() -> None:
    phrase = Phrase("打开角色{role}：核对权限", "open role {role}: check the permissions")

    assert Words().say(phrase, role=Words().quote("市场经理")) == "打开角色“市场经理”：核对权限"
    assert Words(lang="en").say(phrase, role=Words(lang="en").quote("市场经理")) == \
        "open role '市场经理': check the permissions"
    assert Words().join(["姓名", "手机"]) == "姓名、手机" and Words(lang="en").join(["a", "b"]) == "a, b"
    assert resolve_lang("English") == "en" and resolve_lang(None, "zh-CN") == "zh-CN"
