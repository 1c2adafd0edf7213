"""Attribution (营销归因): when a person converts, the credit of the conversion split over their touches.

A touch is a behaviour event that names its ``source`` or ``campaign``, and the lead's creation with its
线索来源 (unless a touch happens at that very minute: that touch is then the creation's). Only touches in
the window count: from ``window_days`` × 24 hours before the conversion up to the conversion itself.
With touches t1 … tn in time order, the models of ``basic_settings.attribution`` give:

==========  =========================================================================================
首次触点     t1 gets 100 %
末次触点     tn gets 100 %
线性         each touch gets 1/n
U型          t1 40 %, tn 40 %, the touches between share 20 % equally (n = 2: 50/50; n = 1: 100 %)
W型          t1, the lead-creation touch and tn 30 % each, the others share 10 %; when the creation touch
            is t1 or tn (or outside the window) it is U型 (40/20/40); without other touches the key touches
            share 100 % equally
时间衰减      weight 2^(−age / 7 days), age = time from the touch to the conversion, normalised to 100 %
==========  =========================================================================================

:func:`credit` is pure: touches in, shares out (they add up to 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from mktctl.rules.clock import DAY

MODELS = ("首次触点", "末次触点", "线性", "U型", "W型", "时间衰减")
HALF_LIFE = 7 * DAY


@dataclass(frozen=True, slots=True)
class Touch:
    at: int
    source: str
    campaign: str
    creation: bool = False  # the lead's creation touch

    @property
    def name(self) -> str:
        return self.source or self.campaign


@dataclass(frozen=True, slots=True)
class Credit:
    touch: Touch
    share: float

    def as_dict(self) -> dict[str, object]:
        return {"at": self.touch.at, "source": self.touch.source, "campaign": self.touch.campaign,
                "share": round(self.share, 6)}


@dataclass(frozen=True)
class AttributionRule:
    model: str = "末次触点"
    window_days: int = 30


def in_window(touches: list[Touch], converted_at: int, window_days: int) -> list[Touch]:
    start = converted_at - window_days * DAY
    return sorted((t for t in touches if start <= t.at <= converted_at), key=lambda t: t.at)


def weights(model: str, touches: list[Touch], converted_at: int) -> list[float]:
    n = len(touches)
    if n == 0:
        return []
    if n == 1:
        return [1.0]
    if model == "首次触点":
        return [1.0] + [0.0] * (n - 1)
    if model == "末次触点":
        return [0.0] * (n - 1) + [1.0]
    if model == "线性":
        return [1.0 / n] * n
    if model == "时间衰减":
        raw = [0.5 ** ((converted_at - t.at) / HALF_LIFE) for t in touches]
        total = sum(raw)
        return [w / total for w in raw]
    keys = [0, n - 1]
    if model == "W型":
        middle = [i for i, t in enumerate(touches) if t.creation and 0 < i < n - 1]
        keys = [0, middle[0], n - 1] if middle else keys
    others = [i for i in range(n) if i not in keys]
    if not others:
        return [1.0 / n] * n
    key_share = 0.3 if len(keys) == 3 else 0.4
    rest = (1.0 - key_share * len(keys)) / len(others)
    return [key_share if i in keys else rest for i in range(n)]


def credit(rule: AttributionRule, touches: list[Touch], converted_at: int) -> list[Credit]:
    counted = in_window(touches, converted_at, rule.window_days)
    return [Credit(t, w) for t, w in zip(counted, weights(rule.model, counted, converted_at), strict=True)]


def from_rows(rows: list[dict[str, object]]) -> list[Credit]:
    """Credits back from :meth:`Credit.as_dict` rows (as a timeline keeps them)."""
    return [Credit(Touch(int(str(r["at"])), str(r["source"]), str(r["campaign"])), float(str(r["share"])))
            for r in rows]


def totals(credits: list[Credit], by: str = "source") -> dict[str, float]:
    """Shares added up per source (or per ``campaign``)."""
    result: dict[str, float] = {}
    for item in credits:
        name = item.touch.source if by == "source" else item.touch.campaign
        if name:
            result[name] = result.get(name, 0.0) + item.share
    return result
