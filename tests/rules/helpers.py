"""Small playbooks and test people for the engine's tests: a playbook is YAML (loaded and validated by the
real loader), people and events are built in Python, and a state is read at a moment of the virtual clock."""

from __future__ import annotations

import textwrap
import zlib
from datetime import date
from pathlib import Path
from typing import Any

from mktctl.playbook.load import load_playbook
from mktctl.rules.clock import Clock, end_of_day, moment
from mktctl.rules.compile import Rules, compile_rules
from mktctl.rules.model import Event, PersonInput
from mktctl.rules.snapshot import Snapshot, snapshot
from mktctl.rules.world import World, run_people

START = date(2026, 3, 2)  # day 0, a Monday
ORG = """\
users:
  - {employee_number: "S1", name: 张一, mobile: "13800000011", leader: "M1"}
  - {employee_number: "S2", name: 李二, mobile: "13800000012", leader: "M1"}
  - {employee_number: "S3", name: 王三, mobile: "13800000013", leader: "M1"}
  - {employee_number: "M1", name: 赵经理, mobile: "13800000014"}
"""


def write_playbook(folder: Path, *sections: str, org: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "version: 1\nname: 规则测试\n" + (ORG if org else "") + "".join(textwrap.dedent(s) for s in sections)
    (folder / "mktctl.yaml").write_text(text, encoding="utf-8")
    return folder


def rules_of(tmp_path: Path, *sections: str, org: bool = True) -> Rules:
    playbook, _warnings = load_playbook(write_playbook(tmp_path / "playbook", *sections, org=org))
    return compile_rules(playbook)


def at(day: int, time: str = "09:00") -> int:
    return moment(day, time)


def event(day: int, time: str = "09:00", *, set: dict[str, str] | None = None, **values: Any) -> Event:
    changes = tuple((key, value) for key, value in (set or {}).items())
    return Event(at(day, time), changes=changes, **values)


def mobile_of(person_id: str) -> str:
    return f"1391234{zlib.crc32(person_id.encode()) % 10000:04d}"


def lead(person_id: str, *events: Event, day: int = 0, time: str = "09:00", object: str = "销售线索",
         pool: str | None = None, **fields: str) -> PersonInput:
    """A person whose lead passes cleaning unless ``fields`` say otherwise (姓名, 公司名称 and 手机号 filled)."""
    values = {"姓名": f"客户{person_id}", "公司名称": f"{person_id}科技有限公司", "手机号": mobile_of(person_id),
              **fields}
    ordered = tuple(Event(e.at, i, e.behaviour, e.content, e.channel, e.source, e.campaign, e.event_type,
                          e.changes, e.follow_up, e.converted) for i, e in enumerate(events))
    return PersonInput(person_id, {k: v for k, v in values.items() if v is not None}, at(day, time), ordered,
                       object, pool)


def run(rules: Rules, *people: PersonInput, days: int = 10, seed: int = 0,
        refreshes: tuple[tuple[int, str], ...] = ()) -> World:
    return run_people(rules, list(people), clock=Clock(START), until=end_of_day(days), seed=seed,
                      refreshes=refreshes)


def state(world: World, person_id: str, day: int, time: str | None = None) -> Snapshot:
    """The person's state at ``day`` ``time``, or at the end of ``day``."""
    return snapshot(world.people[person_id], at(day, time) if time else end_of_day(day))


def score(world: World, person_id: str, day: int, time: str | None = None) -> int:
    """The score of the playbook's only scoring model."""
    (value,) = state(world, person_id, day, time).scores.values() or (0,)
    return value


def kinds(world: World, person_id: str, kind: str) -> list[Any]:
    """The values of one kind of change in a person's timeline, in order."""
    return [c.value for c in world.people[person_id].timeline if c.kind == kind]
