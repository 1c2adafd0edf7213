"""Presets: the standard export formats of widely used marketing systems, as column and value tables.

* ``hubspot``: HubSpot's contacts export (CRM > Contacts > Export: ``Record ID``, ``Email``, ``Lifecycle
  Stage``, ``Lead Status``, ``HubSpot Score``, ``Unsubscribed from all email``, ``Contact owner``,
  ``Original Source``, ``Create Date``, ...) and its email event types (``OPEN``, ``CLICK``, ...);
* ``marketo``: Marketo Engage's person export (``Id``, ``Email Address``, ``Lead Score``, ``Unsubscribed``,
  ``Marketing Suspended``, ``Lead Status``, ``Lead Owner Email Address``, ``Created At``, ...) and its
  activity export (activity types by name or id: 1 Visit Webpage, 2 Fill Out Form, ...);
* ``generic``: mktctl's own format: columns named by the field keys of :mod:`mktctl.migrate.fields` or by
  their Chinese labels, one file per entity (``people.csv``, ``opt_outs.csv``, ...).

The sources of the headers are listed in docs/migrate.md. Headers are compared after folding (case, spaces
and punctuation do not matter); a header ending in ``*`` is a prefix (``Opted out of email: *`` matches
every HubSpot subscription type). ``known`` headers are recognised but not migrated, each with the reason,
so that they are reported as such and never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mktctl.migrate.fields import ENTITIES, FIELDS


@dataclass(frozen=True)
class Preset:
    name: str
    system: str
    files: dict[str, tuple[str, ...]]  # entity -> file name patterns (fnmatch, case-insensitive)
    columns: dict[str, dict[str, str]]  # entity -> header -> field
    known: dict[str, dict[str, str]] = field(default_factory=dict)  # entity -> header -> why it is not migrated
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # value table -> old value -> new value
    hosts: tuple[str, ...] = ()  # hosts of the old system's own pages (landing pages, forms, files)


def _generic_files() -> dict[str, tuple[str, ...]]:
    chinese = {"people": "人员", "opt_outs": "退订", "tags": "标签", "scores": "评分", "behaviour": "行为",
               "members": "会员", "content": "内容"}
    return {e: (f"{e}.*", f"{chinese[e]}*.*") for e in ENTITIES}


GENERIC = Preset(
    name="generic", system="generic export", files=_generic_files(),
    columns={e: {**{key: key for key in fields}, **{f.label: key for key, f in fields.items()}}
             for e, fields in FIELDS.items()},
)

_HUBSPOT_BEHAVIOURS = {
    "OPEN": "打开邮件", "Email opened": "打开邮件", "Opened": "打开邮件",
    "CLICK": "点击邮件链接", "Email clicked": "点击邮件链接", "Clicked": "点击邮件链接",
    "FORM_SUBMISSION": "提交表单", "Form submission": "提交表单", "Form submitted": "提交表单",
    "PAGE_VIEW": "访问官网", "Page view": "访问官网", "Page viewed": "访问官网",
    "UNSUBSCRIBED": "退订", "Unsubscribed": "退订",
}

HUBSPOT = Preset(
    name="hubspot", system="HubSpot",
    files={"people": ("*contact*.csv", "*contact*.xlsx", "*contact*.xls"),
           "opt_outs": ("*unsubscrib*", "*opt*out*"), "tags": ("*tag*",), "scores": ("*score*",),
           "behaviour": ("*email*event*", "*activit*", "*engagement*"), "members": ("*member*",),
           "content": ("*content*", "*asset*", "*template*")},
    columns={
        "people": {
            "Record ID": "source_id", "Contact ID": "source_id", "First Name": "first_name", "Last Name": "last_name",
            "Email": "email", "Email address": "email", "Phone Number": "tel", "Mobile Phone Number": "mobile",
            "Company Name": "company", "Job Title": "job_title", "City": "city", "State/Region": "province",
            "Industry": "industry", "Website URL": "url", "Lifecycle Stage": "lifecycle_stage",
            "Lead Status": "lead_status", "HubSpot Score": "score", "Unsubscribed from all email": "opt_out_email",
            "Opted out of email: *": "opt_out_email", "Contact owner": "owner", "Original Source": "source",
            "Create Date": "create_time",
        },
        "behaviour": {"Record ID": "source_id", "Contact ID": "source_id", "Email": "email", "Recipient": "email",
                      "Event Type": "activity", "Activity Type": "activity", "Type": "activity",
                      "Created": "at", "Timestamp": "at", "Activity Date": "at", "Email Subject": "content",
                      "Subject": "content", "Page URL": "content", "Form Name": "content", "Campaign": "campaign",
                      "Event ID": "activity_id"},
        "opt_outs": {"Record ID": "source_id", "Email": "email", "Unsubscribed At": "opted_out_at"},
    },
    known={
        "people": {
            "Country/Region": "a lead has province and city, not country",
            "Postal Code": "a lead has no postal code", "Street Address": "a lead has no street address",
            "Last Activity Date": "the platform records new activity itself; old activity comes from the "
                                  "behaviour file",
            "Last Modified Date": "the platform sets it", "Marketing contact status": "a HubSpot billing status",
            "Associated Company": "the company name is migrated; companies are linked with mktctl leads link",
            "Original Source Drill-Down 1": "the original source is migrated",
            "Original Source Drill-Down 2": "the original source is migrated",
            "Email Domain": "follows from the email", "Number of Form Submissions": "counted again from behaviour",
        },
    },
    values={"behaviours": _HUBSPOT_BEHAVIOURS},
    hosts=("hs-sites.com", "hubspotpagebuilder.com", "hubspot.com", "hsforms.com", "hubspot.net", "hs-sites-eu1.com"),
)

_MARKETO_BEHAVIOURS = {
    "Visit Webpage": "访问官网", "1": "访问官网", "Fill Out Form": "提交表单", "2": "提交表单",
    "Click Link": "访问官网", "3": "访问官网", "Unsubscribe Email": "退订", "9": "退订",
    "Open Email": "打开邮件", "10": "打开邮件", "Click Email": "点击邮件链接", "11": "点击邮件链接",
}

MARKETO = Preset(
    name="marketo", system="Marketo",
    files={"people": ("*lead*.csv", "*lead*.xlsx", "*person*", "*people*"), "opt_outs": ("*unsubscrib*",),
           "tags": ("*tag*",), "scores": ("*score*",), "behaviour": ("*activit*",), "members": ("*member*",),
           "content": ("*content*", "*asset*", "*template*")},
    columns={
        "people": {
            "Id": "source_id", "Lead ID": "source_id", "Marketo ID": "source_id", "First Name": "first_name",
            "Last Name": "last_name", "Email Address": "email", "Phone Number": "tel",
            "Mobile Phone Number": "mobile", "Company Name": "company", "Job Title": "job_title", "City": "city",
            "State": "province", "Industry": "industry", "Website": "url", "Lead Score": "score",
            "Lead Status": "lead_status", "Lead Source": "source", "Original Source Type": "source",
            "Unsubscribed": "opt_out_email", "Unsubscribed Reason": "opt_out_reason",
            "Marketing Suspended": "opt_out_all", "Black Listed": "opt_out_all", "Blocklisted": "opt_out_all",
            "Lead Owner Email Address": "owner", "Created At": "create_time",
        },
        "behaviour": {"leadId": "source_id", "Lead ID": "source_id", "Id": "source_id", "activityDate": "at",
                      "Activity Date": "at", "activityTypeId": "activity", "Activity Type": "activity",
                      "primaryAttributeValue": "content", "Detail": "content", "Asset Name": "content",
                      "campaignId": "campaign", "Campaign Name": "campaign", "marketoGUID": "activity_id",
                      "Activity ID": "activity_id"},
        "opt_outs": {"Id": "source_id", "Email Address": "email", "Unsubscribed Reason": "reason"},
    },
    known={
        "people": {
            "Country": "a lead has province and city, not country", "Postal Code": "a lead has no postal code",
            "Address": "a lead has no street address", "Updated At": "the platform sets it",
            "Email Invalid": "a bounce, not an opt-out: the platform tracks its own bounces",
            "Email Invalid Cause": "a bounce, not an opt-out", "Email Suspended": "a 24-hour bounce suspension",
            "Do Not Call": "calls are made by sales, not sent through a marketing channel: tell the sales team",
            "Do Not Call Reason": "calls are made by sales", "Original Source Info": "the original source is "
                                                                                   "migrated",
            "Acquisition Program": "programs are not migrated", "Person Source": "the lead source is migrated",
        },
    },
    values={"behaviours": _MARKETO_BEHAVIOURS},
    hosts=("mktoweb.com", "marketo.com", "mktoedge.com", "mktossl.com", "marketo.net"),
)

PRESETS: dict[str, Preset] = {p.name: p for p in (GENERIC, HUBSPOT, MARKETO)}
