"""The steps sheet as one self-contained HTML file: inline CSS with a print stylesheet (A4 landscape, the
header row repeated on every page, no row split over two pages), QR codes as inline SVG, a content security
policy that allows nothing external. Rendered by a sandboxed jinja2 template that escapes every value, and
redacted as a whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mktctl.deliver.qr import qr_svg
from mktctl.secrets import REDACTOR

if TYPE_CHECKING:
    from mktctl.deliver.step_rows import StepsSheet


def html_text(sheet: StepsSheet) -> str:
    from jinja2 import PackageLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup

    environment = SandboxedEnvironment(loader=PackageLoader("mktctl", "templates/steps"), autoescape=True,
                                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                       keep_trailing_newline=True)
    codes = {row.number: Markup(qr_svg(row.scan.url))  # segno's own markup: path data, no text of the link
             for row in sheet.rows if row.scan is not None and row.scan.url}
    return REDACTOR.redact(environment.get_template("steps.html.j2").render(s=sheet, codes=codes))
