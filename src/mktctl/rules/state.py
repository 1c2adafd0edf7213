"""One person's running state while the engine walks through their moments, and the signals of the
current moment that flow triggers listen to.

Everything that changes goes through :meth:`PersonState.record`, so the timeline is complete: replaying
it (:mod:`mktctl.rules.snapshot`) gives the state at any moment.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mktctl.rules.model import Cause, Change, Event, ScoreEntry

if TYPE_CHECKING:
    from mktctl.rules.scoring import ScoreState

_NONE: list[int] = []  # no behaviour of that kind (never appended to)


class FlowRun:
    """One person in one flow: how often they entered, whether they are inside, at which step, and when
    the step's wait ends."""

    __slots__ = ("entries", "inside", "step", "wake")

    def __init__(self) -> None:
        self.entries = 0
        self.inside = False
        self.step = -1  # no step (END of mktctl.rules.flows)
        self.wake: int | None = None


@dataclass
class Signals:
    """What happened at the current moment, for flow triggers."""

    tags_added: set[str] = field(default_factory=set)
    segments_joined: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)
    event_types: set[str] = field(default_factory=set)
    scores: dict[str, tuple[int, int]] = field(default_factory=dict)  # model -> (before, after)
    stage_entered: str | None = None
    schedules: set[str] = field(default_factory=set)  # flows whose 定时 trigger is due

    def clear(self) -> None:
        self.tags_added.clear()
        self.segments_joined.clear()
        self.forms.clear()
        self.event_types.clear()
        self.scores.clear()
        self.stage_entered = None
        self.schedules.clear()

    def any(self) -> bool:
        return bool(self.tags_added or self.segments_joined or self.forms or self.event_types or self.scores
                    or self.stage_entered or self.schedules)


class PersonState:
    __slots__ = ("alive", "assigned_at", "behaviours", "by_content", "changed", "converted", "created", "detailed",
                 "fields", "flows", "grades", "id", "is_lead", "last_behaviour", "last_follow_up", "lead_at",
                 "leave_out", "ledger", "mql_at", "owner", "pool", "purchases", "recording", "refreshed",
                 "score_states", "scores", "segments", "signals", "sla_sent", "snapshots", "stage", "tag_versions",
                 "tags", "tags_read", "timeline", "touches", "unsubscribed", "version")

    def __init__(self, person_id: str, created: int, lead_at: int | None, pool: str | None) -> None:
        self.id = person_id
        self.created = created
        self.lead_at = lead_at
        self.is_lead = lead_at is not None
        self.alive = False
        self.fields: dict[str, str] = {}
        self.behaviours: dict[str | None, list[int]] = {None: []}  # behaviour (None: any) -> times
        self.by_content: dict[tuple[str, str], list[int]] = {}
        self.last_behaviour: int | None = None
        self.last_follow_up: int | None = None
        self.scores: dict[str, int] = {}
        self.score_states: dict[str, ScoreState] = {}
        self.grades: dict[str, str | None] = {}
        self.tags: dict[str, str] = {}  # 组:值 -> rule | manual
        self.tag_versions: dict[str, int] = {}  # tag group -> how often its tags of this person changed
        self.tags_read: tuple[object, ...] = ()  # what each tag group read at its last evaluation (TagReading)
        self.segments: set[str] = set()
        self.snapshots: set[str] = set()  # 静态人群 already taken
        self.refreshed: dict[str, int] = {}  # segment -> the timeline's length at its last evaluation
        self.stage: str | None = None
        self.mql_at: int | None = None
        self.owner: str | None = None
        self.pool = pool
        self.assigned_at: int | None = None
        self.unsubscribed: set[str] = set()
        self.converted: dict[str, int] = {}  # kind -> first moment
        self.purchases = 0
        self.flows: dict[str, FlowRun] = {}
        self.touches: list[Event] = []
        self.sla_sent: dict[str, tuple[int, int]] = {}  # reminder rule -> (cycle start, reminders sent)
        self.timeline: list[Change] = []
        self.version = 0  # how many changes were made (recorded in the timeline or not): what planning compares
        self.leave_out: frozenset[str] = frozenset()  # kinds of change not kept in the timeline (a summed-up run)
        self.ledger: list[ScoreEntry] = []
        self.signals = Signals()
        self.changed = False
        self.recording = True  # False: a qualifying pass, whose timeline nobody reads
        # False: changes without the words that explain them (a cause's conditions, a score's ledger lines ...),
        # for a run whose timeline is summed up rather than read (``mktctl simulate``)
        self.detailed = True

    def record(self, at: int, kind: str, subject: str, value: Any, cause: Cause, detail: str = "") -> None:
        self.version += 1
        if self.recording and kind not in self.leave_out:
            self.timeline.append(Change(at, kind, subject, value, cause, detail))

    def add_behaviour(self, event: Event) -> None:
        assert event.behaviour is not None
        self.behaviours[None].append(event.at)
        self.behaviours.setdefault(event.behaviour, []).append(event.at)
        if event.content is not None:
            self.by_content.setdefault((event.behaviour, event.content), []).append(event.at)
        self.last_behaviour = event.at

    def times(self, behaviour: str | None, content: str | None) -> list[int]:
        """The moments of the behaviours (any when ``behaviour`` is None; of ``content`` when given), in order."""
        if behaviour is not None and content is not None:
            return self.by_content.get((behaviour, content), _NONE)
        return self.behaviours.get(behaviour, _NONE)

    def count(self, behaviour: str | None, content: str | None, since: int | None) -> int:
        """Behaviours (any when ``behaviour`` is None; of ``content`` when given) after ``since``."""
        times = self.times(behaviour, content)
        return len(times) if since is None else len(times) - bisect_right(times, since)
