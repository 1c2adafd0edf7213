"""``leads import``: check a file, match its people against the tenant's leads, create or update them.

``import_leads(tenant, path, options, out_dir, progress=None, rules=NO_RULES, fields=NO_CUSTOM_FIELDS,``
``on_estimate=None) -> ImportResult``

1. the tenant's lead fields are read (``object/describe``): its custom fields, with those the caller
   declares (``fields``, a playbook's ``lead_fields``), are what a column may feed;
2. the check pipeline (:func:`mktctl.leads.check.run_check`, with the cleaning ``rules`` the caller passes,
   e.g. a playbook's ``lead_cleaning``): rejected rows and duplicates are never sent;
   the tenant's picklist options, and the ids of ``--event`` (MarketingEventObj) and
   ``--pool`` (LeadsPoolObj) by name, are read; an unknown name stops the import before any write; a custom
   field's value is written as its type takes it (a number, epoch milliseconds, option values);
3. every accepted person is looked up among the existing leads by mobile and by email, with ``IN``
   queries of 100 values (:mod:`mktctl.leads.match`), 500 rows at a time, while the rows matched before
   are written (:mod:`mktctl.leads.writes`: the queries and the writes are different interfaces, limited
   apart on the platform);
4. (:mod:`mktctl.leads.decide`) no match: created. One match: ``--on-existing skip`` (the default) leaves
   it ``unchanged``; ``fill-empty`` writes the fields that are empty on the lead; ``overwrite`` writes every
   field the file has and the lead differs in; nothing to write is ``unchanged``. Several matches: nothing
   is guessed, the row ``failed`` with their ids (``skip`` reports it ``unchanged``);
5. writes go in batches (default 100) over a few concurrent workers, each batch's start lines journalled
   and fsynced before its calls (:mod:`mktctl.leads.journal`), up to two batches in flight so that a call
   waiting out a retry does not idle the other workers; a rerun skips what the journal says is done, and
   looks up before creating what a crash left unknown, so no run ever creates a duplicate. ``retry_failed``
   attempts only the rows that failed last time (the others not yet attempted stay ``not_attempted``).

One import at a time runs in a result folder (a lock file, ``import.lock``, says who holds it). An
unreachable tenant, an exhausted quota or refused credentials stop the import: the rows not yet
attempted are ``not_attempted`` and ``ImportResult.stopped`` says why; running the same command again
continues. Every accepted row ends with one outcome: created, updated, unchanged, failed or not_attempted.

Against a tenant with a rate limit, ``on_estimate`` is given the job's estimate (:mod:`mktctl.leads.eta`)
once the rows to attempt are known, before the first write.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl import errors as e
from mktctl.leads import results
from mktctl.leads.check import CheckOptions, CheckRun, run_check
from mktctl.leads.decide import OnExisting, Settled, decide_chunk
from mktctl.leads.eta import ImportEta, import_eta
from mktctl.leads.fields import NO_CUSTOM_FIELDS, CustomFields
from mktctl.leads.journal import Journal, person_key
from mktctl.leads.match import Existing, find_existing, index_records, lookups_needed, spellings
from mktctl.leads.private import private_dir
from mktctl.leads.progress import NoProgress, Progress
from mktctl.leads.rules import NO_RULES, CleaningRules
from mktctl.leads.spill import read_accepted
from mktctl.leads.summary import OUTCOMES, CheckSummary, ImportReport
from mktctl.leads.writes import WriteTask, Written, write_pipeline

if TYPE_CHECKING:
    import pandas as pd

    from mktctl.tenant.connect import Tenant
    from mktctl.tenant.describe import FieldInfo

LEADS = "LeadsObj"
# file field → LeadsObj field, written as text
TEXT_FIELDS = ("name", "company", "mobile", "tel", "email", "province", "city", "job_title", "remark", "url")
MATCH_ROWS = 5  # batches of rows matched at once: 500 rows fill the 100 values of each IN query
MATCH_FIELDS = ("_id", "name", "company", "mobile", "tel", "email", "province", "city", "industry", "job_title",
                "source", "remark", "url", "marketing_event_id", "leads_pool_id")


@dataclass(frozen=True)
class ImportOptions:
    check: CheckOptions = field(default_factory=CheckOptions)
    source: str | None = None  # channel for every row (label or option value)
    event: str | None = None  # MarketingEventObj name
    pool: str | None = None  # LeadsPoolObj name
    on_existing: OnExisting = "skip"
    retry_failed: bool = False
    batch_size: int = 100
    workers: int = 4
    timezone: str = "Asia/Shanghai"
    full_scan: bool = False  # match against every lead read, not IN lookups: finds odd spellings too

    def describe(self) -> dict[str, Any]:
        return {"source": self.source, "event": self.event, "pool": self.pool, "on_existing": self.on_existing,
                "retry_failed": self.retry_failed, "batch_size": self.batch_size, "workers": self.workers,
                "full_scan": self.full_scan}


@dataclass(frozen=True)
class ImportResult:
    run: CheckRun
    out_dir: Path
    files: dict[str, Path]
    summary: CheckSummary  # the check's, with the import's report and the timings of the result files

    @property
    def report(self) -> ImportReport:
        assert self.summary.imported is not None  # an import's summary always has its report
        return self.summary.imported

    @property
    def outcomes(self) -> dict[str, int]:
        """Accepted rows per outcome: created, updated, unchanged, failed, not_attempted."""
        return dict(self.report.outcomes)

    @property
    def stopped(self) -> str | None:
        """Why the import stopped early (the tenant unreachable, out of quota, ...), if it did."""
        return self.report.stopped

    @property
    def failed(self) -> int:
        return self.report.outcomes.get("failed", 0)


def import_leads(tenant: Tenant, path: Path, options: ImportOptions, out_dir: Path,
                 progress: Progress | None = None, *, rules: CleaningRules = NO_RULES,
                 fields: CustomFields = NO_CUSTOM_FIELDS,
                 on_estimate: Callable[[ImportEta], None] | None = None) -> ImportResult:
    """Import ``path`` into ``tenant``. Against a tenant with a rate limit (a real one), ``on_estimate`` is
    given the job's estimate (:mod:`mktctl.leads.eta`) once the rows to write are known, before any write."""
    from mktctl.base.lock import RunLock
    from mktctl.tenant.describe import ObjectInfo
    from mktctl.tenant.writelock import write_lock

    progress = progress or NoProgress()
    started = time.perf_counter()
    private_dir(out_dir)
    # one import at a time per result folder: two would both create what the journal has not recorded yet
    with RunLock(out_dir, "import", "mktctl leads import"), \
            tempfile.TemporaryDirectory(prefix=".mktctl-leads-", dir=out_dir) as work:
        describe = tenant.client.crm_describe(LEADS)
        run = run_check(Path(path), options.check, Path(work), progress, rules=rules,
                        fields=fields.with_tenant(ObjectInfo.from_describe(describe)))
        accepted = read_accepted(run.spill)
        t0 = time.perf_counter()
        # one writer per tenant: another import of the same people would create them again
        with write_lock(tenant, "mktctl leads import"):
            plan = _Plan.prepare(tenant, options, accepted, describe)
            journal = Journal.open(out_dir, tenant_identity(tenant), {
                "file": str(Path(path).resolve()), "sha256": _sha256(Path(path)), "options": options.describe()})
            try:
                outcomes, stopped, calls = _execute(tenant, plan, accepted, journal, options, progress, on_estimate)
            finally:
                journal.close()
        report = ImportReport(
            outcomes=_count_outcomes(outcomes), tenant_name=tenant.name, tenant_kind=tenant.settings.describe(),
            options=options.describe(), journal=str(journal.path), stopped=stopped,
            tenant_seconds=time.perf_counter() - t0, write_calls=calls,
            fields_not_on_tenant=tuple(sorted(plan.missing_fields)))
        written = results.write_all(run.summary.with_import(report), run.spill, out_dir, outcomes=outcomes,
                                    progress=progress, started=started)
    return ImportResult(run=run, out_dir=out_dir, files=written.files, summary=written.summary)


