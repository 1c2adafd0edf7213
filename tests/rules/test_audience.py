"""Tags re-evaluated after every change, segments at their refresh moments, lifecycle stages every day at
00:00 with within_days windows that end at the moment of evaluation."""

from __future__ import annotations

from tests.rules.helpers import at, event, kinds, lead, rules_of, run, state

TAGS = """\
tags:
  - name: 行业
    values: [制造业, 零售业]
    multiple: false
    rules:
      - {value: 制造业, conditions: [{field: 行业, op: 等于, value: 制造业}]}
      - {value: 零售业, conditions: [{field: 行业, op: 等于, value: 零售业}]}
  - name: 兴趣
    values: [白皮书, 活跃]
    rules:
      - {value: 白皮书, conditions: [{behaviour: 下载文件, content: 产品白皮书}]}
      - {value: 活跃, conditions: [{behaviour: 打开邮件, within_days: 7, times: 2}]}
  - name: 客户群
    values: [制造业白皮书读者]
    rules:
      - value: 制造业白皮书读者
        conditions: [{tag: 行业:制造业}, {tag: 兴趣:白皮书}]
"""


def test_a_tag_rule_sets_its_tag_after_the_event_that_makes_it_hold(tmp_path) -> None:
    rules = rules_of(tmp_path, TAGS)

    world = run(rules, lead("wang", event(1, "10:00", behaviour="下载文件", content="产品白皮书")))

    assert "兴趣:白皮书" not in state(world, "wang", 1, "09:59").tags
    assert "兴趣:白皮书" in state(world, "wang", 1, "10:00").tags


def test_a_field_change_re_evaluates_the_tags_and_a_single_choice_group_keeps_one_value(tmp_path) -> None:
    rules = rules_of(tmp_path, TAGS)

    world = run(rules, lead("wang", event(2, set={"行业": "零售业"}), 行业="制造业"))

    assert "行业:制造业" in state(world, "wang", 1).tags
    assert {t for t in state(world, "wang", 2).tags if t.startswith("行业:")} == {"行业:零售业"}


def test_tag_rules_that_name_other_tags_are_evaluated_until_nothing_changes(tmp_path) -> None:
    rules = rules_of(tmp_path, TAGS)

    world = run(rules, lead("wang", event(1, behaviour="下载文件", content="产品白皮书"),
                            event(3, set={"行业": "零售业"}), 行业="制造业"))

    assert "客户群:制造业白皮书读者" in state(world, "wang", 1).tags
    assert "客户群:制造业白皮书读者" not in state(world, "wang", 3).tags


def test_a_window_counts_events_up_to_the_moment_of_evaluation(tmp_path) -> None:
    rules = rules_of(tmp_path, TAGS)

    world = run(rules, lead("wang", event(0, "10:00", behaviour="打开邮件"), event(7, "09:59", behaviour="打开邮件"),
                            event(7, "10:01", behaviour="打开邮件")))

    assert "兴趣:活跃" in state(world, "wang", 7, "09:59").tags  # day 0 10:00 is inside (day 0 09:59, day 7 09:59]
    assert "兴趣:活跃" in state(world, "wang", 7, "10:01").tags  # 2 in (day 0 10:01, day 7 10:01]


def test_time_passing_alone_does_not_remove_a_tag(tmp_path) -> None:
    rules = rules_of(tmp_path, TAGS)

    world = run(rules, lead("wang", event(0, "10:00", behaviour="打开邮件"), event(1, "10:00", behaviour="打开邮件"),
                            event(9, behaviour="浏览文章")), days=12)

    assert "兴趣:活跃" in state(world, "wang", 8).tags  # no change happened since day 1
    assert "兴趣:活跃" not in state(world, "wang", 9).tags  # the next change re-evaluates it


SEGMENTS = """\
segments:
  - name: 每小时人群
    refresh: 每小时
    conditions: [{behaviour: 下载文件}]
  - name: 每天人群
    refresh: 每天
    conditions: [{behaviour: 下载文件}]
  - name: 手动人群
    refresh: 手动
    conditions: [{behaviour: 下载文件}]
  - name: 近三天下载
    refresh: 每天
    conditions: [{behaviour: 下载文件, within_days: 3}]
  - name: 快照
    type: 静态人群
    conditions: [{behaviour: 下载文件}]
"""


