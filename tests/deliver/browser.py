"""A real headless browser for the report tests: Chromium from the system packages (Debian: ``apt-get install
chromium``), driven from the command line. No Python package is needed: the console is read from
Chromium's log and the screenshot is decoded here."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)?\] (.*)")


def find_browser() -> str | None:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    console: list[str]
    screenshot: Path | None
    pdf: Path | None
    log: str


def render(browser: str, page: Path, out: Path, *, width: int = 1200, height: int = 1800, pdf: bool = False) -> Page:
    with tempfile.TemporaryDirectory(prefix="mktctl-chrome-") as profile:
        target = ["--print-to-pdf=" + str(out.with_suffix(".pdf")), "--no-pdf-header-footer"] if pdf else [
            f"--screenshot={out}", f"--window-size={width},{height}"]
        done = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *target, page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=90, check=False)
    console = [m.group(1) for line in done.stderr.splitlines() if (m := _CONSOLE.search(line))]
    return Page(console=console, screenshot=out if not pdf and out.is_file() else None,
                pdf=out.with_suffix(".pdf") if pdf and out.with_suffix(".pdf").is_file() else None, log=done.stderr)


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of RGB(A) pixels of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, header = 8, [], b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def colours(path: Path, step: int = 7) -> tuple[int, float]:
    """How many distinct colours a sample of the picture has, and the share of pixels that are not white."""
    width, height, rows = png_pixels(path)
    channels = len(rows[0]) // width
    seen: set[bytes] = set()
    ink = total = 0
    for y in range(0, height, step):
        row = rows[y]
        for x in range(0, width, step):
            pixel = row[x * channels:x * channels + 3]
            seen.add(pixel)
            total += 1
            ink += pixel != b"\xff\xff\xff"
    return len(seen), ink / max(total, 1)