def _count_outcomes(outcomes: pd.DataFrame) -> dict[str, int]:
    """Accepted rows per outcome (the frame has one row per accepted row)."""
    counted = outcomes["outcome"].value_counts()
    return {name: int(counted.get(name, 0)) for name in OUTCOMES}


def tenant_identity(tenant: Tenant) -> str:
    """Which tenant (not its state): the journal of one is never applied to another."""
    where = tenant.settings.shown_url or f"embedded:{tenant.settings.sandbox_data}"
    return hashlib.sha256(f"{where}|{tenant.client.corp_id}".encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Plan:
    """What the tenant says before any write: picklists, event and pool ids, its fields."""

    source_value: str | None
    source_lookup: Callable[[pd.Series], pd.Series]
    industry_lookup: Callable[[pd.Series], pd.Series]
    event_id: str | None
    pool_id: str | None
    fields: set[str]
    missing_fields: set[str]
    custom: dict[str, FieldInfo] = field(default_factory=dict)  # the custom fields the file feeds

    @classmethod
    def prepare(cls, tenant: Tenant, options: ImportOptions, accepted: pd.DataFrame,
                describe: dict[str, Any]) -> _Plan:
        from mktctl.leads import picklists
        from mktctl.tenant.describe import ObjectInfo

        info = ObjectInfo.from_describe(describe)
        fields = set(info.fields)
        source = picklists.from_describe("source", describe)
        industry = picklists.from_describe("industry", describe)
        source_value = None
        if options.source:
            source_value = source.value_of(options.source)
            if source_value is None:
                from mktctl.base.suggest import did_you_mean

                labels = [label for _, label in source.options]
                raise e.SettingsError(f"--source {options.source!r} is not a lead source of the tenant",
                                      hint=did_you_mean(options.source, labels) or f"sources: {', '.join(labels)}")
        event_id = _id_by_name(tenant, "MarketingEventObj", options.event, "--event") if options.event else None
        pool_id = _id_by_name(tenant, "LeadsPoolObj", options.pool, "--pool") if options.pool else None
        custom_columns = [c for c in accepted.columns if c.endswith("__c")]
        wanted = {*TEXT_FIELDS, "industry", "source", "create_time", *custom_columns}
        used = {k for k in wanted if k in accepted.columns and (accepted[k] != "").any()}
        missing = {k for k in used if k not in fields}
        custom = {k: info.fields[k] for k in sorted(used - missing) if k.endswith("__c")}
        return cls(source_value=source_value,
                   source_lookup=lambda s: picklists.values(s, source),
                   industry_lookup=lambda s: picklists.values(s, industry),
                   event_id=event_id, pool_id=pool_id, fields=fields, missing_fields=missing, custom=custom)


def _id_by_name(tenant: Tenant, api_name: str, name: str, option: str) -> str:
    rows, _ = tenant.client.crm_query(api_name, [{"field_name": "name", "field_values": [name], "operator": "EQ"}],
                                      limit=10, fields=["_id", "name"])
    if len(rows) == 1:
        return str(rows[0]["_id"])
    if not rows:
        raise e.SettingsError(f"{option} {name!r}: no {api_name} of that name on the tenant",
                              hint="create it first (in the playbook, or in the CRM), or check the spelling")
    raise e.SettingsError(f"{option} {name!r}: {len(rows)} {api_name} records have that name",
                          hint="rename them so that the name is unique")


def _record_fields(plan: _Plan, accepted: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The LeadsObj field values of every accepted row, vectorised; "" where there is no value."""
    from mktctl.leads.normalise import to_epoch_ms

    out = accepted[[k for k in TEXT_FIELDS if k in accepted.columns]].copy()
    out["industry"] = plan.industry_lookup(accepted["industry"])
    if plan.source_value is not None:
        out["source"] = plan.source_value
    else:
        out["source"] = plan.source_lookup(accepted["source"])
    epoch = to_epoch_ms(accepted["create_time"], timezone)
    out["create_time"] = epoch.astype("string").fillna("").astype("str")
    if plan.event_id:
        out["marketing_event_id"] = plan.event_id
    if plan.pool_id:
        out["leads_pool_id"] = plan.pool_id
    for name, described in plan.custom.items():
        out[name] = _custom_values(accepted[name], described, timezone)
    keep = [c for c in out.columns if c in plan.fields]
    return out[keep]


def _custom_values(canonical: pd.Series, described: FieldInfo, timezone: str) -> pd.Series:
    """A custom field's canonical texts as the platform takes them ("" where there is no value)."""
    import pandas as pd

    from mktctl.leads.custom import api_value

    codes, distinct = pd.factorize(canonical.fillna(""))
    table = [api_value(str(text), described, timezone) for text in distinct]
    values = [("" if table[code] is None else table[code]) if code >= 0 else "" for code in codes]
    return pd.Series(values, index=canonical.index, dtype="object")


def _execute(tenant: Tenant, plan: _Plan, accepted: pd.DataFrame, journal: Journal, options: ImportOptions,
             progress: Progress, on_estimate: Callable[[ImportEta], None] | None
             ) -> tuple[pd.DataFrame, str | None, int]:
    import numpy as np
    import pandas as pd

    n = len(accepted)
    rows = accepted["source_row"].to_numpy(dtype=np.int64)
    mobiles = accepted["mobile"].tolist()
    emails = accepted["email"].tolist()
    tels, names, companies = (accepted[c].tolist() if c in accepted.columns else [""] * n
                              for c in ("tel", "name", "company"))
    keys = [person_key(m, em, tel=t, name=na, company=co)
            for m, em, t, na, co in zip(mobiles, emails, tels, names, companies, strict=True)]
    lookups = [(m, em, t, na) for m, em, t, na in zip(mobiles, emails, tels, names, strict=True)]
    outcome = np.full(n, "not_attempted", dtype=object)
    record_id = np.full(n, "", dtype=object)
    error = np.full(n, "", dtype=object)
    attempt: list[int] = []
    for i, key in enumerate(keys):
        entry = journal.entries.get(key)
        if entry is not None and entry.state == "done":
            outcome[i], record_id[i] = entry.outcome, entry.record_id
        elif entry is not None and entry.state == "failed":
            outcome[i], error[i] = "failed", entry.error
            attempt.append(i)
        elif not options.retry_failed or (entry is not None and entry.state == "start"):  # started: unknown
            attempt.append(i)
    calls = 0
    stopped: str | None = None
    if attempt:
        fields = [f for f in MATCH_FIELDS if f == "_id" or f in plan.fields] + list(plan.custom)
        scanned: Existing | None = None
        if options.full_scan:
            progress.phase("match", None)
            scanned = Existing()
            for record in tenant.client.crm_iter(LEADS, fields=fields):
                scanned.records[str(record["_id"])] = record
            index_records(scanned, ("mobile",), ("email",))

        def match(chunk: list[int]) -> Existing:
            if scanned is not None:
                return scanned
            return find_existing(tenant.client, LEADS, {"mobile": [mobiles[i] for i in chunk],
                                                        "email": [emails[i] for i in chunk]},
                                 fields=fields, phone_fields=("mobile",), email_fields=("email",))

        values = _record_fields(plan, accepted, options.timezone)
        columns, matrix = list(values.columns), values.to_numpy(dtype=object)
        settled = Settled(rows, outcome, record_id, error, journal)

        def plan_chunk(chunk: list[int], existing: Existing) -> list[WriteTask]:
            return decide_chunk(chunk, keys, rows, lookups, columns, matrix, existing, journal, options.on_existing,
                                settled, lambda who: _lookup(tenant, *who))

        progress.phase("import", len(attempt))
        size = max(1, options.batch_size)
        chunks = [attempt[start:start + MATCH_ROWS * size] for start in range(0, len(attempt), MATCH_ROWS * size)]
        limit = tenant.settings.rate_limit
        if on_estimate is not None and limit is not None:
            queries = 0 if scanned is not None else sum(
                lookups_needed({"mobile": [mobiles[i] for i in chunk], "email": [emails[i] for i in chunk]},
                               phone_fields=("mobile",)) for chunk in chunks)
            setup = 2 + bool(options.event) + bool(options.pool)  # token, describe, --event, --pool
            if scanned is not None:
                from mktctl.tenant.client import PAGE_LIMIT

                setup += len(scanned.records) // PAGE_LIMIT + 1
            estimate = import_eta(len(attempt), queries, other_calls=setup, limit=limit,
                                  daily_quota=tenant.settings.daily_quota)
            on_estimate(dataclasses.replace(estimate, journal=str(journal.path)))
        calls, stopped = write_pipeline(tenant.client, chunks, match, plan_chunk, _writer(tenant), settled.finish,
                                        journal, batch_size=size, workers=options.workers, progress=progress)
    frame = pd.DataFrame({"source_row": rows, "outcome": pd.Series(outcome, dtype="str"),
                          "record_id": pd.Series(record_id, dtype="str"), "error": pd.Series(error, dtype="str")})
    return frame, stopped, calls


def _lookup(tenant: Tenant, mobile: str, email: str, tel: str, name: str) -> str | None:
    """The lead a create may have made before its answer was lost: by mobile, else by email, else (a person
    with neither) by landline and name."""
    client = tenant.client
    searches: list[list[dict[str, Any]]] = []
    if mobile:
        searches.append([{"field_name": "mobile", "field_values": spellings(mobile), "operator": "IN"}])
    if email:
        searches.append([{"field_name": "email", "field_values": [email], "operator": "IN"}])
    if not mobile and not email and tel:
        searches.append([{"field_name": "tel", "field_values": [tel], "operator": "IN"},
                         {"field_name": "name", "field_values": [name], "operator": "EQ"}])
    for filters in searches:
        found, _ = client.crm_query(LEADS, filters, limit=10, fields=["_id"])
        if found:
            return str(found[0]["_id"])
    return None


def _writer(tenant: Tenant) -> Callable[[WriteTask], Written]:
    """One write call: create (looking the person up before a retry, so a lost answer makes no duplicate)
    or update."""
    client = tenant.client

    def write(task: WriteTask) -> Written:
        try:
            if task.op == "create":
                mobile, email, tel, name = task.lookup
                new_id = client.crm_create(LEADS, task.fields, specify_time=task.specify_time,
                                           recover=lambda: _lookup(tenant, mobile, email, tel, name))
                return Written(task, "created", new_id)
            client.crm_update(LEADS, task.record_id, task.fields)
            return Written(task, "updated", task.record_id)
        except e.MktctlError as failure:
            return Written(task, "failed", task.record_id, failure)

    return write