def test_segments_change_only_at_their_refresh_moments(tmp_path) -> None:
    rules = rules_of(tmp_path, SEGMENTS)

    world = run(rules, lead("wang", event(1, "10:20", behaviour="下载文件")), refreshes=((at(2, "15:00"), "手动人群"),))

    assert state(world, "wang", 1, "10:59").segments == set()
    assert state(world, "wang", 1, "11:00").segments == {"每小时人群"}
    assert state(world, "wang", 2, "00:00").segments == {"每小时人群", "每天人群", "近三天下载"}
    assert "手动人群" not in state(world, "wang", 2, "14:59").segments
    assert "手动人群" in state(world, "wang", 2, "15:00").segments


def test_a_windowed_segment_is_left_at_the_first_refresh_after_the_window(tmp_path) -> None:
    rules = rules_of(tmp_path, SEGMENTS)

    world = run(rules, lead("wang", event(1, "10:20", behaviour="下载文件")))

    assert "近三天下载" in state(world, "wang", 4, "00:00").segments
    assert "近三天下载" not in state(world, "wang", 5, "00:00").segments
    assert "每天人群" in state(world, "wang", 5).segments


def test_a_static_segment_is_a_snapshot_taken_when_the_test_asks(tmp_path) -> None:
    rules = rules_of(tmp_path, SEGMENTS)

    world = run(rules, lead("early", event(0, behaviour="下载文件")), lead("late", event(3, behaviour="下载文件")),
                refreshes=((at(1), "快照"), (at(4), "快照")))

    assert "快照" in state(world, "early", 5).segments
    assert "快照" not in state(world, "late", 5).segments  # the snapshot was taken on day 1; later ones do nothing


STAGES = """\
lifecycle_stages:
  - {name: 新客期, order: 1, registered_within_days: 3, purchases_max: 0, tag: 阶段:新客}
  - {name: 成长期, order: 2, purchases_min: 1, purchases_max: 2}
  - {name: 活跃期, order: 3, interaction: 中}
  - {name: 沉睡期, order: 4, inactive_days: 5}
tags:
  - {name: 阶段, values: [新客]}
"""


def test_the_stage_is_evaluated_at_00_00_and_is_the_lowest_order_that_holds(tmp_path) -> None:
    rules = rules_of(tmp_path, STAGES)

    world = run(rules, lead("wang", event(2, "10:00", converted="订单")))

    assert state(world, "wang", 0).stage is None
    assert state(world, "wang", 1, "00:00").stage == "新客期"
    assert state(world, "wang", 2).stage == "新客期"  # the purchase counts at the next 00:00
    assert state(world, "wang", 3, "00:00").stage == "成长期"
    assert "阶段:新客" in state(world, "wang", 3).tags  # entering 新客期 tagged the person


def test_interaction_and_inactivity_are_measured_at_the_evaluation(tmp_path) -> None:
    rules = rules_of(tmp_path, STAGES)
    opens = [event(5, f"1{i}:00", behaviour="打开邮件") for i in range(3)]

    world = run(rules, lead("wang", *opens), days=36)

    assert state(world, "wang", 4).stage == "新客期"  # 3 full days after creation
    assert state(world, "wang", 5).stage is None  # not new, no purchase, no interaction, not yet 5 days idle
    assert state(world, "wang", 6).stage == "活跃期"  # 3 behaviours in the last 30 days: 中
    assert state(world, "wang", 35).stage == "活跃期"  # 活跃期 comes before 沉睡期 (order 3 < 4)
    assert state(world, "wang", 36).stage == "沉睡期"  # the behaviours left the 30-day window
    assert kinds(world, "wang", "stage") == ["新客期", None, "活跃期", "沉睡期"]


WECOM = """\
tags:
  - {name: 用户来源, values: [企业微信, 门店, 公众号]}
  - {name: 私域活跃度, values: [活跃, 沉默], multiple: false}
wecom:
  corp_name: 示例科技
  new_contact_tags: [私域活跃度:活跃]
  live_codes:
    - {name: 门店引流, staff: ["S1"], tags: [用户来源:门店]}
"""


def test_seed_004_a_new_wecom_contact_is_tagged_by_the_connection_and_its_live_code(tmp_path) -> None:
    rules = rules_of(tmp_path, WECOM)

    world = run(rules, lead("fan", event(0, behaviour="添加企业微信", content="门店引流"), object="企业微信客户",
                            公司名称=None),
                lead("other", event(1, behaviour="添加企业微信"), object="企业微信客户", 公司名称=None))

    assert state(world, "fan", 0).tags == {"私域活跃度:活跃", "用户来源:门店"}
    assert state(world, "other", 1).tags == {"私域活跃度:活跃"}
