"""``leads link``: link leads to the customers, contacts and opportunities they already are (guide 2.3,
the upgrade-customer path: leads that sales never converted, so the CRM cannot count their conversion).

``link_leads(tenant, options, out_dir, progress=None) -> LinkResult``

* every lead is read (deep paging) with its mobile, landline, email and link fields; its phones and
  email are normalised like a file's;
* for each object asked for, the records holding one of those values are found with ``IN`` queries of
  100 values (a mainland number also in its national spelling), or with ``full_scan`` by reading every
  record, which also finds phones stored in odd spellings; their values are normalised the same way:

  ========== ================== ================================== =====================
  object     api name           its phones and emails              lead field set
  ========== ================== ================================== =====================
  accounts   AccountObj         tel, email                         account_id
  contacts   ContactObj         mobile1, mobile2, mobile3, email   contact_id
  opportunities NewOpportunityObj contact_mobile__c, contact_email__c new_opportunity_id
  ========== ================== ================================== =====================

* ``match`` names, per object, the fields that hold its phones and emails instead (any field of the
  object, by api name or label, e.g. a tenant's ``field_8dk2s__c`` 联系人手机 on opportunities): an
  ``email`` field is compared as an email, a ``phone_number`` field as a phone, a text field as either;
* per lead and object: a link already set is kept (``already_linked``); no match is ``no_match`` (for
  accounts, the account of the uniquely linked contact is taken, ``matched_on`` = ``contact``); one
  record is ``linked``; several are ``ambiguous``: nothing is guessed, each candidate becomes a row of
  ``ambiguities.xlsx`` for a person to mark, and ``resolve_ambiguities`` applies the marks;
* one update per lead carries all its new links; a rerun finds them ``already_linked``.

Files in ``out_dir``: ``link_results.csv`` (one row per lead and object), ``ambiguities.xlsx``,
``link_summary.json``; after a resolve, ``resolve_results.csv`` and ``resolve_summary.json``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl import errors as e
from mktctl.leads.cells import TextCells, neutralise_frame
from mktctl.leads.link_targets import TARGETS, Target, matched_target, parse_match, parse_objects
from mktctl.leads.match import Existing, find_existing, index_records
from mktctl.leads.private import private_dir, private_file
from mktctl.leads.progress import NoProgress, Progress
from mktctl.secrets import redacted_json
from mktctl.tenant.workers import call_pool

if TYPE_CHECKING:
    import pandas as pd

    from mktctl.tenant.connect import Tenant

__all__ = ["STATUSES", "TARGETS", "LinkOptions", "LinkResult", "Target", "decide", "link_leads", "parse_match",
           "parse_objects", "read_ambiguity_workbook", "resolve_ambiguities", "write_ambiguity_workbook"]


STATUSES = ("linked", "ambiguous", "no_match", "already_linked", "failed")
RESULT_COLUMNS = ("lead_id", "object", "status", "target_id", "matched_on", "candidates", "error")
AMBIGUITY_COLUMNS = ("choose", "lead_id", "lead_name", "lead_company", "lead_mobile", "lead_email", "object",
                     "candidate_id", "candidate_name", "matched_on", "candidate_phones", "candidate_email")
AMBIGUITY_HEADERS = ("选择 choose (x)", "线索ID lead_id", "线索姓名 lead_name", "线索公司 lead_company",
                     "线索手机 lead_mobile", "线索邮箱 lead_email", "对象 object", "候选ID candidate_id",
                     "候选名称 candidate_name", "匹配 matched_on", "候选电话 candidate_phones",
                     "候选邮箱 candidate_email")
AMBIGUITY_SHEET = "待确认 Ambiguous"
LEAD_FIELDS = ("_id", "name", "company", "mobile", "tel", "email", "account_id", "contact_id", "new_opportunity_id")


@dataclass(frozen=True)
class LinkOptions:
    objects: tuple[str, ...] = tuple(TARGETS)
    full_scan: bool = False
    workers: int = 4
    batch_size: int = 100
    match: tuple[tuple[str, tuple[str, ...]], ...] = ()  # object → the fields holding its phones and emails


@dataclass
class LinkResult:
    out_dir: Path
    counts: dict[str, dict[str, int]]  # object → status → n
    leads: int
    files: dict[str, Path] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    stopped: str | None = None


def link_leads(tenant: Tenant, options: LinkOptions, out_dir: Path, progress: Progress | None = None) -> LinkResult:
    """Link, holding the tenant's write lock from the first read (see tenant/writelock.py)."""
    from mktctl.tenant.writelock import write_lock

    with write_lock(tenant, "mktctl leads link"):
        return _link_leads(tenant, options, out_dir, progress)


