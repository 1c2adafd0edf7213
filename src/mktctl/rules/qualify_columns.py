"""The qualifying pass in columns: the facts assignment needs of every person (:class:`Qualification`, what
:func:`mktctl.rules.person.qualify_person` gives) at once, from the events table, for the people whose score
follows from counting their events.

A qualification reads a lead's fields at creation (province, city, industry, source) and the score of one
model (the MQL definition's, else the playbook's first) at creation and at the MQL moment: the first moment
from creation on when the MQL model's score has reached ``min_score`` and the definition's fields hold. The
score is a matter of counting when

* every behaviour rule of the model gives points ≥ 0 and the model has no profile rules: the score only
  grows, and after minute ``m`` it is ``min(max_score, Σ_rule min(cap, points × the rule's events up to m))``;
* no decay can fall due up to ``until``: no stretch of ``decay_after`` without a behaviour between the
  lead's creation (or its first behaviour before it), its behaviours and ``until``;

and the fields stay those of creation when

* no record was merged into the person (a merge may fill or overwrite fields at its moment), and
* the MQL definition requires neither 线索状态 nor 线索阶段 (follow-ups, conversions and the MQL itself change
  them).

:func:`qualify_columns` gives those people's qualifications and None for the others, whom the walk
qualifies. A property test compares the two on generated people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mktctl.rules.assignment import LeadFacts
from mktctl.rules.fields import STAGE_FIELD, STATUS_FIELD
from mktctl.rules.person import Qualification

if TYPE_CHECKING:
    import polars as pl

    from mktctl.rules.compile import Rules
    from mktctl.rules.identity import Survivor
    from mktctl.rules.scoring import ScoringModel


def counted_models(rules: Rules) -> tuple[ScoringModel | None, ScoringModel | None] | None:
    """The model of the facts and the MQL's model (None: no such model, the score read is 0), when both
    scores follow from counting; None when they do not (the walk qualifies everyone)."""
    names = [m.name for m in rules.models]
    mql = rules.mql
    facts_name = mql.model if mql is not None and mql.model else (names[0] if names else None)
    mql_name = mql.model if mql is not None else None
    if mql is not None and ({STATUS_FIELD, STAGE_FIELD} & set(mql.required)):
        return None
    chosen = (rules.model(facts_name) if facts_name else None, rules.model(mql_name) if mql_name else None)
    for model in chosen:
        if model is not None and (model.profile_rules or any(r.points < 0 for r in model.behaviour_rules)):
            return None
    return chosen


def qualify_columns(rules: Rules, survivors: Sequence[Survivor], events: pl.DataFrame, until: int
                    ) -> list[Qualification | None]:
    """``events``: the survivors' events with ``person`` (the survivor's index), ``at``, ``behaviour`` and
    ``content``, in order of person and moment. The qualification of each survivor whose score follows from
    counting, else None."""
    import polars as pl

    chosen = counted_models(rules)
    if chosen is None:
        return [None] * len(survivors)
    facts_model, mql_model = chosen
    mql = rules.mql
    events = events.select(c for c in ("person", "at", "behaviour", "content") if c in events.columns).filter(
        pl.col("at") <= until)
    decays = [m.decay_after for m in chosen if m is not None and m.decay_after is not None]
    may_decay = _may_decay(survivors, events, until, min(decays)) if decays else set()
    scores = {m.name: _scores(m, events) for m in chosen if m is not None}
    least = mql.min_score if mql is not None else None
    first_reach = _first_reaching(scores[mql_model.name], least) \
        if mql_model is not None and least is not None and least > 0 else {}
    found: list[Qualification | None] = []
    created: dict[int, dict[str, str]] = {}  # person -> their fields at creation
    mql_at: dict[int, int] = {}
    for index, survivor in enumerate(survivors):
        lead_at = survivor.lead_at
        if lead_at is None or lead_at > until:
            found.append(Qualification())  # not a lead (or not one before the end): nothing to assign
            continue
        if survivor.absorbed or lead_at != survivor.created or index in may_decay:
            found.append(None)
            continue
        found.append(Qualification())
        fields = created[index] = _fields_at_creation(survivor)
        if mql is None or not mql.fields_allow(fields):
            continue
        if least is None or least <= 0:
            mql_at[index] = lead_at
        elif index in first_reach:
            mql_at[index] = max(lead_at, first_reach[index])
    lead_at_of = {index: survivors[index].created for index in created}  # lead_at: the same moment
    at_creation, at_mql = _scores_at(scores[facts_model.name], lead_at_of, mql_at) if facts_model is not None \
        else ({}, {})
    for index, fields in created.items():
        qualification = found[index]
        assert qualification is not None
        qualification.created = LeadFacts.of(fields, at_creation.get(index, 0))
        if index in mql_at:
            qualification.mql_at = mql_at[index]
            qualification.at_mql = LeadFacts.of(fields, at_mql.get(index, 0))
    return found


def _fields_at_creation(survivor: Survivor) -> dict[str, str]:
    fields = dict(survivor.fields)
    fields.setdefault(STATUS_FIELD, "未处理")
    return fields


def _scores(model: ScoringModel, events: pl.DataFrame) -> pl.DataFrame:
    """``person``, ``at``, ``score``: the model's score after each minute in which a rule of it matched, in
    order of person and moment."""
    import polars as pl

    parts = []
    # the events of a behaviour some rule scores, once; each rule's from them (all of it at one collect)
    behaviours = sorted({rule.behaviour for rule in model.behaviour_rules})
    scored = events.lazy().filter(pl.col("behaviour").is_in(behaviours))
    for rule in model.behaviour_rules:
        matches = pl.col("behaviour") == rule.behaviour
        if rule.content is not None:
            matches &= pl.col("content") == rule.content
        counted = scored.filter(matches).select("person", "at").with_columns(
            n=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("person"))
        total = pl.col("n") * rule.points
        previous = (pl.col("n") - 1) * rule.points
        if rule.cap is not None:
            total, previous = pl.min_horizontal(total, rule.cap), pl.min_horizontal(previous, rule.cap)
        parts.append(counted.select("person", "at", awarded=total - previous))
    if not parts:
        return pl.DataFrame(schema={"person": pl.Int64, "at": pl.Int64, "score": pl.Int64})
    score = pl.col("awarded").cum_sum().over("person")
    if model.max_score is not None:
        score = pl.min_horizontal(score, model.max_score)
    return (pl.concat(parts).group_by("person", "at").agg(pl.col("awarded").sum()).sort("person", "at")
            .select("person", "at", score=score.cast(pl.Int64)).collect())


def _first_reaching(scores: pl.DataFrame, least: int) -> dict[int, int]:
    import polars as pl

    reached = scores.filter(pl.col("score") >= least).group_by("person").agg(pl.col("at").min())
    return dict(zip(reached["person"].to_list(), reached["at"].to_list(), strict=True))


def _scores_at(scores: pl.DataFrame, created: dict[int, int], mql_at: dict[int, int]
               ) -> tuple[dict[int, int], dict[int, int]]:
    """The score at each person's creation and at their MQL moment (the score only grows: the last one up
    to the moment)."""
    import polars as pl

    def at(moments: dict[int, int]) -> dict[int, int]:
        if not moments:
            return {}
        asked = pl.DataFrame({"person": list(moments), "at": list(moments.values())},
                             schema={"person": pl.Int64, "at": pl.Int64}).sort("person", "at")
        joined = asked.join_asof(scores, on="at", by="person", strategy="backward", check_sortedness=False)
        return {p: s for p, s in zip(joined["person"].to_list(), joined["score"].to_list(), strict=True)
                if s is not None}

    return at(created), at(mql_at)


def _may_decay(survivors: Sequence[Survivor], events: pl.DataFrame, until: int, after: int) -> set[int]:
    """The leads for whom a decay may fall due up to ``until``: a stretch of ``after`` minutes or more
    without a behaviour between their creation (when no behaviour comes before it) or first behaviour,
    their behaviours, and ``until``."""
    import polars as pl

    behaviours = events.filter(pl.col("behaviour").is_not_null()).select("person", "at")
    same = pl.col("person") == pl.col("person").shift()  # (the events come in order of person and moment)
    spans = (behaviours.with_columns(gap=pl.when(same).then(pl.col("at") - pl.col("at").shift()))
             .group_by("person").agg(first=pl.col("at").min(), last=pl.col("at").max(), gap=pl.col("gap").max()))
    leads = pl.DataFrame({"person": range(len(survivors)), "lead_at": [s.lead_at for s in survivors]},
                         schema={"person": pl.Int64, "lead_at": pl.Int64}).filter(pl.col("lead_at").is_not_null())
    # the longest stretch: to the end without a behaviour; else the longest gap, the last to the end, the
    # creation to the first (a gap of one behaviour alone: 0)
    stretch = (pl.when(pl.col("first").is_null()).then(until - pl.col("lead_at"))
               .otherwise(pl.max_horizontal(pl.col("gap").fill_null(0), until - pl.col("last"),
                                            pl.col("first") - pl.col("lead_at"))))
    found = leads.join(spans, on="person", how="left").filter(stretch >= after)["person"]
    return set(found.to_list())
