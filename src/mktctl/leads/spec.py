"""The playbook's ``imports:`` section: history imports that ``mktctl apply`` runs.

``ImportSpec`` is one entry::

    imports:
      - file: data/2023展会线索.xlsx     # relative to the playbook folder
        sheet: 线索                       # optional
        mapping: data/map.yaml            # optional, see docs/leads.md
        columns: {预算金额: budget__c}      # optional: header → field, over the mapping file's
        competitor_domains: [rival.cn]    # optional
        keep: first                       # first | last
        source: 线下展会                   # optional: the lead source of every row
        event: 2023 上海工业展              # optional: MarketingEventObj name
        pool: 华东线索池                    # optional: LeadsPoolObj name
        on_existing: skip                 # skip | fill-empty | overwrite

``run_import_spec(tenant, playbook_dir, spec, out_dir=None, progress=None, *, rules, fields) -> ImportResult``
runs it with :func:`mktctl.leads.importer.import_leads` and the playbook's cleaning rules, which the caller
builds from the playbook (:func:`mktctl.kinds.imports.cleaning_rules`) and must pass: an entry's own
``competitor_domains`` add to them; ``fields`` are the custom fields the playbook's ``lead_fields`` declares
(:func:`mktctl.kinds.lead_fields.declared_fields`), which ``columns`` and the mapping file may name.
``default_out_dir(playbook_dir, spec)`` is where its result files and journal live when the caller has no
better place (``.mktctl/imports/<file stem>``), so that a second ``apply`` resumes rather than repeats.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mktctl.leads.check import CheckOptions
from mktctl.leads.fields import NO_CUSTOM_FIELDS, CustomFields
from mktctl.leads.importer import ImportOptions, ImportResult, import_leads
from mktctl.leads.progress import Progress
from mktctl.leads.rules import CleaningRules

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant


class ImportSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="the lead file (xlsx, xls or csv), relative to the playbook folder")
    sheet: str | None = Field(default=None, description="the sheet to read (default: the one with lead headers)")
    mapping: str | None = Field(default=None, description="a column mapping file, relative to the playbook folder")
    columns: dict[str, str] = Field(default_factory=dict,
                                    description="header → field: a lead field, a custom field of 销售线索 by api "
                                                "name or label, or ignore; over the mapping file's")
    competitor_domains: list[str] = Field(default_factory=list, description="emails of these domains are rejected")
    keep: Literal["first", "last"] = Field(default="first", description="which of a person's rows survives")
    source: str | None = Field(default=None, description="the lead source (线索来源) of every row")
    event: str | None = Field(default=None, description="the marketing event (市场活动) to attach, by name")
    pool: str | None = Field(default=None, description="the lead pool (线索池) to put the leads in, by name")
    on_existing: Literal["skip", "fill-empty", "overwrite"] = Field(
        default="skip", description="what to do with a lead that already exists (same mobile or email)")

    @field_validator("file")
    @classmethod
    def _relative(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("file must name a lead file")
        return value

    @field_validator("competitor_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        cleaned = [d.strip().lower().lstrip("@") for d in value if d and d.strip()]
        for domain in cleaned:
            if "." not in domain or " " in domain:
                raise ValueError(f"{domain!r} is not a domain like rival.cn")
        return cleaned

    @property
    def key(self) -> str:
        """The natural key of an import: its file."""
        return self.file

    def path(self, playbook_dir: Path) -> Path:
        return (playbook_dir / self.file).resolve()

    def options(self, playbook_dir: Path) -> ImportOptions:
        check = CheckOptions(sheet=self.sheet, mapping=(playbook_dir / self.mapping) if self.mapping else None,
                             competitor_domains=tuple(self.competitor_domains), keep=self.keep,
                             columns=tuple((str(h), str(t)) for h, t in self.columns.items()))
        return ImportOptions(check=check, source=self.source, event=self.event, pool=self.pool,
                             on_existing=self.on_existing)


def default_out_dir(playbook_dir: Path, spec: ImportSpec) -> Path:
    stem = Path(spec.file).stem or "import"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)
    return playbook_dir / ".mktctl" / "imports" / safe


def run_import_spec(tenant: Tenant, playbook_dir: Path, spec: ImportSpec, out_dir: Path | None = None,
                    progress: Progress | None = None, *, rules: CleaningRules,
                    fields: CustomFields = NO_CUSTOM_FIELDS) -> ImportResult:
    out = out_dir if out_dir is not None else default_out_dir(playbook_dir, spec)
    return import_leads(tenant, spec.path(playbook_dir), spec.options(playbook_dir), out, progress, rules=rules,
                        fields=fields)