def _link_leads(tenant: Tenant, options: LinkOptions, out_dir: Path, progress: Progress | None) -> LinkResult:
    progress = progress or NoProgress()
    started = time.perf_counter()
    private_dir(out_dir)
    progress.phase("leads", None)
    leads = read_leads(tenant)
    progress.advance(len(leads))
    values = lead_values(leads)
    decisions: list[pd.DataFrame] = []
    ambiguous: list[pd.DataFrame] = []
    matches = dict(options.match)
    targets = {name: matched_target(tenant, TARGETS[name], matches[name]) if name in matches else TARGETS[name]
               for name in options.objects}
    for name in options.objects:
        target = targets[name]
        progress.phase(f"match {name}", None)
        existing = _targets(tenant, target, values, options.full_scan)
        decided, candidates = decide(leads, values, existing, target)
        decisions.append(decided)
        ambiguous.append(candidates)
        progress.advance(len(decided))
    decided_all = _concat(decisions, RESULT_COLUMNS)
    if "accounts" in options.objects and "contacts" in options.objects:
        decided_all = _account_from_contact(tenant, decided_all)
    stopped = apply_links(tenant, decided_all, options, progress)
    files = _write_link_files(out_dir, decided_all, _concat(ambiguous, AMBIGUITY_COLUMNS), leads)
    counts = _counts(decided_all, options.objects)
    summary = {
        "leads": len(leads),
        "objects": list(options.objects),
        "counts": counts,
        "invariants": {f"{o}: leads = " + " + ".join(STATUSES): sum(counts[o].values()) == len(leads)
                       for o in options.objects},
        "stopped": stopped,
        "full_scan": options.full_scan,
        "matched_on": {name: {"phones": list(t.phone_fields), "emails": list(t.email_fields)}
                       for name, t in targets.items()},
        "timings_s": {"total": round(time.perf_counter() - started, 3)},
    }
    _write_json(out_dir / "link_summary.json", summary)
    files["link_summary.json"] = out_dir / "link_summary.json"
    return LinkResult(out_dir=out_dir, counts=counts, leads=len(leads), files=files, summary=summary,
                      stopped=stopped)


def read_leads(tenant: Tenant) -> pd.DataFrame:
    import pandas as pd

    records = list(tenant.client.crm_iter("LeadsObj", fields=list(LEAD_FIELDS)))
    columns = {name: pd.Series([_text(r.get(name)) for r in records], dtype="str") for name in LEAD_FIELDS}
    return pd.DataFrame(columns).rename(columns={"_id": "lead_id"})


def lead_values(leads: pd.DataFrame) -> pd.DataFrame:
    """(lead_id, value, kind) for each normalised phone and email of each lead."""
    import pandas as pd

    from mktctl.leads.emails import parse_emails
    from mktctl.leads.phones import parse_phones

    parts = []
    for name in ("mobile", "tel"):
        parsed = parse_phones(leads[name])["e164"]
        parts.append(pd.DataFrame({"lead_id": leads["lead_id"], "value": parsed, "kind": "phone"}))
    parts.append(pd.DataFrame({"lead_id": leads["lead_id"], "value": parse_emails(leads["email"])["email"],
                               "kind": "email"}))
    frame = pd.concat(parts, ignore_index=True)
    return frame[frame["value"] != ""].drop_duplicates(["lead_id", "value"]).reset_index(drop=True)


def _targets(tenant: Tenant, target: Target, values: pd.DataFrame, full_scan: bool) -> Existing:
    fields = list(dict.fromkeys(["_id", "name", *target.phone_fields, *target.email_fields]))
    if target.name != "accounts":
        fields.append("account_id")
    if full_scan:
        existing = Existing()
        for record in tenant.client.crm_iter(target.api_name, fields=fields):
            existing.records[str(record["_id"])] = record
        index_records(existing, target.phone_fields, target.email_fields)
        return existing
    phones = values.loc[values["kind"] == "phone", "value"].tolist()
    emails = values.loc[values["kind"] == "email", "value"].tolist()
    wanted = {f: ([*phones] if f in target.phone_fields else []) + ([*emails] if f in target.email_fields else [])
              for f in dict.fromkeys([*target.phone_fields, *target.email_fields])}
    return find_existing(tenant.client, target.api_name, wanted, fields=fields, phone_fields=target.phone_fields,
                         email_fields=target.email_fields)


