"""Editor support for a playbook folder: the JSON Schema of the playbook format written beside the playbook
(``mktctl.schema.json``), and in each playbook file a modeline that points the YAML language server at it::

    # yaml-language-server: $schema=mktctl.schema.json

The YAML language server (redhat yaml-language-server: VS Code's YAML extension, Neovim, Helix, Zed, Emacs,
Sublime) then completes section and field names, shows each field's description and marks a misspelled
field while typing. The schema is a file of the folder rather than a URL so that it works offline and
matches the mktctl that wrote it; commit it with the playbook, and write it again after upgrading mktctl.

The playbook files are the entry file and every file it includes (fragments hold only some sections, and
the schema accepts any subset). Environment overlays (``envs/``), tenant profiles and test people have
formats of their own and get no modeline.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from mktctl.errors import MktctlError, PlaybookError

SCHEMA_FILE = "mktctl.schema.json"
MODELINE = "# yaml-language-server: $schema="
_HAS_MODELINE = re.compile(r"^[ \t]*#[ \t]*yaml-language-server[ \t]*:.*\$schema=", re.MULTILINE)


@dataclass(frozen=True)
class EditorSetup:
    folder: Path
    schema: Path  # the schema file, written
    tagged: tuple[Path, ...]  # playbook files that got a modeline now, relative to ``folder``
    kept: tuple[Path, ...]  # playbook files that had a modeline already (left as they are)


def schema_text() -> str:
    """The playbook schema as ``mktctl schema --output json`` prints it."""
    from mktctl.playbook.jsonschema import playbook_schema

    return json.dumps(playbook_schema(), ensure_ascii=False, indent=2) + "\n"


def setup_editor(folder: Path) -> EditorSetup:
    """Write ``folder/mktctl.schema.json`` (replacing an older one) and add the schema modeline at the top of
    each playbook file that has none. A playbook that does not load is no obstacle: the files that can be
    found (at least the entry file) are set up."""
    from mktctl.base.files import write_atomic

    root = folder.resolve()
    schema = root / SCHEMA_FILE
    tagged: list[Path] = []
    kept: list[Path] = []
    files = playbook_files(root)
    try:
        write_atomic(schema, schema_text())
        for file in files:
            done = add_modeline(file, schema)
            if done is not None:
                (tagged if done else kept).append(file.relative_to(root))
    except OSError as error:
        raise MktctlError(f"cannot set up the editor support: {error.filename or root}: "
                          f"{error.strerror or error}") from None
    return EditorSetup(folder=root, schema=schema, tagged=tuple(tagged), kept=tuple(kept))


def playbook_files(root: Path) -> list[Path]:
    """The entry file of the playbook in ``root`` and every file it includes, in reading order."""
    from mktctl.kinds.registry import KINDS
    from mktctl.playbook.problems import Problems
    from mktctl.playbook.sources import ENTRY_FILE, read_sources

    entry = root / ENTRY_FILE
    if not entry.is_file():
        raise MktctlError(f"no {ENTRY_FILE} in {root}", hint="run `mktctl init` to start a playbook")
    try:
        sources = read_sources(root, None, [kind.name for kind in KINDS], Problems())
    except PlaybookError:  # the entry file itself is not YAML: it still gets its modeline
        return [entry]
    found = [Path(d.file) if Path(d.file).is_absolute() else Path.cwd() / d.file for d in sources.documents]
    return list(dict.fromkeys(path.resolve() for path in found))


def add_modeline(file: Path, schema: Path) -> bool | None:
    """Put the modeline for ``schema`` on the first line of ``file``: True when added, False when the file has
    one already, None when the file is not UTF-8 text (``mktctl validate`` says so; it is left alone)."""
    from mktctl.base.files import write_atomic

    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if _HAS_MODELINE.search(text):
        return False
    relative = Path(os.path.relpath(schema, file.parent)).as_posix()
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    write_atomic(file, f"{bom}{MODELINE}{relative}\n{text}", mode=file.stat().st_mode & 0o777)
    return True
