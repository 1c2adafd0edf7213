"""The marketing-qualified lead (MQL, ``mql_definition``).

A lead becomes an MQL at the first moment when all of these hold (checked after every change, so a lead
whose score is already high qualifies the moment its missing field is filled):

* the score of the named model (or of the playbook's only model) has reached ``min_score``;
* every ``required_fields`` field is filled;
* its 线索来源 is one of ``sources`` (any, when none is listed);
* with ``exclude_competitors``, its e-mail is not at a competitor's domain (``lead_cleaning``'s list).

It stays an MQL (a later decay does not undo it); its 线索阶段 becomes ``stage_label``, and the
``hand_off`` rule set assigns it (see :mod:`mktctl.rules.assignment`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mktctl.rules.conditions import PersonView
from mktctl.rules.fields import FieldNames


@dataclass(frozen=True)
class Mql:
    stage_label: str
    min_score: int | None
    model: str | None
    required: tuple[str, ...]
    sources: tuple[str, ...]
    competitor_domains: tuple[str, ...]  # empty unless exclude_competitors
    hand_off: str | None
    accept_hours: int | None

    @property
    def accept_name(self) -> str:
        return f"{self.stage_label}受理"

    def qualifies(self, state: PersonView) -> bool:
        if self.min_score is not None and state.scores.get(self.model or "", 0) < self.min_score:
            return False
        return not self.failing(state)

    def fields_allow(self, fields: Mapping[str, str]) -> bool:
        """Whether ``fields`` let the person qualify (required fields filled, source allowed, no competitor's
        e-mail): what :meth:`failing` says of them, score aside, as yes or no without the words."""
        if any(not fields.get(key) for key in self.required):
            return False
        if self.sources and fields.get("source", "") not in self.sources:
            return False
        return not self._competitor_domain(fields)

    def failing(self, state: PersonView) -> list[str]:
        """Why ``state`` is not (yet) an MQL; empty when it qualifies."""
        why = []
        if self.min_score is not None:
            score = state.scores.get(self.model or "", 0)
            if score < self.min_score:
                why.append(f"score {score} < {self.min_score}" + (f" ({self.model})" if self.model else
                                                                  " (no scoring model)"))
        missing = [key for key in self.required if not state.fields.get(key)]
        if missing:
            why.append(f"missing {', '.join(missing)}")
        source = state.fields.get("source", "")
        if self.sources and source not in self.sources:
            why.append(f"source {source or '(none)'} is not one of {'、'.join(self.sources)}")
        domain = self._competitor_domain(state.fields)
        if domain:
            why.append(f"e-mail at competitor domain {domain}")
        return why

    def _competitor_domain(self, fields: Mapping[str, str]) -> str:
        """The domain of the person's e-mail when it is a competitor's (or a subdomain of one), else ""."""
        domain = fields.get("email", "").rpartition("@")[2]
        return domain if domain and any(domain == d or domain.endswith("." + d) for d in self.competitor_domains) \
            else ""


def compile_mql(resources: list[Any], model_names: list[str], names: FieldNames,
                competitor_domains: tuple[str, ...]) -> Mql | None:
    if not resources:
        return None
    spec = resources[0].spec
    model = spec.scoring_model or (model_names[0] if len(model_names) == 1 else None)
    return Mql(spec.stage_label, spec.min_score, model, tuple(names.key(f) for f in spec.required_fields),
               names.values("source", spec.sources), competitor_domains if spec.exclude_competitors else (),
               spec.hand_off, spec.sales_accept_hours)
