"""Assignment at creation: the pool's rule set (or the default one), the first matching rule, regions by
province or city (上海 = 上海市), round robin per rule in creation order, the lightest load, seeded random."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mktctl.rules.assignment import Assigner, AssignmentRule, LeadFacts, RuleSet
from tests.rules.helpers import event, lead, rules_of, run, state

POOLS = """\
lead_pools:
  - {name: 市场线索池, admins: ["M1"], members: {users: ["S1", "S2", "S3"]}}
  - {name: 展会线索池, admins: ["M1"], members: {users: ["S1", "S2", "S3"]}}
  - {name: 公共线索池, admins: ["M1"], members: {users: ["S1", "S2", "S3"]}}
"""


def test_regions_match_the_province_or_the_city_in_any_spelling(tmp_path) -> None:
    rules = rules_of(tmp_path, POOLS, """\
        lead_assignment:
          - name: 分配
            rules:
              - {name: 上海, when: {regions: [上海]}, owners: ["S1"]}
              - {name: 苏州, when: {regions: [苏州]}, owners: ["S2"]}
              - {name: 其他, pool: 公共线索池}
        """)

    world = run(rules, lead("a", 省份="上海市"), lead("b", 城市="上海"), lead("c", 省份="江苏", 城市="苏州市"),
                lead("d", 省份="江苏省", 城市="南京"), lead("e"))

    assert [state(world, p, 0).owner for p in "abcde"] == ["S1", "S1", "S2", None, None]
    assert state(world, "d", 0).pool == "公共线索池"


def test_the_first_matching_rule_wins(tmp_path) -> None:
    rules = rules_of(tmp_path, """\
        lead_assignment:
          - name: 分配
            rules:
              - {name: 制造业, when: {industries: [制造业]}, owners: ["S1"]}
              - {name: 展会, when: {sources: [展会]}, owners: ["S2"]}
              - {name: 其他, owners: ["S3"]}
        """)

    world = run(rules, lead("a", 行业="制造业", 线索来源="展会"), lead("b", 线索来源="展会"), lead("c"))

    assert [state(world, p, 0).owner for p in "abc"] == ["S1", "S2", "S3"]


def test_the_lead_pools_own_rule_set_comes_before_the_default_one(tmp_path) -> None:
    rules = rules_of(tmp_path, POOLS, """\
        basic_settings:
          company: {name: 示例科技有限公司}
          lead_storage: {default_pool: 市场线索池}
        lead_assignment:
          - name: 默认分配
            rules: [{name: 全部, owners: ["S1"]}]
          - name: 展会分配
            pool: 展会线索池
            rules: [{name: 全部, owners: ["S2"]}]
        """)

    world = run(rules, lead("a"), lead("b", pool="展会线索池"))

    assert state(world, "a", 0).owner == "S1" and state(world, "a", 0).pool == "市场线索池"
    assert state(world, "b", 0).owner == "S2" and state(world, "b", 0).pool == "展会线索池"


def test_round_robin_takes_the_owners_in_their_order_per_rule_across_people_in_creation_order(tmp_path) -> None:
    rules = rules_of(tmp_path, """\
        lead_assignment:
          - name: 分配
            rules:
              - {name: 上海, when: {regions: [上海]}, owners: ["S1", "S2", "S3"]}
              - {name: 其他, owners: ["S3", "S2"]}
        """)

    people = [lead("p4", day=3, 省份="上海"), lead("p1", 省份="上海"), lead("o1", day=1),
              lead("p2", day=1, 省份="上海"), lead("p3", day=2, 省份="上海"), lead("o2", day=2)]
    world = run(rules, *people)

    assert [state(world, p, 3).owner for p in ("p1", "p2", "p3", "p4")] == ["S1", "S2", "S3", "S1"]
    assert [state(world, p, 3).owner for p in ("o1", "o2")] == ["S3", "S2"]


def test_load_goes_to_the_owner_with_the_fewest_leads_so_far_ties_in_list_order(tmp_path) -> None:
    rules = rules_of(tmp_path, """\
        lead_assignment:
          - name: 分配
            rules:
              - {name: 指定, when: {sources: [展会]}, owners: ["S2"]}
              - {name: 负载, owners: ["S1", "S2", "S3"], method: 按负载分配}
        """)

    world = run(rules, lead("x", 线索来源="展会"), lead("a", day=1), lead("b", day=2), lead("c", day=3),
                lead("d", day=4))

    assert [state(world, p, 4).owner for p in "abcd"] == ["S1", "S3", "S1", "S2"]


def test_random_assignment_is_seeded_and_reproducible(tmp_path) -> None:
    rules = rules_of(tmp_path, """\
        lead_assignment:
          - name: 分配
            rules: [{name: 随机, owners: ["S1", "S2", "S3"], method: 随机分配}]
        """)
    people = [lead(f"p{i}", day=i % 5) for i in range(12)]

    def owners(seed: int) -> list[str | None]:
        world = run(rules, *people, seed=seed)
        return [state(world, p.id, 5).owner for p in people]

    assert owners(7) == owners(7)
    assert set(owners(7)) <= {"S1", "S2", "S3"}
    assert owners(7) != owners(8)


def test_a_score_condition_looks_at_the_score_at_creation(tmp_path) -> None:
    rules = rules_of(tmp_path, """\
        scoring_models:
          - name: 评分
            behaviour_rules: [{behaviour: 观看直播, points: 30}]
        lead_assignment:
          - name: 分配
            rules:
              - {name: 高分, when: {min_score: 30}, owners: ["S1"]}
              - {name: 其他, owners: ["S2"]}
        """)

    world = run(rules, lead("early", event(0, "08:00", behaviour="观看直播"), day=0, time="10:00"),
                lead("later", event(0, "11:00", behaviour="观看直播"), day=0, time="10:00"))

    assert state(world, "early", 0).owner == "S1"  # its behaviour before creation counts
    assert state(world, "later", 0).owner == "S2"


def test_a_lead_no_rule_matches_keeps_no_owner_and_says_why(tmp_path) -> None:
    rules = rules_of(tmp_path, """\
        lead_assignment:
          - name: 分配
            rules: [{name: 华东, when: {regions: [浙江]}, owners: ["S1"]}]
        """)

    world = run(rules, lead("a", 省份="广东"))

    assert state(world, "a", 0).owner is None
    (change,) = [c for c in world.people["a"].timeline if c.kind == "owner"]
    assert str(change.cause) == "lead_assignment/分配: no rule matched (华东: region 广东省/- not in 浙江省)"


def test_the_assigner_keeps_the_state_a_batch_runner_drives() -> None:
    rule = AssignmentRule("集", "轮流", frozenset(), (), (), None, None, ("S1", "S2"), "轮流分配", None)
    rule_set = RuleSet("集", None, (rule,), True, ("纷享消息",))
    assigner = Assigner(seed=1)

    picks = [assigner.assign(rule_set, LeadFacts()).owner for _ in range(3)]

    assert picks == ["S1", "S2", "S1"]
    assert assigner.counters == {("集", "轮流"): 3} and assigner.loads == {"S1": 2, "S2": 1}


_PLACES = st.sampled_from(["", "上海市", "浙江省", "杭州市", "广东省"])
_WORDS = st.sampled_from(["", "制造业", "零售业", "官网", "展会"])


@given(lead=st.builds(LeadFacts, _PLACES, _PLACES, _WORDS, _WORDS, st.integers(0, 60)),
       regions=st.frozensets(_PLACES.filter(bool), max_size=2), industries=st.lists(_WORDS.filter(bool), max_size=2),
       sources=st.lists(_WORDS.filter(bool), max_size=2), least=st.none() | st.integers(0, 60),
       below=st.none() | st.integers(0, 60))
def test_a_rule_matches_exactly_when_it_gives_no_reason_to_fail(lead, regions, industries, sources, least,
                                                              below) -> None:
    rule = AssignmentRule("集", "规则", regions, tuple(industries), tuple(sources), least, below, ("S1",), "轮流分配",
                          None)

    assert rule.matches(lead) == (rule.failing(lead) is None)
