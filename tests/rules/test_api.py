"""The engine's API for batch runners: the pieces chained by hand give what `run_people` gives, and
importing the engine loads nothing heavy (pandas comes in only when a batch is cleaned)."""

from __future__ import annotations

import subprocess
import sys

from mktctl.rules import (
    Assigner,
    Clock,
    assign_all,
    clean_people,
    resolve,
    run_person,
)
from tests.rules.helpers import START, event, lead, rules_of, run

PLAYBOOK = """\
identity_rules: {merge_keys: [手机号]}
scoring_models:
  - name: 评分
    behaviour_rules: [{behaviour: 观看直播, points: 30}]
lead_assignment:
  - name: 分配
    rules: [{name: 全部, owners: ["S1", "S2"]}]
mql_definition: {min_score: 30, hand_off: 分配}
"""


def test_the_pieces_chained_by_hand_give_what_run_people_gives(tmp_path) -> None:
    rules = rules_of(tmp_path, PLAYBOOK)
    people = [lead("a", event(2, behaviour="观看直播")), lead("b", day=1), lead("c", day=3, 手机号="13912349999"),
              lead("d", day=4, 手机号="13912349999")]
    until = 10 * 1440 - 1

    cleaned = clean_people(rules.cleaning, rules.names, people)
    survivors, outcomes = resolve(rules.identity, rules.cleaning, people, cleaned)
    qualified = [run_person(rules, s, clock=Clock(START), until=until, qualify_only=True)[1] for s in survivors]
    plans = assign_all(rules, Assigner(seed=0), survivors, qualified)
    results = {s.id: run_person(rules, s, clock=Clock(START), until=until, plan=plans.get(s.id, ()))[0]
               for s in survivors}

    world = run(rules, *people, days=9)
    assert [o.id for o in outcomes] == ["d"]
    assert {pid: r.timeline for pid, r in results.items()} == \
        {pid: r.timeline for pid, r in world.people.items() if pid != "d"}


def test_importing_the_engine_loads_nothing_heavy() -> None:
    probe = "import sys, mktctl.rules\nprint(','.join(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert set(done.stdout.strip().split(",")) & {"pandas", "pydantic", "numpy", "pyarrow", "ruamel"} == set()