def decide(leads: pd.DataFrame, values: pd.DataFrame, existing: Existing, target: Target) -> tuple[pd.DataFrame,
                                                                                                     pd.DataFrame]:
    """Per lead: linked / ambiguous / no_match / already_linked for one object, and the candidates of
    the ambiguous ones. Vectorised: a join of lead values with record values."""
    import pandas as pd

    index = pd.DataFrame([(v, i) for v, ids in existing.by_value.items() for i in ids],
                         columns=["value", "target_id"], dtype="str")
    pairs = values.merge(index, on="value", how="inner")
    matched = pairs.sort_values(["lead_id", "target_id", "value"]).drop_duplicates(["lead_id", "target_id"])
    per_lead = matched.groupby("lead_id")["target_id"].agg(["count", "first"])
    out = leads[["lead_id"]].copy()
    out["object"] = target.name
    current = leads[target.link_field]
    count = out["lead_id"].map(per_lead["count"]).fillna(0).astype(int)
    first = out["lead_id"].map(per_lead["first"]).fillna("").astype("str")
    out["status"] = "no_match"
    out.loc[count == 1, "status"] = "linked"
    out.loc[count > 1, "status"] = "ambiguous"
    out.loc[current != "", "status"] = "already_linked"
    out["target_id"] = first.where(out["status"] == "linked", current.where(out["status"] == "already_linked", ""))
    linked_on = matched.drop_duplicates("lead_id").set_index("lead_id")["value"]
    out["matched_on"] = out["lead_id"].map(linked_on).fillna("").where(out["status"] == "linked", "").astype("str")
    out["candidates"] = count.astype("str").where(out["status"] == "ambiguous", "")
    out["error"] = ""
    ambiguous_ids = out.loc[out["status"] == "ambiguous", "lead_id"]
    candidates = matched[matched["lead_id"].isin(ambiguous_ids)]
    cand = _candidate_rows(candidates, leads, existing, target)
    for name in RESULT_COLUMNS:
        out[name] = out[name].astype("str")
    return out[list(RESULT_COLUMNS)].reset_index(drop=True), cand


def _candidate_rows(candidates: pd.DataFrame, leads: pd.DataFrame, existing: Existing, target: Target) -> pd.DataFrame:
    import pandas as pd

    if candidates.empty:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in AMBIGUITY_COLUMNS})
    info = leads.set_index("lead_id")
    rows = []
    for lead_id, target_id, value in candidates[["lead_id", "target_id", "value"]].itertuples(index=False):
        record = existing.records.get(target_id, {})
        lead = info.loc[lead_id]
        rows.append({
            "choose": "", "lead_id": lead_id, "lead_name": lead["name"], "lead_company": lead["company"],
            "lead_mobile": lead["mobile"], "lead_email": lead["email"], "object": target.name,
            "candidate_id": target_id, "candidate_name": _text(record.get("name")), "matched_on": value,
            "candidate_phones": " ".join(_text(record.get(f)) for f in target.phone_fields if record.get(f)),
            "candidate_email": " ".join(_text(record.get(f)) for f in target.email_fields
                                        if record.get(f) and f not in target.phone_fields),
        })
    return pd.DataFrame(rows, columns=list(AMBIGUITY_COLUMNS), dtype="str")


def _account_from_contact(tenant: Tenant, decided: pd.DataFrame) -> pd.DataFrame:
    """A lead with no account match takes the account of its uniquely linked contact."""
    contacts = decided[(decided["object"] == "contacts") & (decided["status"].isin(["linked", "already_linked"]))]
    accounts = decided[(decided["object"] == "accounts") & (decided["status"] == "no_match")]
    wanted = accounts[accounts["lead_id"].isin(contacts["lead_id"])]
    if wanted.empty:
        return decided
    contact_of = contacts.set_index("lead_id")["target_id"]
    decided = decided.copy()
    ids = sorted({contact_of[lead] for lead in wanted["lead_id"]})
    account_of: dict[str, str] = {}
    for start in range(0, len(ids), 100):
        flt = [{"field_name": "_id", "field_values": ids[start:start + 100], "operator": "IN"}]
        for record in tenant.client.crm_iter("ContactObj", flt, fields=["_id", "account_id"]):
            if record.get("account_id"):
                account_of[str(record["_id"])] = _text(record["account_id"])
    for index in wanted.index:
        account = account_of.get(contact_of[decided.at[index, "lead_id"]], "")
        if account:
            decided.loc[index, ["status", "target_id", "matched_on"]] = ["linked", account, "contact"]
    return decided


