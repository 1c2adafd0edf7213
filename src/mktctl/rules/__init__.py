"""The marketing logic a playbook declares, executed: pure functions over the compiled playbook, people,
their events and a virtual clock (minutes since 00:00 of day 0, Asia/Shanghai), returning each person's
timeline of changes, every change with its cause. The semantics are the contract of docs/testing.md.

The pieces, in the order a run uses them (each usable on its own by a batch runner):

* ``compile_rules(playbook) -> Rules`` - once per playbook: plain frozen matchers (no pydantic), read from
  the kinds' specs by attribute (:mod:`mktctl.rules.compile`);
* ``clean_people(rules.cleaning, rules.names, people) -> list[Cleaned]`` - the lead pipeline's normalisation
  and rejection over a batch of :class:`PersonInput` (:mod:`mktctl.rules.cleaning`);
* ``resolve(rules.identity, rules.cleaning, people, cleaned) -> (survivors, outcomes)`` - duplicates and
  OneID merges in creation order; :class:`~mktctl.rules.identity.Identities` is the cross-person index;
* ``run_person(rules, survivor, clock=, until=, qualify_only=True)`` - one person alone: their facts at
  creation and at the MQL moment (:mod:`mktctl.rules.person`);
* ``assign_all(rules, Assigner(seed), survivors, qualifications)`` - every assignment across people in
  order; :class:`Assigner` holds the round-robin counters, loads and seeded generators;
* ``run_person(rules, survivor, clock=, until=, plan=, refreshes=) -> (PersonResult, Qualification)`` - one
  person alone, with the assignments that concern them: the timeline and the score ledger;
* ``snapshot(result, at)``, ``explain(kind, result, snapshot, rules)``, ``describe(change)`` - the state at
  any moment, and why, in words.

``run_people(rules, people, clock=, until=, seed=, refreshes=) -> World`` chains them for a small
population; ``run_batch(rules, history, ...) -> Batch`` (:mod:`mktctl.rules.batch`) chains the same passes
over a large one, with the events as a table and the people in worker processes (``mktctl simulate``,
:mod:`mktctl.rules.simulate`); ``run_playbook_tests(directory, only) -> TestReport`` runs a playbook's
``tests/*.yaml`` for ``mktctl test``. Nothing here prints, reads the environment or the real clock.
"""

from __future__ import annotations

from mktctl.rules.assignment import Assigner, LeadFacts
from mktctl.rules.batch import Batch, History, history_of, run_batch
from mktctl.rules.cleaning import Cleaned, clean_people
from mktctl.rules.clock import Clock
from mktctl.rules.compile import Rules, compile_rules
from mktctl.rules.explain import explain
from mktctl.rules.identity import Identities, Outcome, Survivor, resolve
from mktctl.rules.model import Cause, Change, Event, Message, PersonInput, PersonResult, Reminder
from mktctl.rules.person import Planned, Qualification, run_person
from mktctl.rules.snapshot import Snapshot, snapshot
from mktctl.rules.testing import TestReport, run_playbook_tests, run_tests
from mktctl.rules.timeline import describe
from mktctl.rules.world import World, assign_all, run_people

__all__ = [
    "Assigner", "Batch", "Cause", "Change", "Cleaned", "Clock", "Event", "History", "Identities", "LeadFacts",
    "Message", "Outcome", "PersonInput", "PersonResult", "Planned", "Qualification", "Reminder", "Rules", "Snapshot",
    "Survivor", "TestReport", "World", "assign_all", "clean_people", "compile_rules", "describe", "explain",
    "history_of", "resolve", "run_batch", "run_people", "run_person", "run_playbook_tests", "run_tests", "snapshot",
]
