"""History imports (历史数据导入), guide 2.3: lead files that ``mktctl apply`` imports.

An import is a job, not a setting: the plan shows ``+ imports/FILE`` until the file, as it is now and with
these options, has been imported to the tenant completely; then it is unchanged. Changing the file or the
options plans it again (a rerun matches existing leads, so nothing is doubled). The rows, their outcomes
and the journal that lets a killed run resume live in ``.mktctl/imports/<file stem>-<hash of its path>/``, one
folder per entry (see docs/leads.md).

The playbook's ``lead_cleaning`` (test names, mobiles and email domains; competitor domains) cleans every
import, as it does ``mktctl leads check`` and ``import``: :func:`cleaning_rules` builds the rules from a
loaded playbook, for this kind and for the command line alike, and a change of them plans the imports again.
Competitors are declared once, in ``lead_cleaning``: an entry's own ``competitor_domains`` are for a playbook
without it (validate reports a domain only an entry names as an error, and one said twice as a warning).
An import runs after the playbook's ``lead_fields`` are applied: its ``columns`` (and mapping file) may name
their custom fields by api name or label.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mktctl.base.inputs import file_problem
from mktctl.kinds.base import Finding, JobFailed, Kind, Playbook, Reference, Resource, Spec
from mktctl.kinds.lead_fields import declared_fields
from mktctl.kinds.lead_rules import LeadCleaningSpec
from mktctl.leads.rules import NO_RULES, CleaningRules
from mktctl.leads.spec import ImportSpec

if TYPE_CHECKING:
    from mktctl.leads.eta import ImportEta
    from mktctl.tenant.connect import Tenant

_READ_CHUNK = 1 << 20


def cleaning_rules(playbook: Playbook) -> CleaningRules:
    """The lead cleaning rules that the playbook's ``lead_cleaning`` adds to the built-in ones: its test data
    (names, mobiles, email domains) and competitor domains. No ``lead_cleaning``: no rules."""
    competitors: list[str] = []
    names: list[str] = []
    mobiles: list[str] = []
    email_domains: list[str] = []
    for resource in playbook.of("lead_cleaning"):
        spec = resource.spec
        assert isinstance(spec, LeadCleaningSpec)
        competitors.extend(spec.competitor_domains)
        if spec.test_data is not None:
            names.extend(spec.test_data.names)
            mobiles.extend(spec.test_data.mobiles)
            email_domains.extend(spec.test_data.email_domains)
    return CleaningRules(competitor_domains=tuple(dict.fromkeys(competitors)), test_names=tuple(names),
                         test_mobiles=tuple(mobiles), test_email_domains=tuple(email_domains))


def _competitors(spec: Import, playbook: Playbook) -> Iterable[Finding]:
    """``lead_cleaning.competitor_domains`` is the playbook's one list of competitors, and every import uses
    it. An entry's own list stands in for it only in a playbook without ``lead_cleaning``: with one, a domain
    only the entry names is a disagreement (its people would be rejected here, but not from the channels, by
    the MQL or in ``mktctl test``), and a domain the list already has is said twice."""
    cleaning = playbook.of("lead_cleaning")
    if not cleaning or not spec.competitor_domains:
        return
    declared = cleaning[0].spec.competitor_domains
    where = cleaning[0].mark(("competitor_domains",))
    for index, domain in enumerate(spec.competitor_domains):
        if any(domain == known or domain.endswith(f".{known}") for known in declared):
            yield Finding(("competitor_domains", index), f"competitor domain {domain!r} is already in "
                          f"lead_cleaning.competitor_domains ({where}), which every import uses: remove it here",
                          severity="warning")
        else:
            yield Finding(("competitor_domains", index), f"competitor domain {domain!r} is not in "
                          f"lead_cleaning.competitor_domains ({where}): this import would reject its people, but "
                          "leads from the channels, the MQL and `mktctl test` would not; declare competitors once, "
                          "in lead_cleaning")


class Import(ImportSpec, Spec):  # type: ignore[misc]
    """One lead file to import (the fields of :class:`mktctl.leads.spec.ImportSpec`, and what they mean in
    Chinese)."""

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "file": "线索文件（XLSX、XLS 或 CSV），路径相对于方案文件夹",
        "sheet": "读取的工作表（默认：带线索表头的那个）",
        "mapping": "列映射文件，路径相对于方案文件夹",
        "columns": "表头 → 字段：线索字段、销售线索自定义字段的API名称或显示名称，"
                   "或填 `ignore` 忽略该列；优先于映射文件",
        "competitor_domains": "这些域名的邮箱的线索会被拒绝（方案中有线索清洗时，请在线索清洗中填写）",
        "keep": "同一个人有多行时保留哪一行",
        "source": "每一行线索的线索来源",
        "event": "要关联的市场活动，填活动名称",
        "pool": "线索存入的线索池，填线索池名称",
        "on_existing": "线索已存在（手机号或邮箱相同）时的处理方式",
    }


class ImportFailed(JobFailed):
    """Some rows of an import failed; the results say which, and the next apply retries them."""


class Imports(Kind[Import]):
    name = "imports"
    title = "历史数据导入"
    summary = "Lead files to import, cleaned and deduplicated, every row accounted for"
    guide = "2.3"
    model = Import
    key_field = "file"
    depends_on = ("lead_pools", "lead_fields")
    job = True
    labels: ClassVar[Mapping[str, Mapping[str, str]]] = {
        "keep": {"first": "保留第一行", "last": "保留最后一行"},
        "on_existing": {"skip": "跳过", "fill-empty": "只补充空字段", "overwrite": "覆盖"}}

    def references(self, spec: Import) -> Iterable[Reference]:
        if spec.pool:
            yield Reference(("pool",), "lead_pools", spec.pool)

    def check(self, resource: Resource[Import], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        for field in ("file", "mapping"):
            value = getattr(spec, field)
            if value is None:
                continue
            path = (playbook.root / value).resolve()
            if Path(value).is_absolute() or not path.is_relative_to(playbook.root):
                yield Finding((field,), f"{field} {value!r} must be inside the playbook folder")
            elif (problem := file_problem(path, what=f"{field} to import" if field == "file" else "mapping file")):
                yield Finding((field,), f"{field} {value!r}: {problem}")
        yield from self._columns(spec, playbook)
        yield from _competitors(spec, playbook)

    def _columns(self, spec: Import, playbook: Playbook) -> Iterable[Finding]:
        """Each column names a lead field, ignore, a custom field the playbook declares (api name or label),
        or another custom field by its api name (the tenant's, checked when the import runs)."""
        from mktctl.errors import PlaybookError
        from mktctl.leads.mapping import resolve_columns

        fields = declared_fields(playbook)
        for header, target in spec.columns.items():
            if target.endswith("__c") and fields.find(target) is None:
                continue
            try:
                resolve_columns({header: target}, fields)
            except PlaybookError as error:
                yield Finding(("columns", header), error.problems[0].message)

    def settings_state(self, spec: Import) -> dict[str, Any] | None:
        return None  # a job: nothing is kept on the tenant as a setting

    def job_digest(self, spec: Import, playbook: Playbook) -> str:
        """Changes when the file's content, the import's options or the playbook's cleaning rules change."""
        content = hashlib.sha256()
        with (playbook.root / spec.file).open("rb") as stream:
            while chunk := stream.read(_READ_CHUNK):
                content.update(chunk)
        dumped = spec.model_dump(mode="json")
        if not dumped.get("columns"):
            dumped.pop("columns", None)  # without columns, the digest of an import is what it always was
        inputs: dict[str, Any] = {"spec": dumped, "file": content.hexdigest()}
        rules = cleaning_rules(playbook)
        if rules != NO_RULES:  # without lead_cleaning, the digest of an import is what it always was
            inputs["cleaning"] = rules.describe()
        return playbook.state_digest(inputs)

    def run(self, tenant: Tenant, spec: Import, playbook: Playbook, *,
            on_estimate: Callable[[ImportEta], None] | None = None) -> dict[str, int]:
        """Import the file, cleaned by the playbook's rules; return the outcome counts. Raise ImportFailed when
        rows failed or it stopped. Against a tenant with a rate limit, ``on_estimate`` gets the import's
        estimate (:mod:`mktctl.leads.eta`) before its first write."""
        from mktctl.leads.spec import run_import_spec

        result = run_import_spec(tenant, playbook.root, spec, rules=cleaning_rules(playbook),
                                 fields=declared_fields(playbook), on_estimate=on_estimate)
        counts = {k: int(v) for k, v in result.outcomes.items()}
        if result.stopped:
            raise ImportFailed(f"the import of {spec.file} stopped: {result.stopped}")
        if result.failed:
            raise ImportFailed(f"{result.failed} row(s) of {spec.file} failed; see {result.out_dir}/results.xlsx")
        return counts

    def example(self) -> Any:
        return {"file": "data/历史线索.xlsx", "source": "线下展会", "on_existing": "fill-empty"}


KINDS = [Imports()]
