"""Checks of a nurture flow against the rest of the playbook: a trigger that can never fire, templates and
forms that nothing declares, and personalisation variables the platform does not know.

* **Triggers** (lint warnings: the platform accepts the flow, it just never starts): a segment that can
  never have members, a tag nothing sets (or only inactive flows or the flow itself set), a form no website
  form or registration form declares, an event type that is not enabled, a score above the model's
  reachable maximum, a lifecycle stage nobody can enter.
* **Templates**: an SMS step names one of ``sms_channel.templates`` (an error with did-you-mean: the
  carrier approves each template before it can be sent; a warning when the playbook has no sms_channel).
* **Personalisation**: every variable of an e-mail subject is known (an error, as ``mktctl test`` cannot
  render it). The SMS templates' own variables are checked by the sms_channel kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mktctl.kinds.base import Finding, Playbook
from mktctl.kinds.personalisation import unknown_variable_messages
from mktctl.kinds.reach import (
    reachable_score,
    scoring_model,
    segment_never_filled,
    stage_never_entered,
    tag_never_set,
)
from mktctl.kinds.shared import unknown

NEVER = "the flow can never start"


def declared_forms(playbook: Playbook) -> list[str]:
    """The forms a 提交表单 trigger can name: website forms and the 报名表单 page templates."""
    forms = [r.key for r in playbook.of("website_forms")]
    forms += [r.key for r in playbook.of("page_templates") if getattr(r.spec, "type", None) == "报名表单"]
    return forms


def trigger_findings(flow: Any, playbook: Playbook) -> Iterator[Finding]:
    """Why the flow's trigger can never fire, at the trigger's value (warnings)."""
    trigger = flow.trigger
    if trigger.segment is not None:
        segment = playbook.find("segments", trigger.segment)
        reason = segment_never_filled(playbook, segment) if segment is not None else None
        if reason is not None:
            yield Finding(("trigger", "segment"), f"{NEVER}: segment {trigger.segment!r} can never have members: "
                                                  f"{reason}", severity="warning")
    if trigger.tag is not None:
        reason = tag_never_set(playbook, trigger.tag, besides_flow=flow.name)
        if reason is not None:
            yield Finding(("trigger", "tag"), f"{NEVER}: {reason}", severity="warning")
    if trigger.form is not None:
        forms = declared_forms(playbook)
        if trigger.form not in forms:
            yield Finding(("trigger", "form"), f"{NEVER} from a declared form: " + unknown(
                trigger.form, forms, "a website form or a 报名表单 page template"), severity="warning")
    if trigger.event_type is not None:
        event_type = playbook.find("event_types", trigger.event_type)
        if event_type is not None and not event_type.spec.enabled:
            yield Finding(("trigger", "event_type"), f"{NEVER}: event type {trigger.event_type!r} is not enabled "
                                                     "(enabled: false), so nobody can register for it",
                          severity="warning")
    if trigger.score is not None:
        model = scoring_model(playbook, trigger.scoring_model)
        most, how = reachable_score(model.spec) if model is not None else (0.0, "")
        if model is not None and trigger.score > most:
            yield Finding(("trigger", "score"), f"{NEVER}: nobody scores {trigger.score} in {model.key!r}, at most "
                                                f"{most:g} ({how})", severity="warning")
    if trigger.stage is not None:
        stage = playbook.find("lifecycle_stages", trigger.stage)
        reason = stage_never_entered(playbook, stage) if stage is not None else None
        if reason is not None:
            yield Finding(("trigger", "stage"), f"{NEVER}: nobody enters stage {trigger.stage!r}: {reason}",
                          severity="warning")


def template_findings(flow: Any, playbook: Playbook) -> Iterator[Finding]:
    """SMS templates nothing declares, and unknown personalisation variables in subjects."""
    channels = playbook.of("sms_channel")
    templates = [t.name for t in channels[0].spec.templates] if channels else []
    for index, step in enumerate(flow.steps):
        for message in unknown_variable_messages(step.subject):
            yield Finding(("steps", index, "subject"), message)
        if step.type != "发送短信" or step.template in templates:
            continue
        if not channels:
            yield Finding(("steps", index, "template"), f"step {step.id!r} sends the SMS template {step.template!r}, "
                                                        "but no sms_channel is declared: declare the signature and "
                                                        "the template there", severity="warning")
        else:
            yield Finding(("steps", index, "template"), unknown(step.template, templates, "a template of sms_channel"))


def sent_sms_templates(playbook: Playbook) -> set[str]:
    """The SMS templates some nurture flow sends (an inactive one too: it may be switched on)."""
    return {step.template for flow in playbook.of("nurture_flows") for step in flow.spec.steps
            if step.type == "发送短信" and step.template}
