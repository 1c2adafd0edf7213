"""Score thresholds nobody can reach under the scoring model's maximum (grades, the MQL's min_score,
assignment rules, conditions of tag rules, segments and branches), and MQL thresholds that disagree: the
MQL definition, the scoring model's grade of the same name and the hand-off rules: errors at the value,
naming where the other threshold is (a threshold nobody reaches is a lint warning)."""

from __future__ import annotations

from tests.kinds.helpers_b import problems, write

# 10 + 15 = 25 at most, and 30 with the profile rule
SCORING = """\
scoring_models:
  - name: 评分
    behaviour_rules:
      - {behaviour: 观看直播, points: 10, cap: 10}
      - {behaviour: 咨询客服, points: 15, cap: 15}
    profile_rules:
      - {field: 行业, op: 等于, value: 制造业, points: 5}
    thresholds:
      - {name: MQL, score: 20}
"""
ORG = """\
users:
  - {employee_number: S001, name: 张伟, mobile: "13800000004"}
  - {employee_number: S002, name: 李娜, mobile: "13800000005"}
"""


def assignment(*rules: str) -> str:
    return "lead_assignment:\n  - name: 转交\n    rules:\n" + "".join(f"      - {rule}\n" for rule in rules)


def test_an_mql_score_nobody_reaches_is_a_lint(tmp_path) -> None:
    write(tmp_path, SCORING.replace("score: 20", "score: 20}\n      - {name: 高分, score: 45"),
          "mql_definition: {min_score: 45, stage_label: 高分}\n")

    assert problems(tmp_path) == [
        "mktctl.yaml:12:27: warning: threshold '高分' (45 points) can never be reached: nobody can score more than "
        "30 (caps of the behaviour rules 25 + profile rules 5)",
        "mktctl.yaml:13:29: warning: no lead can ever qualify as 高分: nobody scores more than 30 in '评分' (caps of "
        "the behaviour rules 25 + profile rules 5)",
    ]


def test_the_mql_definition_and_the_models_mql_grade_must_agree(tmp_path) -> None:
    write(tmp_path / "apart", SCORING, "mql_definition: {min_score: 25}\n")
    write(tmp_path / "together", SCORING, "mql_definition: {min_score: 20}\n")
    write(tmp_path / "another-label", SCORING, "mql_definition: {min_score: 25, stage_label: 市场认可线索}\n")

    assert problems(tmp_path / "apart") == [
        "mktctl.yaml:12:29: error: two MQL thresholds disagree: leads qualify as MQL at 25 points here, but "
        "scoring model '评分' grades MQL from 20 (mktctl.yaml:11:28); make them the same"]
    assert problems(tmp_path / "together") == []
    assert problems(tmp_path / "another-label") == []


def test_a_hand_off_rule_asking_more_than_the_mql_score_disagrees_with_it(tmp_path) -> None:
    write(tmp_path, ORG, SCORING, "mql_definition: {min_score: 20, hand_off: 转交}\n", assignment(
        "{name: 高分, when: {min_score: 25}, owners: [S001]}",
        "{name: 低分, when: {max_score: 20}, owners: [S002]}",
        "{name: 同分, when: {min_score: 20}, owners: [S001]}",
        "{name: 其他, owners: [S002]}"))

    assert problems(tmp_path) == [
        "mktctl.yaml:19:38: error: two MQL thresholds disagree: rule '高分' of the hand-off rule set needs 25 "
        "points, but leads are handed off the moment they reach 20 (mktctl.yaml:15:29): it only matches a lead that "
        "jumps past 25 at once",
        "mktctl.yaml:20:38: error: rule '低分' of the hand-off rule set never matches a lead handed off as MQL: it "
        "takes scores below 20, and such a lead has at least 20 (mktctl.yaml:15:29)",
    ]


def test_an_assignment_rule_on_a_score_nobody_reaches_never_matches(tmp_path) -> None:
    write(tmp_path, ORG, SCORING, assignment("{name: 高分, when: {min_score: 31}, owners: [S001]}",
                                             "{name: 其他, owners: [S002]}"))

    assert problems(tmp_path) == [
        "mktctl.yaml:18:38: warning: rule '高分' can never match: nobody scores more than 30 in '评分' (caps of the "
        "behaviour rules 25 + profile rules 5)"]


def test_conditions_on_a_score_nobody_reaches_are_lints_in_tag_rules_and_branches(tmp_path) -> None:
    write(tmp_path, SCORING, """\
tags:
  - name: 意向
    values: [高]
    rules: [{value: 高, conditions: [{scoring_model: 评分, min_score: 50}]}]
nurture_flows:
  - name: 跟进
    trigger: {type: 定时, schedule: 每天 09:00}
    steps:
      - id: 高分吗
        type: 条件分支
        condition: {scoring_model: 评分, min_score: 60}
        then: 通知
      - {id: 通知, type: 通知销售}
""")

    assert problems(tmp_path) == [
        "mktctl.yaml:15:68: warning: the condition can never hold: nobody scores more than 30 in '评分' (caps of the "
        "behaviour rules 25 + profile rules 5)",
        "mktctl.yaml:22:51: warning: step '高分吗' never goes to '通知': nobody scores more than 30 in '评分' (caps of "
        "the behaviour rules 25 + profile rules 5)",
    ]


def test_a_behaviour_rule_without_a_cap_makes_every_score_reachable(tmp_path) -> None:
    write(tmp_path, SCORING.replace("points: 15, cap: 15", "points: 15"), "mql_definition: {min_score: 20}\n",
          ORG, assignment("{name: 高分, when: {min_score: 500}, owners: [S001]}", "{name: 其他, owners: [S002]}"))

    assert problems(tmp_path) == []
