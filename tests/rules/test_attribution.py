"""Attribution: the credit of a conversion split over the touches in the window, per model; seed 003's
example (sales A's invitation link, then ad B two days later, then the registration) among them."""

from __future__ import annotations

import pytest

from mktctl.rules.attribution import AttributionRule, Touch, credit, from_rows, totals, weights
from mktctl.rules.clock import DAY
from tests.rules.helpers import event, lead, rules_of, run, state


def touches(*days: float, creation: int | None = None) -> list[Touch]:
    return [Touch(int(d * DAY), f"s{i}", "", creation == i) for i, d in enumerate(days)]


@pytest.mark.parametrize(("model", "expected"), [
    ("首次触点", [1.0, 0.0, 0.0, 0.0]),
    ("末次触点", [0.0, 0.0, 0.0, 1.0]),
    ("线性", [0.25, 0.25, 0.25, 0.25]),
    ("U型", [0.4, 0.1, 0.1, 0.4]),
])
def test_position_models_weigh_first_middle_and_last(model, expected) -> None:
    assert weights(model, touches(0, 1, 2, 3), 3 * DAY) == pytest.approx(expected)


def test_w_shaped_gives_the_lead_creation_touch_its_own_thirty_percent() -> None:
    assert weights("W型", touches(0, 1, 2, 3, 4, creation=2), 4 * DAY) == pytest.approx([0.3, 0.05, 0.3, 0.05, 0.3])


def test_w_shaped_is_u_shaped_when_the_creation_touch_is_the_first_or_last() -> None:
    assert weights("W型", touches(0, 1, 2, 3, creation=3), 3 * DAY) == pytest.approx([0.4, 0.1, 0.1, 0.4])


def test_w_shaped_with_only_key_touches_shares_equally() -> None:
    assert weights("W型", touches(0, 1, 2, creation=1), 2 * DAY) == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_u_shaped_with_two_touches_is_half_and_half_and_one_touch_takes_all() -> None:
    assert weights("U型", touches(0, 1), DAY) == pytest.approx([0.5, 0.5])
    assert weights("U型", touches(0), DAY) == [1.0]


def test_time_decay_halves_the_weight_every_seven_days() -> None:
    assert weights("时间衰减", touches(0, 7), 7 * DAY) == pytest.approx([1 / 3, 2 / 3])


def test_only_touches_inside_the_window_count() -> None:
    found = credit(AttributionRule("线性", 30), touches(0, 20, 31), 31 * DAY)

    assert [c.touch.source for c in found] == ["s1", "s2"]
    assert sum(c.share for c in found) == pytest.approx(1.0)


SEED_003 = """\
basic_settings:
  company: {name: 示例科技有限公司}
  plugins: [营销归因]
  attribution: {model: MODEL, window_days: 30}
"""


def seed_003_person():
    return lead("client",
                event(0, "10:00", behaviour="浏览微页面", content="活动页", source="销售专属邀约",
                      campaign="销售A邀约"),
                event(2, "10:00", behaviour="浏览微页面", content="活动页", source="百度推广", campaign="广告B"),
                event(2, "10:05", behaviour="报名活动", content="新品发布会"),
                event(9, converted="商机"),
                day=2, time="10:05", 线索来源="百度推广")


@pytest.mark.parametrize(("model", "by_source"), [
    ("首次触点", {"销售专属邀约": 1.0}),
    ("末次触点", {"销售专属邀约": 0.0, "百度推广": 1.0}),
    ("线性", {"销售专属邀约": 1 / 3, "百度推广": 2 / 3}),
    ("U型", {"销售专属邀约": 0.4, "百度推广": 0.6}),
    ("W型", {"销售专属邀约": 0.4, "百度推广": 0.6}),
])
def test_seed_003_an_invitation_link_then_an_ad(tmp_path, model, by_source) -> None:
    rules = rules_of(tmp_path, SEED_003.replace("MODEL", model))

    world = run(rules, seed_003_person())

    got = totals(from_rows(state(world, "client", 9).attribution or []))
    assert {k: pytest.approx(v, abs=1e-5) for k, v in by_source.items()} == {k: got.get(k, 0.0) for k in by_source}
    assert sum(got.values()) == pytest.approx(1.0, abs=1e-5)


def test_seed_003_by_campaign_the_lead_creation_counts_under_its_source(tmp_path) -> None:
    rules = rules_of(tmp_path, SEED_003.replace("MODEL", "线性"))

    world = run(rules, seed_003_person())

    shares = state(world, "client", 9).attribution or []
    assert [(c["source"], c["campaign"]) for c in shares] == [("销售专属邀约", "销售A邀约"), ("百度推广", "广告B"),
                                                              ("百度推广", "")]


def test_without_an_attribution_setting_the_last_touch_takes_it_all(tmp_path) -> None:
    rules = rules_of(tmp_path, "")

    world = run(rules, seed_003_person())

    assert [c["share"] for c in state(world, "client", 9).attribution or []] == [0.0, 0.0, 1.0]
