"""The engine's plain data: what goes in (people and their events) and what comes out (a timeline of
changes, each with its cause).

Inputs are frozen and hashable-free of pydantic: a batch runner builds them from columns as easily as the
test-file reader builds them from YAML.

* :class:`Event` - one thing a person does or that happens to them at a minute: a behaviour (with its
  content, channel, source and campaign), field changes, a follow-up by sales, a conversion.
* :class:`PersonInput` - one record as it arrives: its lead fields (labels or API names), when it is
  created, its events, its object (销售线索 by default) and the pool it arrives in.

Outputs:

* :class:`Change` - one change of a person's state at a minute, with its :class:`Cause`. A person's
  timeline is their changes in time order; :mod:`mktctl.rules.snapshot` replays it to the state at any
  moment, and :mod:`mktctl.rules.explain` turns it into sentences.
* :class:`Message` (a flow's send, sent or not) and :class:`Reminder` (a follow-up reminder) are the
  values of the ``message`` and ``reminder`` changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

LEAD = "销售线索"
CONVERSIONS = ("商机", "客户", "订单")  # 订单 is a purchase and makes the person a customer


@dataclass(frozen=True, slots=True)
class Event:
    at: int
    seq: int = 0  # the order it was written in, for field changes within one minute
    behaviour: str | None = None
    content: str | None = None
    channel: str | None = None
    source: str | None = None
    campaign: str | None = None
    event_type: str | None = None
    changes: tuple[tuple[str, str], ...] = ()  # (field, value): field changes, in the order written
    follow_up: bool = False
    converted: str | None = None  # one of CONVERSIONS
    origin: str = ""  # the id of the record it came from (after identity merges: not the survivor's own)

    @property
    def is_touch(self) -> bool:
        """A marketing touch for attribution: a behaviour that names its source or campaign."""
        return self.behaviour is not None and bool(self.source or self.campaign)


def events_of(columns: Sequence[Sequence[Any]]) -> list[Event]:
    """The events whose fields are ``columns`` (one sequence per field of :class:`Event`, in its order, all of
    the same length): what ``Event(*row)`` makes of each row, at half the cost (a batch builds millions of
    them). The fields are set through the slots, past the frozen class's guard."""
    setters = [_SLOTS[name].__set__ for name in EVENT_FIELDS]
    if len(columns) != len(setters):
        raise ValueError(f"an event has {len(setters)} fields, not {len(columns)}")
    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11 = setters
    new = object.__new__
    events = []
    add = events.append
    for at, seq, behaviour, content, channel, source, campaign, event_type, changes, follow_up, converted, origin \
            in zip(*columns, strict=True):
        event = new(Event)
        s0(event, at)
        s1(event, seq)
        s2(event, behaviour)
        s3(event, content)
        s4(event, channel)
        s5(event, source)
        s6(event, campaign)
        s7(event, event_type)
        s8(event, changes)
        s9(event, follow_up)
        s10(event, converted)
        s11(event, origin)
        add(event)
    return events


EVENT_FIELDS = tuple(f.name for f in fields(Event))  # in the constructor's order
_SLOTS = {name: Event.__dict__[name] for name in EVENT_FIELDS}


@dataclass(frozen=True)
class PersonInput:
    id: str
    fields: dict[str, str]
    created: int
    events: tuple[Event, ...] = ()
    object: str = LEAD
    pool: str | None = None

    @property
    def is_lead(self) -> bool:
        return self.object == LEAD


@dataclass(frozen=True, slots=True)
class Cause:
    """Why a change happened: an ``event`` of the person, a ``rule`` of the playbook, a flow ``step``,
    the ``clock`` (a refresh, a decay, a reminder falling due), ``cleaning``, ``identity`` or ``test``."""

    kind: str
    ref: str

    def __str__(self) -> str:
        return self.ref


# the kinds of change
CREATED = "created"
REJECTED = "rejected"
MERGED = "merged"  # on the merged record: merged into the survivor
ABSORBED = "absorbed"  # on the survivor: another record merged into it
MERGE_CANDIDATE = "merge_candidate"
DUPLICATE = "duplicate"
FIELD = "field"
BEHAVIOUR = "behaviour"
FOLLOW_UP = "follow_up"
CONVERTED = "converted"
UNSUBSCRIBED = "unsubscribed"
SCORE = "score"
GRADE = "grade"
MQL = "mql"
OWNER = "owner"
POOL = "pool"
NOTIFY = "notify"
TAG_ADDED = "tag_added"
TAG_REMOVED = "tag_removed"
SEGMENT_JOINED = "segment_joined"
SEGMENT_LEFT = "segment_left"
STAGE = "stage"
FLOW_ENTERED = "flow_entered"
FLOW_STEP = "flow_step"
FLOW_LEFT = "flow_left"
MESSAGE = "message"
REMINDER = "reminder"
ATTRIBUTION = "attribution"


@dataclass(frozen=True, slots=True)
class Change:
    at: int
    kind: str
    subject: str  # the field, model, tag, segment, flow, channel ... the change is about
    value: Any
    cause: Cause
    detail: str = ""  # what the timeline says beyond subject and value (e.g. "+5, capped at 10")


@dataclass(frozen=True, slots=True)
class Message:
    flow: str
    step: str
    channel: str
    template: str | None
    subject: str | None
    body: str | None
    at: int
    sent: bool = True
    reason: str = ""  # why it was not sent

    def as_dict(self) -> dict[str, Any]:
        return {"flow": self.flow, "step": self.step, "channel": self.channel, "template": self.template,
                "subject": self.subject, "body": self.body, "at": self.at, "sent": self.sent,
                "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Reminder:
    sla: str
    number: int  # 1 for the first, 2 for its first repeat ...
    at: int
    object: str
    remind: tuple[str, ...]  # who: employee numbers
    channels: tuple[str, ...]
    recycled_to: str | None = None  # 收回线索池: the pool the lead went back to

    def as_dict(self) -> dict[str, Any]:
        return {"sla": self.sla, "number": self.number, "at": self.at, "object": self.object,
                "remind": list(self.remind), "channels": list(self.channels), "recycled_to": self.recycled_to}


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """One line of a score's ledger, for explanations: a behaviour rule's award, a profile rule switching
    on or off, a decay, or points lost to the floor (0) or to ``max_score``."""

    at: int
    model: str
    kind: str  # behaviour | profile | decay | floor | max
    label: str
    points: int  # the rule's points per occurrence (behaviour), its points (profile), the drop (decay) ...
    awarded: int  # what actually changed the score (after the cap)
    cap: int | None = None


@dataclass
class PersonResult:
    """What happened to one record: its timeline, and the facts tests ask about directly."""

    id: str
    timeline: list[Change] = field(default_factory=list)
    ledger: list[ScoreEntry] = field(default_factory=list)
    rejected: str | None = None
    merged_into: str | None = None
    created: int = 0
    is_lead: bool = True
