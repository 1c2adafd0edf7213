"""Conditions compiled into one function (mktctl.rules.matchers) hold exactly when their conditions, one by
one, do: on generated conditions and people, both for 全部满足 and 任一满足."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from mktctl.rules.conditions import Condition, Conditions
from mktctl.rules.model import Event
from mktctl.rules.snapshot import Snapshot
from mktctl.rules.state import PersonState

BEHAVIOURS = ["下载文件", "打开邮件"]
CONTENTS = [None, "产品白皮书"]
OPS = ["等于", "不等于", "包含", "不包含", "属于", "不属于", "大于", "小于", "大于等于", "小于等于", "为空", "不为空"]
VALUES = ["", "制造业", "零售业", "50", "7.5", "制"]

behaviour = st.builds(lambda b, c, window, times: Condition("behaviour", "b", behaviour=b, content=c,
                                                             window=window, times=times),
                      st.sampled_from(BEHAVIOURS), st.sampled_from(CONTENTS), st.sampled_from([None, 60, 1440]),
                      st.integers(1, 3))
field = st.builds(lambda op, values: Condition("field", "f", field="行业", op=op, values=tuple(values)),
                  st.sampled_from(OPS), st.lists(st.sampled_from(VALUES), max_size=2))
tag = st.builds(lambda t: Condition("tag", "t", tag=t), st.sampled_from(["兴趣:白皮书", "行业:制造业"]))
stage = st.builds(lambda s: Condition("stage", "s", stage=s), st.sampled_from(["新客期", "沉睡期"]))
score = st.builds(lambda m, least: Condition("score", "m", model=m, min_score=least),
                  st.sampled_from(["评分", "其他"]), st.integers(0, 30))
conditions = st.builds(Conditions, st.lists(st.one_of(behaviour, field, tag, stage, score), max_size=4).map(tuple),
                       st.booleans())
people = st.fixed_dictionaries({
    "events": st.lists(st.tuples(st.integers(0, 3000), st.sampled_from(BEHAVIOURS), st.sampled_from(CONTENTS)),
                       max_size=8),
    "industry": st.sampled_from(VALUES),
    "tags": st.sets(st.sampled_from(["兴趣:白皮书", "行业:制造业", "兴趣:直播"])),
    "stage": st.sampled_from([None, "新客期", "沉睡期"]),
    "score": st.integers(0, 40),
})


def person(drawn: dict) -> PersonState:
    state = PersonState("wang", 0, 0, None)
    for at, name, content in sorted(drawn["events"], key=lambda e: e[0]):
        state.add_behaviour(Event(at, behaviour=name, content=content))
    state.fields["行业"] = drawn["industry"]
    state.tags = dict.fromkeys(drawn["tags"], "rule")
    state.stage = drawn["stage"]
    state.scores["评分"] = drawn["score"]
    return state


@settings(max_examples=300, deadline=None)
@given(conditions, people, st.integers(0, 3200))
def test_a_compiled_matcher_holds_exactly_when_its_conditions_do(items, drawn, now) -> None:
    state = person(drawn)

    assert items.holds(state, now) == items.holds_each(state, now)


@settings(max_examples=100, deadline=None)
@given(conditions, people, st.integers(0, 3200))
def test_a_compiled_matcher_reads_a_replayed_snapshot_as_it_reads_the_running_state(items, drawn, now) -> None:
    state = person(drawn)
    replayed = Snapshot(now, fields=dict(state.fields), scores=dict(state.scores), tags=set(state.tags),
                        stage=state.stage, behaviours={k: list(v) for k, v in state.behaviours.items()},
                        by_content={k: list(v) for k, v in state.by_content.items()})

    assert items.holds(replayed, now) == items.holds_each(state, now)


def test_conditions_travel_to_another_process_without_their_compiled_matcher() -> None:
    items = Conditions((Condition("tag", "tag 兴趣:白皮书", tag="兴趣:白皮书"),))
    state = PersonState("wang", 0, 0, None)
    state.tags["兴趣:白皮书"] = "rule"
    assert items.holds(state, 0)

    copy = pickle.loads(pickle.dumps(items))

    assert copy == items
    assert copy.holds(state, 0)
