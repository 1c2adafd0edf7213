"""The manual steps as a sheet for the client admin who works through them: one row per step with its menu
path, the values to set, how to verify it, who does it, its status (done, with who confirmed it and when, as
the ledger recorded it; or pending) and a column to sign; the QR code of an authorisation step beside it.

Written as an xlsx workbook laid out for printing (:mod:`mktctl.deliver.steps_xlsx`) or as one self-contained
HTML file (``templates/steps/steps.html.j2``), in the playbook's language (``language:``). It lists what
:func:`mktctl.engine.steps.manual_steps` lists, confirmed steps included. Safe to hand over:

* every text cell of the workbook comes from :class:`mktctl.leads.cells.TextCells` (text, never a formula;
  redacted); the HTML is escaped by its template and redacted as a whole;
* a link that holds a secret (from ``${env:...}`` or a keyring) is never written into the file, not even as
  a QR code, since the code *is* the secret in another encoding: the sheet says where the link comes from
  and where to get it instead (docs/reliability.md, "QR codes").
"""

from __future__ import annotations

from pathlib import Path

from mktctl.deliver.step_rows import COLUMNS, Row, Scan, StepFields, StepsSheet, build_sheet, headings, step_fields
from mktctl.errors import MktctlError

__all__ = ["COLUMNS", "FORMATS", "Row", "Scan", "StepFields", "StepsSheet", "build_sheet", "headings",
           "render_steps_sheet", "step_fields", "write_steps_sheet"]

FORMATS = ("xlsx", "html")


def render_steps_sheet(sheet: StepsSheet, fmt: str) -> bytes:
    """The sheet as the bytes of an ``xlsx`` workbook or an ``html`` file (UTF-8)."""
    if fmt == "xlsx":
        from mktctl.deliver.steps_xlsx import xlsx_bytes

        return xlsx_bytes(sheet)
    if fmt == "html":
        from mktctl.deliver.steps_html import html_text

        return html_text(sheet).encode("utf-8")
    raise MktctlError(f"unknown format {fmt!r} for the steps sheet", hint=f"formats are: {', '.join(FORMATS)}")


def write_steps_sheet(sheet: StepsSheet, out: Path, fmt: str) -> Path:
    """Write the sheet to ``out`` as ``fmt`` (xlsx or html), whole or not at all; returns the path."""
    from mktctl.base.files import write_atomic

    write_atomic(out, render_steps_sheet(sheet, fmt), mode=0o644)
    return out
