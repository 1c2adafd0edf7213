"""Follow-up reminders: after idle_days or idle_hours without a follow-up, repeated every
repeat_every_days; 收回线索池 at the first reminder; the pools' own recycling; the MQL acceptance time."""

from __future__ import annotations

from mktctl.rules.model import REMINDER
from tests.rules.helpers import at, event, lead, rules_of, run, state

BASE = """\
lead_pools:
  - {name: 市场线索池, admins: ["M1"], members: {users: ["S1"]}}
  - {name: 回收池, admins: ["M1"], members: {users: ["S1"]}, recycle_to: 公共线索池}
  - {name: 公共线索池, admins: ["M1"], members: {users: ["S1"]}}
basic_settings:
  company: {name: 示例科技有限公司}
  lead_storage: {default_pool: 市场线索池}
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1"]}]
"""


def reminders(world, person="wang"):
    return [(r.sla, r.number, r.at, r.remind) for r in
            (c.value for c in world.people[person].timeline if c.kind == REMINDER)]


def test_an_idle_lead_gets_a_reminder_repeated_while_it_stays_idle(tmp_path) -> None:
    rules = rules_of(tmp_path, BASE, """\
        lead_follow_up_sla:
          - {name: 三天未跟进, idle_days: 3, remind: [负责人, 负责人上级, 线索池管理员], repeat_every_days: 2}
        """)

    world = run(rules, lead("wang"), days=8)

    assert reminders(world) == [("三天未跟进", 1, at(3), ("S1", "M1")), ("三天未跟进", 2, at(5), ("S1", "M1")),
                                ("三天未跟进", 3, at(7), ("S1", "M1"))]


def test_a_follow_up_starts_a_new_idle_stretch(tmp_path) -> None:
    rules = rules_of(tmp_path, BASE, """\
        lead_follow_up_sla:
          - {name: 24小时跟进, idle_hours: 24}
        """)

    world = run(rules, lead("wang", event(0, "20:00", follow_up=True)), days=3)

    assert reminders(world) == [("24小时跟进", 1, at(1, "20:00"), ("S1",))]
    assert state(world, "wang", 1).fields["线索状态"] == "已处理"


def test_recycling_returns_the_lead_to_its_pool_at_the_first_reminder(tmp_path) -> None:
    rules = rules_of(tmp_path, BASE, """\
        lead_follow_up_sla:
          - {name: 七天收回, idle_days: 7, then: 收回线索池, repeat_every_days: 1}
        """)

    world = run(rules, lead("wang"), lead("li", pool="回收池"), days=12)

    assert state(world, "wang", 6).owner == "S1"
    assert state(world, "wang", 7).owner is None and state(world, "wang", 7).pool == "市场线索池"
    assert reminders(world) == [("七天收回", 1, at(7), ("S1",))]  # no owner, no more reminders
    assert state(world, "li", 7).pool == "公共线索池"  # the pool's recycle_to


def test_a_converted_lead_gets_no_lead_reminder_but_an_opportunity_gets_its_own(tmp_path) -> None:
    rules = rules_of(tmp_path, BASE, """\
        lead_follow_up_sla:
          - {name: 线索三天, idle_days: 3}
          - {name: 商机五天, object: 商机, idle_days: 5}
        """)

    world = run(rules, lead("wang", event(1, converted="商机"), event(4, follow_up=True)), days=12)

    assert reminders(world) == [("商机五天", 1, at(9), ("S1",))]


def test_a_pools_recycle_after_hours_takes_back_a_lead_not_followed_up(tmp_path) -> None:
    rules = rules_of(tmp_path, BASE.replace("{name: 市场线索池, admins", "{name: 市场线索池, recycle_after_hours: 48, "
                                                                       "admins"))

    world = run(rules, lead("wang"), lead("li", event(1, follow_up=True)), days=4)

    assert state(world, "wang", 1, "09:00").owner == "S1"
    assert state(world, "wang", 2, "09:00").owner is None
    assert state(world, "li", 4).owner == "S1"


def test_an_mql_not_accepted_in_time_reminds_its_owner(tmp_path) -> None:
    rules = rules_of(tmp_path, BASE, """\
        scoring_models:
          - name: 评分
            behaviour_rules: [{behaviour: 咨询客服, points: 50}]
        mql_definition: {min_score: 50, hand_off: 分配, sales_accept_hours: 8}
        """)

    world = run(rules, lead("wang", event(1, "10:00", behaviour="咨询客服")),
                lead("li", event(1, "10:00", behaviour="咨询客服"), event(1, "17:00", follow_up=True)))

    assert reminders(world) == [("MQL受理", 1, at(1, "18:00"), ("S1",))]
    assert reminders(world, "li") == []
