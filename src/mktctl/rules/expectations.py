"""The ``expect:`` items of a test file, read into :class:`~mktctl.rules.testreader.Check` values.

One item names a person and, optionally, a moment (``day``, ``time``; a day without a time is the end of
that day; without a day, the end of the test); each other key is one check. List checks (tags, segments,
received, reminders) are "includes"; their ``not_*`` twins are "has none of".
"""

from __future__ import annotations

from typing import Any

from mktctl.rules.testreader import EXPECT, RECEIVED, REJECTIONS, REMINDERS, Check, Path_, Reader

MOMENT_KEYS = ("person", "day", "time")


def read_expectation(reader: Reader, raw: Any, path: Path_, ids: list[str]) -> list[Check]:
    item = reader.mapping(raw, path, EXPECT, "an expectation")
    if not item:
        return []
    person = reader.one_of(item.get("person"), (*path, "person"), ids, "test person") if "person" in item else None
    if "person" not in item:
        reader.error(path, "an expectation names its person (person: ID)")
    at, when = reader.moment(item, path, required=False, end=True)
    kinds = [k for k in item if k not in MOMENT_KEYS and k in EXPECT]
    if not kinds and all(k in EXPECT for k in item):
        reader.error(path, "an expectation needs something to check: " + ", ".join(EXPECT[3:]))
    checks = []
    for kind in kinds:
        want = _want(reader, kind, item[kind], (*path, kind), ids)
        if want is not _INVALID and person is not None:
            checks.append(Check(person, kind, want, at, when, reader.doc.mark((*path, kind))))
    return checks


_INVALID = object()


def _want(reader: Reader, kind: str, value: Any, path: Path_, ids: list[str]) -> Any:
    rules = reader.rules
    models = [m.name for m in rules.models]
    if kind == "score":
        if isinstance(value, dict):
            return {reader.one_of(k, (*path, k), models, "scoring model"): reader.number(v, (*path, k), "a score")
                    for k, v in value.items()}
        number = reader.number(value, path, "score")
        if number is None:
            return _INVALID
        if len(models) != 1:
            reader.error(path, f"the playbook has {len(models)} scoring models: name one, e.g. "
                               f"score: {{{models[0] if models else 'MODEL'}: {number}}}")
            return _INVALID
        return {models[0]: number}
    if kind == "grade":
        if isinstance(value, dict):
            return {reader.one_of(k, (*path, k), models, "scoring model"): v for k, v in value.items()}
        if len(models) != 1 and not (rules.mql and rules.mql.model):
            reader.error(path, "name the scoring model: grade: {MODEL: GRADE}")
            return _INVALID
        model = rules.mql.model if rules.mql and rules.mql.model else models[0]
        found = rules.model(model)
        names = [t[0] for t in found.thresholds] if found is not None else []
        return {model: None if value is None else reader.one_of(value, path, names, "grade")}
    if kind in ("mql",):
        if not isinstance(value, bool):
            reader.error(path, "mql is true or false")
            return _INVALID
        return value
    if kind == "owner":
        return None if value is None else reader.one_of(value, path, rules.users, "owner") if rules.users \
            else reader.text(value, path, "owner")
    if kind == "pool":
        return reader.one_of(value, path, rules.pools, "lead pool")
    if kind in ("tags", "not_tags"):
        return [_tag(reader, v, (*path, i)) for i, v in enumerate(reader.sequence(value, path, kind))]
    if kind in ("segments", "not_segments"):
        return [reader.one_of(v, (*path, i), [s.name for s in rules.segments], "segment")
                for i, v in enumerate(reader.sequence(value, path, kind))]
    if kind == "stage":
        return None if value is None else reader.one_of(value, path, [s.name for s in rules.stages], "stage")
    if kind in ("received", "not_received"):
        return [_message(reader, v, (*path, i)) for i, v in enumerate(reader.sequence(value, path, kind))]
    if kind in ("reminders", "not_reminders"):
        return [_reminder(reader, v, (*path, i)) for i, v in enumerate(reader.sequence(value, path, kind))]
    if kind == "rejected":
        return value if isinstance(value, bool) else reader.one_of(value, path, REJECTIONS, "rejection reason")
    if kind == "merged_into":
        return None if value is None else reader.one_of(value, path, ids, "test person")
    if kind == "attribution":
        shares = reader.mapping(value, path, [str(k) for k in value] if isinstance(value, dict) else (),
                                "attribution")
        for key, share in shares.items():
            if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
                reader.error((*path, key), f"a share is a number from 0 to 1, not {share!r}")
        return {str(k): float(v) for k, v in shares.items() if isinstance(v, int | float)}
    fields = reader.mapping(value, path, [str(k) for k in value] if isinstance(value, dict) else (), "fields")
    return {rules.names.key(str(k)): (k, "" if v is None else str(v)) for k, v in fields.items()}


def _tag(reader: Reader, value: Any, path: Path_) -> str | None:
    text = reader.text(value, path, "a tag")
    if text is None:
        return None
    groups = {g.name: g for g in reader.rules.tags}
    group, sep, tag_value = text.replace("：", ":").partition(":")
    group, tag_value = group.strip(), tag_value.strip()
    if not sep:
        if not any(text in g.values for g in groups.values()):
            values = [f"{g.name}:{v}" for g in groups.values() for v in g.values]
            reader.one_of(text, path, values, "tag")
        return text
    if reader.one_of(group, path, groups, "tag group") is None:
        return None
    if reader.one_of(tag_value, path, groups[group].values, f"{group} value") is None:
        return None
    return f"{group}:{tag_value}"


def _message(reader: Reader, raw: Any, path: Path_) -> dict[str, Any]:
    item = reader.mapping(raw, path, RECEIVED, "a message")
    flows = {f.name: f for f in reader.rules.flows}
    flow = reader.one_of(item.get("flow"), (*path, "flow"), flows, "flow") if "flow" in item else None
    if "flow" not in item:
        reader.error(path, "a message names its flow")
    step = item.get("step")
    if flow is not None and step is not None:
        step = reader.one_of(step, (*path, "step"), [s.id for s in flows[flow].steps], f"step of {flow}")
    at, _ = reader.moment(item, path, required=False, end=False) if "day" in item else (None, "")
    return {"flow": flow, "step": step, "day": item.get("day"), "at": at if "time" in item else None,
            "subject": reader.text(item.get("subject"), (*path, "subject"), "subject"),
            "channel": reader.text(item.get("channel"), (*path, "channel"), "channel"),
            "body": reader.text(item.get("body"), (*path, "body"), "body")}


def _reminder(reader: Reader, raw: Any, path: Path_) -> dict[str, Any]:
    item = reader.mapping(raw, path, REMINDERS, "a reminder")
    names = [s.name for s in reader.rules.slas] + ([reader.rules.mql.accept_name] if reader.rules.mql else [])
    sla = reader.one_of(item.get("sla"), (*path, "sla"), names, "reminder") if "sla" in item else None
    if "sla" not in item:
        reader.error(path, "a reminder names its sla (lead_follow_up_sla)")
    at, _ = reader.moment(item, path, required=False) if "day" in item else (None, "")
    return {"sla": sla, "day": item.get("day"), "at": at if "time" in item else None,
            "number": reader.number(item.get("number"), (*path, "number"), "number", least=1)}