def apply_links(tenant: Tenant, decided: pd.DataFrame, options: LinkOptions, progress: Progress) -> str | None:
    """One update per lead with every new link; failures are recorded on the rows (status failed)."""
    todo = decided[decided["status"] == "linked"]
    updates: dict[str, dict[str, str]] = {}
    for lead_id, name, target_id in todo[["lead_id", "object", "target_id"]].itertuples(index=False):
        updates.setdefault(lead_id, {})[TARGETS[name].link_field] = target_id
    progress.phase("link", len(updates))
    client = tenant.client

    def work(item: tuple[str, dict[str, str]]) -> tuple[str, BaseException | None]:
        lead_id, fields = item
        try:
            client.crm_update("LeadsObj", lead_id, fields)
            return lead_id, None
        except e.MktctlError as failure:
            return lead_id, failure

    stopped = None
    items = list(updates.items())
    with call_pool(client, options.workers, "mktctl-link") as pool:
        for start in range(0, len(items), options.batch_size):
            batch = items[start:start + options.batch_size]
            for lead_id, failure in pool.map(work, batch):
                if failure is not None:
                    rows = (decided["lead_id"] == lead_id) & (decided["status"] == "linked")
                    decided.loc[rows, "status"] = "failed"
                    decided.loc[rows, "error"] = str(failure)
                    if isinstance(failure, (e.TenantUnreachable, e.QuotaExhausted, e.AuthError, e.Interrupted)):
                        stopped = stopped or str(failure)
            progress.advance(len(batch))
            if stopped:
                break
    return stopped


def _counts(decided: pd.DataFrame, objects: tuple[str, ...]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name in objects:
        part = decided[decided["object"] == name]["status"].value_counts()
        counts[name] = {s: int(part.get(s, 0)) for s in STATUSES}
    return counts


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    return pd.concat(frames, ignore_index=True)


def _write_link_files(out_dir: Path, decided: pd.DataFrame, candidates: pd.DataFrame,
                      leads: pd.DataFrame) -> dict[str, Path]:
    files = {"link_results.csv": out_dir / "link_results.csv", "ambiguities.xlsx": out_dir / "ambiguities.xlsx"}
    _write_csv(files["link_results.csv"], decided)
    write_ambiguity_workbook(files["ambiguities.xlsx"], candidates)
    return files


def write_ambiguity_workbook(path: Path, candidates: pd.DataFrame) -> None:
    """The sheet a person decides in: one row per candidate; an ``x`` in 选择 on the right one. Every cell
    is text from :class:`mktctl.leads.cells.TextCells` (formula-safe, redacted)."""
    import xlsxwriter

    tmp = private_file(path.with_suffix(".xlsx.tmp"))
    book = xlsxwriter.Workbook(str(tmp), TextCells.OPTIONS)
    cells = TextCells(book)
    text: dict[str, Any] = {"num_format": "@"}
    head: dict[str, Any] = {"bold": True, "bg_color": "#DDEBF7", "num_format": "@"}
    pick: dict[str, Any] = {"num_format": "@", "bg_color": "#FFF2CC"}
    sheet = book.add_worksheet(AMBIGUITY_SHEET)
    widths = [14, 26, 12, 24, 16, 24, 12, 26, 24, 24, 24, 24]
    for i, width in enumerate(widths):
        sheet.set_column(i, i, width, cells.format(**(pick if i == 0 else text)))
    for c, header in enumerate(AMBIGUITY_HEADERS):
        cells.write(sheet, 0, c, header, **head)
    for r, row in enumerate(candidates[list(AMBIGUITY_COLUMNS)].itertuples(index=False), start=1):
        for c, value in enumerate(row):
            cells.write(sheet, r, c, value, **(pick if c == 0 else text))
    if len(candidates):
        sheet.data_validation(1, 0, len(candidates), 0, {
            "validate": "list", "source": ["x"], "ignore_blank": True,
            "input_title": "选择", "input_message": "在正确的候选上填 x；每条线索每个对象只选一个"})
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(candidates), 1), len(AMBIGUITY_COLUMNS) - 1)
    guide = book.add_worksheet("说明 How to")
    guide.set_column(0, 0, 110)
    for r, line in enumerate((
        "每一行是一条线索的一个候选记录：同一线索按手机号或邮箱匹配到了多个客户、联系人或商机，系统不做猜测。",
        "在正确候选行的“选择 choose”列填 x（每条线索、每个对象只选一行；都不对就留空）。",
        "然后运行: mktctl leads link --resolve ambiguities.xlsx --out DIR",
        "Each row is one candidate for one lead: the lead's phone or email matched several records.",
        "Put an x in the 'choose' column of the right candidate (one per lead and object; none if none is right),",
        "then run: mktctl leads link --resolve ambiguities.xlsx --out DIR",
    )):
        cells.write(guide, r, 0, line)
    book.close()
    tmp.replace(path)


