"""MQL: the moment the model's score reaches min_score with the required fields filled, an allowed source
and no competitor's e-mail; then the hand_off rule set assigns the lead."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mktctl.rules.model import MQL, OWNER
from tests.rules.helpers import at, event, kinds, lead, rules_of, run, state

PLAYBOOK = """\
scoring_models:
  - name: 线索评分
    behaviour_rules:
      - {behaviour: 观看直播, points: 10}
      - {behaviour: 咨询客服, points: 15}
    decay: {inactive_days: 5, percent: 50}
lead_cleaning:
  competitor_domains: [rival.example.cn]
lead_assignment:
  - name: 新线索分配
    rules:
      - {name: 市场跟进, owners: ["S3"]}
  - name: 销售分配
    rules:
      - {name: 销售, owners: ["S1", "S2"]}
mql_definition:
  stage_label: 市场认可
  min_score: 25
  required_fields: [name, mobile, company, industry]
  sources: [官网, 展会]
  hand_off: 销售分配
"""


@pytest.fixture
def rules(tmp_path):
    return rules_of(tmp_path, PLAYBOOK)


@cache
def playbook_mql():
    return rules_of(Path(tempfile.mkdtemp(prefix="mktctl-mql-")), PLAYBOOK).mql


def qualified(**fields: str):
    return lead("wang", event(1, "10:00", behaviour="观看直播"), event(2, "15:00", behaviour="咨询客服"),
                **{"行业": "制造业", "线索来源": "官网", **fields})


def test_a_lead_qualifies_the_moment_its_score_reaches_min_score(rules) -> None:
    world = run(rules, qualified())

    assert not state(world, "wang", 2, "14:59").mql
    after = state(world, "wang", 2, "15:00")
    assert after.mql and after.mql_at == at(2, "15:00")
    assert after.fields["线索阶段"] == "市场认可"


def test_a_missing_required_field_blocks_the_mql_until_it_is_filled(rules) -> None:
    world = run(rules, lead("wang", event(1, "10:00", behaviour="观看直播"), event(2, "15:00", behaviour="咨询客服"),
                            event(4, "11:00", set={"行业": "零售"}), 线索来源="官网"))

    assert not state(world, "wang", 3).mql
    assert state(world, "wang", 4, "11:00").mql


def test_a_source_that_is_not_allowed_blocks_the_mql(rules) -> None:
    world = run(rules, qualified(线索来源="百度推广"))

    assert not state(world, "wang", 10).mql


def test_an_e_mail_at_a_competitor_blocks_the_mql(rules) -> None:
    world = run(rules, lead("wang", event(0, "10:00", set={"邮箱": "wang@rival.example.cn"}),
                            event(1, "10:00", behaviour="观看直播"), event(2, "15:00", behaviour="咨询客服"),
                            行业="制造业", 线索来源="官网"))

    assert not state(world, "wang", 10).mql


def test_an_mql_stays_an_mql_when_the_score_decays(rules) -> None:
    world = run(rules, qualified(), days=20)

    assert state(world, "wang", 20).scores == {"线索评分": 3}
    assert state(world, "wang", 20).mql
    assert kinds(world, "wang", MQL) == [True]


def test_the_hand_off_rule_set_assigns_the_mql(rules) -> None:
    world = run(rules, qualified())

    owners = [(c.at, c.value, str(c.cause)) for c in world.people["wang"].timeline if c.kind == OWNER]
    assert owners == [(at(0), "S3", "lead_assignment/新线索分配 rule 市场跟进 (轮流分配: turn 1)"),
                      (at(2, "15:00"), "S1", "MQL hand-off: lead_assignment/销售分配 rule 销售 (轮流分配: turn 1)")]


def test_hand_offs_share_the_round_robin_with_other_people_in_time_order(rules) -> None:
    early = lead("li", event(1, "09:00", behaviour="咨询客服"), event(1, "10:00", behaviour="观看直播"), day=0,
                 行业="制造业", 线索来源="展会")

    world = run(rules, qualified(), early)

    assert state(world, "li", 5).owner == "S1"  # qualified on day 1
    assert state(world, "wang", 5).owner == "S2"  # qualified on day 2


@given(st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["王芳", ""]), "mobile": st.sampled_from(["+8613912340001", ""]),
    "company": st.sampled_from(["远航科技", ""]), "industry": st.sampled_from(["制造业", ""]),
    "source": st.sampled_from(["官网", "展会", "百度推广", ""]),
    "email": st.sampled_from(["wang@rival.example.cn", "li@cn.rival.example.cn", "zhao@example.com", "bad@",
                              ""])}))
def test_the_fields_allow_a_person_to_qualify_exactly_when_nothing_but_the_score_fails(fields) -> None:
    mql = playbook_mql()
    view = SimpleNamespace(fields=fields, scores={mql.model: mql.min_score})

    assert mql.fields_allow(fields) == (mql.failing(view) == [])
