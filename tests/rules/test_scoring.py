"""Lead scoring: behaviour rules with caps, profile rules re-evaluated on field changes, the floor at 0,
max_score, decay after full days without behaviour (rounded half up, again each further period), grades."""

from __future__ import annotations

import pytest

from mktctl.rules.scoring import decay_drop
from tests.rules.helpers import event, lead, rules_of, run, score, state

MODEL = """\
scoring_models:
  - name: 线索评分
    behaviour_rules:
      - {behaviour: 下载文件, content: 产品白皮书, points: 5, cap: 10}
      - {behaviour: 观看直播, points: 10}
      - {behaviour: 退订, points: -20, cap: 20}
    profile_rules:
      - {field: 企业规模, op: 属于, value: [200-500人, 500人以上], points: 10}
    max_score: 40
    thresholds:
      - {name: MQL, score: 20}
      - {name: 高价值线索, score: 35}
"""


@pytest.fixture
def rules(tmp_path):
    return rules_of(tmp_path, MODEL)


def test_a_matching_behaviour_adds_the_rules_points(rules) -> None:
    world = run(rules, lead("wang", event(0, "10:00", behaviour="下载文件", content="产品白皮书")))

    assert score(world, "wang", 0, "09:59") == 0
    assert score(world, "wang", 0, "10:00") == 5


def test_a_rule_that_names_a_content_ignores_other_content(rules) -> None:
    world = run(rules, lead("wang", event(0, behaviour="下载文件", content="价格表")))

    assert score(world, "wang", 0) == 0


def test_a_rules_total_never_passes_its_cap(rules) -> None:
    downloads = [event(0, f"1{i}:00", behaviour="下载文件", content="产品白皮书") for i in range(3)]
    world = run(rules, lead("wang", *downloads, event(1, behaviour="观看直播")))

    assert score(world, "wang", 0) == 10
    assert score(world, "wang", 1) == 20
    assert state(world, "wang", 1).grades == {"线索评分": "MQL"}


def test_the_score_is_floored_at_zero(rules) -> None:
    world = run(rules, lead("wang", event(0, behaviour="观看直播"), event(1, behaviour="退订", channel="邮件")))

    assert score(world, "wang", 0) == 10
    assert score(world, "wang", 1) == 0


def test_the_score_is_capped_at_max_score(rules) -> None:
    webinars = [event(0, f"1{i}:00", behaviour="观看直播") for i in range(5)]
    world = run(rules, lead("wang", *webinars))

    assert score(world, "wang", 0) == 40
    assert state(world, "wang", 0).grades == {"线索评分": "高价值线索"}


def test_a_profile_rule_adds_its_points_once_while_the_field_matches(rules) -> None:
    world = run(rules, lead("wang", event(2, set={"企业规模": "500人以上"}), event(4, set={"企业规模": "200-500人"}),
                            event(6, set={"企业规模": "50人以下"}), 企业规模="200-500人"))

    assert score(world, "wang", 0) == 10
    assert score(world, "wang", 4) == 10
    assert score(world, "wang", 6) == 0


def test_a_profile_rule_starts_counting_when_a_field_change_makes_it_match(rules) -> None:
    world = run(rules, lead("wang", event(3, set={"企业规模": "500人以上"})))

    assert score(world, "wang", 2) == 0
    assert score(world, "wang", 3) == 10


def test_everything_within_one_minute_is_summed_before_the_floor(rules) -> None:
    world = run(rules, lead("wang", event(0, "10:00", behaviour="退订", channel="短信"),
                            event(0, "10:00", behaviour="观看直播"), event(0, "10:00", behaviour="观看直播")))

    assert score(world, "wang", 0) == 0  # -20 + 10 + 10, not max(0, -20) + 20


@pytest.mark.parametrize(("score", "percent", "drop"), [(25, 50, 13), (24, 50, 12), (10, 25, 3), (30, 20, 6),
                                                        (1, 50, 1), (0, 50, 0)])
def test_a_decay_drops_the_percentage_rounded_half_up(score, percent, drop) -> None:
    assert decay_drop(score, percent) == drop


DECAY = """\
scoring_models:
  - name: 线索评分
    behaviour_rules:
      - {behaviour: 观看直播, points: 25}
      - {behaviour: 浏览文章, points: 1}
    decay: {inactive_days: 10, percent: 50}
"""


def test_the_score_decays_after_full_days_without_behaviour_and_again_each_further_period(tmp_path) -> None:
    rules = rules_of(tmp_path, DECAY)

    world = run(rules, lead("wang", event(0, "10:00", behaviour="观看直播")), days=35)

    assert score(world, "wang", 10, "09:59") == 25
    assert score(world, "wang", 10, "10:00") == 12  # 25 - 13
    assert score(world, "wang", 20, "10:00") == 6
    assert score(world, "wang", 30, "10:00") == 3


def test_any_behaviour_restarts_the_decay_period(tmp_path) -> None:
    rules = rules_of(tmp_path, DECAY)

    world = run(rules, lead("wang", event(0, "10:00", behaviour="观看直播"), event(8, "10:00", behaviour="打开邮件")),
                days=20)

    assert score(world, "wang", 17) == 25
    assert score(world, "wang", 18, "10:00") == 12


def test_the_ledger_explains_a_score_rule_by_rule(rules) -> None:
    from mktctl.rules.scoring import explain

    downloads = [event(0, f"1{i}:00", behaviour="下载文件", content="产品白皮书") for i in range(3)]
    world = run(rules, lead("wang", *downloads, event(1, behaviour="观看直播")))

    assert explain(world.people["wang"].ledger) == "下载文件 产品白皮书 +5 ×3, capped at 10; 观看直播 +10"


def test_only_leads_are_scored(rules) -> None:
    world = run(rules, lead("wang", event(0, behaviour="观看直播"), object="企业微信客户"))

    assert state(world, "wang", 0).scores == {}
    assert world.people["wang"].ledger == []
