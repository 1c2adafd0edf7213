"""QR codes of authorisation links, drawn into files: a PNG for workbooks, inline SVG for HTML.

Only for a link that may be written into a file: the caller decides (a link that holds a secret never
reaches here, since the code *is* the link in another encoding).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

BORDER = 2  # modules of quiet zone around the code: enough on a white page
SCALE = 3  # pixels a module: 0.8 mm at 96 dpi, large enough for a phone camera on paper


@dataclass(frozen=True)
class QrImage:
    png: bytes
    pixels: int  # the width and height of the PNG


def qr_png(url: str) -> QrImage:
    import segno

    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=SCALE, border=BORDER)
    width, _height = code.symbol_size(scale=SCALE, border=BORDER)
    return QrImage(buffer.getvalue(), int(width))


def qr_svg(url: str) -> str:
    """An ``<svg>`` element to put inside an HTML page (no XML declaration, no external reference)."""
    import segno

    return str(segno.make(url, error="m").svg_inline(scale=SCALE, border=BORDER, dark="#000", light="#fff"))
