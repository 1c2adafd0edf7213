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

``run_import_spec(tenant, playbook_dir, spec, out_dir=None, progress=None, *, rules, fields, on_estimate=None)``
``-> ImportResult``
runs it with :func:`mktctl.leads.importer.import_leads` and the playbook's cleaning rules, which the caller
builds from the playbook (:func:`mktctl.kinds.imports.cleaning_rules`) and must pass: an entry's own
``competitor_domains`` add to them; ``fields`` are the custom fields the playbook's ``lead_fields`` declares
(:func:`mktctl.kinds.lead_fields.declared_fields`), which ``columns`` and the mapping file may name.
``default_out_dir(playbook_dir, spec)`` is where its result files and journal live when the caller has no
better place, so that a second ``apply`` resumes rather than repeats: ``.mktctl/imports/<file stem>-<8 hex
digits>``, the digits a hash of the file's path in the playbook folder. So ``a/leads.csv`` and ``b/leads.csv``
never share a folder (each would overwrite the other's results and journal), and a rerun finds its folder
again.

A result folder of an older mktctl (``.mktctl/imports/<file stem>``) is moved to the new name by the first
``run_import_spec`` after the upgrade, when its journal says it was this file's last; otherwise (it was the
other file of a same-named pair) it is left alone, and the import starts a new folder: it matches the people
already on the tenant, so nothing is created twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from collections.abc import Callable

    # the import machinery (pandas-facing checks and results) is imported when an import runs, not when a
    # playbook that declares one is loaded
    from mktctl.leads.eta import ImportEta
    from mktctl.leads.fields import CustomFields
    from mktctl.leads.importer import ImportOptions, ImportResult
    from mktctl.leads.progress import Progress
    from mktctl.leads.rules import CleaningRules
    from mktctl.tenant.connect import Tenant


class ImportSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(title="文件", description="the lead file (xlsx, xls or csv), relative to the playbook folder")
    sheet: str | None = Field(default=None, title="工作表",
                              description="the sheet to read (default: the one with lead headers)")
    mapping: str | None = Field(default=None, title="字段映射文件",
                                description="a column mapping file, relative to the playbook folder")
    columns: dict[str, str] = Field(default_factory=dict, title="列映射",
                                    description="header → field: a lead field, a custom field of 销售线索 by api "
                                                "name or label, or ignore; over the mapping file's")
    competitor_domains: list[str] = Field(default_factory=list, title="竞品邮箱域名",
                                          description="emails of these domains are rejected (in a playbook with "
                                                      "lead_cleaning, declare them there)")
    keep: Literal["first", "last"] = Field(default="first", title="重复行保留",
                                           description="which of a person's rows survives")
    source: str | None = Field(default=None, title="线索来源", description="the lead source (线索来源) of every row")
    event: str | None = Field(default=None, title="市场活动",
                              description="the marketing event (市场活动) to attach, by name")
    pool: str | None = Field(default=None, title="线索池",
                             description="the lead pool (线索池) to put the leads in, by name")
    on_existing: Literal["skip", "fill-empty", "overwrite"] = Field(
        default="skip", title="线索已存在时",
        description="what to do with a lead that already exists (same mobile or email)")

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
        from mktctl.leads.check import CheckOptions
        from mktctl.leads.importer import ImportOptions

        check = CheckOptions(sheet=self.sheet, mapping=(playbook_dir / self.mapping) if self.mapping else None,
                             competitor_domains=tuple(self.competitor_domains), keep=self.keep,
                             columns=tuple((str(h), str(t)) for h, t in self.columns.items()))
        return ImportOptions(check=check, source=self.source, event=self.event, pool=self.pool,
                             on_existing=self.on_existing)


def default_out_dir(playbook_dir: Path, spec: ImportSpec) -> Path:
    """``.mktctl/imports/<file stem>-<hash of the file's path in the playbook folder>``: one per entry."""
    where = os.path.normpath(spec.file.replace("\\", "/"))
    tag = hashlib.sha256(where.encode()).hexdigest()[:8]
    return _imports_dir(playbook_dir) / f"{_safe_stem(spec.file)}-{tag}"


def run_import_spec(tenant: Tenant, playbook_dir: Path, spec: ImportSpec, out_dir: Path | None = None,
                    progress: Progress | None = None, *, rules: CleaningRules,
                    fields: CustomFields | None = None,
                    on_estimate: Callable[[ImportEta], None] | None = None) -> ImportResult:
    from mktctl.leads.fields import NO_CUSTOM_FIELDS
    from mktctl.leads.importer import import_leads

    if out_dir is None:
        out_dir = default_out_dir(playbook_dir, spec)
        adopt_legacy_out_dir(playbook_dir, spec, out_dir)
    return import_leads(tenant, spec.path(playbook_dir), spec.options(playbook_dir), out_dir, progress,
                        rules=rules, fields=fields or NO_CUSTOM_FIELDS, on_estimate=on_estimate)


def adopt_legacy_out_dir(playbook_dir: Path, spec: ImportSpec, out_dir: Path) -> bool:
    """Move an older mktctl's result folder of ``spec`` (``.mktctl/imports/<file stem>``) to ``out_dir``, when
    ``out_dir`` does not exist yet and the old folder's journal says it was last this file's."""
    legacy = _imports_dir(playbook_dir) / _safe_stem(spec.file)
    if out_dir.exists() or not legacy.is_dir() or legacy.is_symlink():
        return False
    if _last_imported_file(legacy / "journal.jsonl") != str(spec.path(playbook_dir)):
        return False
    legacy.rename(out_dir)
    return True


def _imports_dir(playbook_dir: Path) -> Path:
    return playbook_dir / ".mktctl" / "imports"


def _safe_stem(file: str) -> str:
    stem = Path(file.replace("\\", "/")).stem or "import"
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)


def _last_imported_file(journal: Path) -> str | None:
    """The file of the last run recorded in an import journal."""
    last = None
    try:
        with journal.open(encoding="utf-8") as lines:
            for line in lines:
                if line.startswith('{"t":"run"'):
                    try:
                        last = json.loads(line).get("file")
                    except json.JSONDecodeError:
                        continue
    except (OSError, UnicodeDecodeError):
        return None
    return last if isinstance(last, str) else None
