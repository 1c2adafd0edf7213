"""What reaches the terminal: the one place where the CLI's consoles (:mod:`mktctl.cli.context`) make text
safe to show. Imported with rich, when a console is first used.

* **Control characters made visible.** Text mktctl did not write itself (a CSV header, a playbook name, a
  tenant's error message, a file name) may hold escape sequences that clear the screen, set the window
  title or move the cursor, and bidirectional controls that show text in another order than it is (an RTL
  override). Every C0 and C1 control character, every Unicode format character (bidi controls, zero-width
  spaces, the byte order mark), the line and paragraph separators and lone surrogates are shown as
  ``\\uXXXX`` (valid inside a JSON string too, so ``-o json`` output still parses to the same text). Line
  feeds and tabs stay as they are, and so do Chinese text and emoji (the zero-width joiner of an emoji
  sequence, variation selectors and the tag characters of flag emoji are kept).
* **Secrets redacted before layout.** Strings are redacted (every encoded form, URL passwords) before rich
  lays them out, so a long secret in a table cell is never folded over two lines where no redactor could
  recognise it; every write is redacted once more on its way out.

Strings become rich text in :meth:`SafeConsole.render_str` (for ``print`` and table cells), where the
control characters are made visible before layout; text built elsewhere (rich ``Text``, a progress bar's
description) is caught segment by segment in :meth:`SafeConsole.render`. rich's own escape sequences
(colours, cursor movement) are control segments or styles, never text, so they pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from mktctl.secrets import REDACTOR

_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\ud800-\udfff]")


def visible(text: str) -> str:
    """``text`` with every control and format character shown as ``\\uXXXX`` (line feeds and tabs kept)."""
    if not _HIDDEN.search(text):
        return text
    return _HIDDEN.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def safe(text: str) -> str:
    """Text as the terminal may show it: secrets redacted, control characters visible."""
    return visible(REDACTOR.redact(text))


class SafeConsole(Console):
    """A rich console that shows untrusted text safely (see the module's docstring)."""

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(safe(text), **options)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and segment.text and _HIDDEN.search(segment.text):
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment


class RedactingFile:
    """Wraps a text stream so that every write is redacted of secret values: the consoles' last line of
    defence, and the stream for text that is not rendered by rich (a usage error)."""

    def __init__(self, stream: Any, *, plain: bool = False) -> None:
        self._stream = stream
        self._plain = plain  # text no console renders: make its control characters visible here

    def write(self, text: str) -> int:
        text = REDACTOR.redact(text)
        return int(self._stream.write(visible(text) if self._plain else text))

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._stream, "isatty", lambda: False)())

    def fileno(self) -> int:
        return int(self._stream.fileno())

    @property
    def encoding(self) -> str:
        return str(getattr(self._stream, "encoding", "utf-8") or "utf-8")
