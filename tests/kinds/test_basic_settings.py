"""basic_settings (guide 2.1.3): what 营销通 needs before use, validated where it is written."""

from __future__ import annotations

from mktctl.kinds.registry import kind
from mktctl.kinds.wording import Words
from tests.kinds.helpers_a import load, problems, write_playbook

POOL = """\
lead_pools:
  - name: 市场线索池
    admins: [M001]
    members: {departments: [销售部]}
"""


def test_domains_addresses_and_the_default_pool_are_checked_at_their_place(tmp_path) -> None:
    write_playbook(tmp_path, POOL, """\
        basic_settings:
          company: {name: 示例科技有限公司, website: www.example.cn}
          plugins: [广告营销, 企业专属域名, 广告营销]
          custom_domain: https://mkt.example.cn/
          lead_storage: {default_pool: 市场线索吃}
          attribution: {model: 最后触点, window_days: 400}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:9:38: error: basic_settings: company.website: 'www.example.cn' is not a web address starting "
        "with https://",
        "mktctl.yaml:10:12: error: basic_settings: plugins: '广告营销' is listed twice",
        "mktctl.yaml:11:18: error: basic_settings: custom_domain: 'https://mkt.example.cn/': give the host name only, "
        "e.g. mkt.example.cn (no https://, no path)",
        "mktctl.yaml:13:24: error: basic_settings: attribution.model: Input should be '首次触点', '末次触点', '线性', "
        "'U型', 'W型' or '时间衰减'",
        "mktctl.yaml:13:43: error: basic_settings: attribution.window_days: Input should be less than or equal to 365",
    ]


def test_an_unknown_default_pool_is_named_with_a_suggestion(tmp_path) -> None:
    write_playbook(tmp_path, POOL, """\
        basic_settings:
          company: {name: 示例科技有限公司}
          lead_storage: {default_pool: 市场线索吃}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:10:32: error: basic_settings 'basic_settings' refers to unknown lead_pools '市场线索吃'; "
        "did you mean '市场线索池'?"]


def test_settings_that_need_a_plug_in_or_a_privacy_statement_are_warned(tmp_path) -> None:
    write_playbook(tmp_path, POOL, """\
        basic_settings:
          company: {name: 示例科技有限公司}
          custom_domain: MKT.Example.cn
          lead_storage: {default_pool: 市场线索池}
        website_forms:
          - name: 官网-联系销售
            page_url: https://www.example.cn/contact
            fields: {手机: mobile}
        """)

    assert problems(tmp_path) == [
        "mktctl.yaml:9:3: warning: forms collect personal data: set privacy.policy_url so every form shows the "
        "privacy statement and a consent checkbox (PIPL)",
        "mktctl.yaml:10:18: warning: custom_domain is set: add 企业专属域名 to plugins to switch it on",
    ]
    assert load(tmp_path).find("basic_settings", "basic_settings").spec.custom_domain == "mkt.example.cn"


def test_the_manual_step_uses_the_platform_labels() -> None:
    target = kind("basic_settings")
    spec = target.model.model_validate(target.example())

    step = target.manual_step("basic_settings", target.settings_state(spec))

    assert step.menu_path == "营销通 > 系统设置 > 基础设置"
    assert ("企业信息 > 企业名称", "示例科技有限公司") in step.values
    assert ("营销插件", "广告营销、企业专属域名、官网对接") in step.values
    assert ("线索存入设置 > 默认线索池", "市场线索池") in step.values
    assert step.verify.endswith("；微页面可以在 https://mkt.example.cn 打开")


def test_in_english_the_manual_step_says_the_platforms_words_in_english_and_the_clients_data_as_written() -> None:
    target = kind("basic_settings")
    spec = target.model.model_validate(target.example())

    step = target.manual_step("basic_settings", target.settings_state(spec), Words(lang="en"))

    assert step.menu_path == "FxiaoKe Marketing > System settings > Basic settings"
    assert ("Company > Name", "示例科技有限公司") in step.values
    assert ("Plug-ins", "Advertising, Company domain, Website integration") in step.values
    assert ("Lead storage > Default pool", "市场线索池") in step.values
    assert step.verify.endswith("; a micro page opens on https://mkt.example.cn")
    assert step.who == "consultant"