# ---- resolve ---------------------------------------------------------------------------------------


def resolve_ambiguities(tenant: Tenant, decisions: Path | pd.DataFrame, out_dir: Path,
                        options: LinkOptions | None = None, progress: Progress | None = None) -> LinkResult:
    """Apply the ``x`` marks of an ambiguities.xlsx (its path, or what :func:`read_ambiguity_workbook` read of
    it before the tenant was opened): one mark per lead and object links it; several are refused
    (``failed``, nothing written for that pair); none leaves it undecided. Holds the tenant's write lock
    while it writes."""
    import pandas as pd

    from mktctl.tenant.writelock import write_lock

    options = options or LinkOptions()
    progress = progress or NoProgress()
    private_dir(out_dir)
    sheet = decisions if isinstance(decisions, pd.DataFrame) else read_ambiguity_workbook(decisions)
    marked = sheet[sheet["choose"].str.strip() != ""]
    rows = []
    for (lead_id, obj), group in sheet.groupby(["lead_id", "object"], sort=True):
        chosen = marked[(marked["lead_id"] == lead_id) & (marked["object"] == obj)]
        if len(chosen) == 1:
            rows.append((lead_id, obj, "linked", chosen["candidate_id"].iloc[0], "person", str(len(group)), ""))
        elif len(chosen) > 1:
            rows.append((lead_id, obj, "failed", "", "", str(len(group)),
                         f"{len(chosen)} candidates are marked; mark one"))
        else:
            rows.append((lead_id, obj, "ambiguous", "", "", str(len(group)), "no candidate marked"))
    decided = pd.DataFrame(rows, columns=list(RESULT_COLUMNS), dtype="str")
    with write_lock(tenant, "mktctl leads link --resolve"):
        stopped = apply_links(tenant, decided, options, progress)
    path = out_dir / "resolve_results.csv"
    _write_csv(path, decided)
    objects = tuple(sorted(set(decided["object"]))) if len(decided) else ()
    counts = _counts(decided, objects)
    summary = {"decisions_file": str(decisions), "pairs": len(decided), "counts": counts, "stopped": stopped}
    _write_json(out_dir / "resolve_summary.json", summary)
    return LinkResult(out_dir=out_dir, counts=counts, leads=int(decided["lead_id"].nunique()) if len(decided) else 0,
                      files={"resolve_results.csv": path, "resolve_summary.json": out_dir / "resolve_summary.json"},
                      summary=summary, stopped=stopped)


def read_ambiguity_workbook(path: Path) -> pd.DataFrame:
    import pandas as pd

    from mktctl.leads.fields import fold_header
    from mktctl.leads.read import open_source

    source = open_source(path, prefer_sheet=AMBIGUITY_SHEET, header_row=1)  # guarded like every lead file
    folded = [fold_header(h) for h in source.info.headers]
    wanted = {fold_header(h): c for h, c in zip(AMBIGUITY_HEADERS, AMBIGUITY_COLUMNS, strict=True)}
    positions = {wanted[f]: i for i, f in enumerate(folded) if f in wanted}
    missing = [c for c in ("choose", "lead_id", "object", "candidate_id") if c not in positions]
    if missing:
        raise e.DataFileError(f"{path}: not an ambiguities workbook of mktctl (no {', '.join(missing)} column)",
                              file=str(path), hint="give the ambiguities.xlsx that `mktctl leads link` wrote")
    frames = [chunk.frame for chunk in source.chunks(100_000)]
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out = pd.DataFrame({c: (data[f"c{positions[c]}"] if len(data) else pd.Series([], dtype="str"))
                        for c in positions})
    out = out.fillna("").astype("str")
    bad = set(out["object"]) - set(TARGETS)
    if bad:
        raise e.DataFileError(f"{path}: unknown object {sorted(bad)[0]!r} in the object column", file=str(path))
    return out[out["lead_id"] != ""].reset_index(drop=True)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    private_file(path).write_text(redacted_json(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    """A result CSV: mode 0600, formula-safe and redacted (see :mod:`mktctl.leads.cells`)."""
    neutralise_frame(frame).to_csv(private_file(path), index=False, encoding="utf-8-sig")
