"""``leads purge``: remove the files of a lead result folder that hold personal data.

``purge(out_dir) -> PurgeResult`` removes, from a folder that ``leads check``, ``import`` or ``link`` wrote:

* the result files with rows of people: ``results.csv``, ``results.xlsx``, ``link_results.csv``,
  ``ambiguities.xlsx``, ``resolve_results.csv``;
* the import journal (``journal.jsonl``, and journals set aside as ``journal-*.other-tenant.jsonl``): it
  holds a hash of each person's mobile and email and the tenant's error messages. Without it a later import
  of the same file still creates nobody twice (existing leads are matched by mobile and email), but it no
  longer knows what the earlier run did;
* what a run that was killed left behind: ``*.tmp`` files of the above and the ``.mktctl-leads-*`` work
  folders, which hold a copy of the file's rows.

It keeps the summaries (``summary.json``, ``link_summary.json``, ``resolve_summary.json``): counts, the
column mapping and timings, no personal data. Only those names are touched, never anything else in the
folder (the client's own file may sit next to the results); a symbolic link is removed, never followed.
A folder without a summary or journal of ``mktctl leads`` is refused, and so is a folder where an import
is running (it holds ``import.lock``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from mktctl.errors import DataFileError

PERSONAL_FILES = ("results.csv", "results.xlsx", "link_results.csv", "ambiguities.xlsx", "resolve_results.csv",
                  "journal.jsonl")
PERSONAL_PATTERNS = ("journal-*.other-tenant.jsonl", "results.csv.tmp", "results.xlsx.tmp", "summary.json.tmp",
                     "ambiguities.xlsx.tmp")
WORK_DIRS = ".mktctl-leads-*"
MAX_SUMMARY_BYTES = 16 << 20  # what a summary or a journal's first line can be; more is not ours
KEPT_FILES = ("summary.json", "link_summary.json", "resolve_summary.json")


@dataclass
class PurgeResult:
    out_dir: Path
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def is_result_folder(out_dir: Path) -> bool:
    """Whether ``out_dir`` holds what ``mktctl leads`` writes: a summary with its row counts, a link or
    resolve summary, or an import journal that starts with a run line."""
    summary = out_dir / "summary.json"
    if summary.is_file() and not summary.is_symlink():
        try:
            # a summary is a few kilobytes; a huge file of that name is not ours and is not read whole
            data = json.loads(summary.read_text(encoding="utf-8")) \
                if summary.stat().st_size <= MAX_SUMMARY_BYTES else None
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and isinstance(data.get("counts"), dict) and "invariants" in data:
            return True
    for name in ("link_summary.json", "resolve_summary.json"):
        if (out_dir / name).is_file():
            return True
    journal = out_dir / "journal.jsonl"
    if journal.is_file() and not journal.is_symlink():
        try:
            with journal.open(encoding="utf-8") as handle:
                first = json.loads(handle.readline(MAX_SUMMARY_BYTES) or "null")
        except (OSError, ValueError):
            return False
        return isinstance(first, dict) and first.get("t") == "run"
    return False


def purge(out_dir: Path) -> PurgeResult:
    out_dir = Path(out_dir)
    if not out_dir.exists():
        raise DataFileError(f"{out_dir}: no such folder", file=str(out_dir))
    if not out_dir.is_dir():
        raise DataFileError(f"{out_dir}: not a folder", file=str(out_dir),
                            hint="give the --out folder of a `mktctl leads check`, `import` or `link` run")
    if not is_result_folder(out_dir):
        raise DataFileError(f"{out_dir}: not a lead result folder (no summary.json, link_summary.json or "
                            "journal.jsonl written by `mktctl leads`); nothing removed", file=str(out_dir),
                            hint="give the --out folder of a `mktctl leads check`, `import` or `link` run")
    from mktctl.base.lock import RunLock

    # never under a running import: it would write its journal and results again right after
    with RunLock(out_dir, "import", "mktctl leads purge") as lock:
        result = _purge(out_dir)
        lock.path.unlink(missing_ok=True)
    return result


def _purge(out_dir: Path) -> PurgeResult:
    result = PurgeResult(out_dir=out_dir)
    targets = [out_dir / name for name in PERSONAL_FILES]
    for pattern in PERSONAL_PATTERNS:
        targets.extend(sorted(out_dir.glob(pattern)))
    for path in dict.fromkeys(targets):
        if path.is_symlink() or path.is_file():
            _remove(path, result)
    for path in sorted(out_dir.glob(WORK_DIRS)):
        if path.is_symlink() or not path.is_dir():
            _remove(path, result)
            continue
        try:
            shutil.rmtree(path)
        except OSError as exc:
            raise DataFileError(f"{path}: cannot remove it: {exc.strerror or exc}", file=str(path)) from None
        result.removed.append(path)
    result.kept = [out_dir / name for name in KEPT_FILES if (out_dir / name).is_file()]
    return result


def _remove(path: Path, result: PurgeResult) -> None:
    try:
        path.unlink()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot remove it: {exc.strerror or exc}", file=str(path)) from None
    result.removed.append(path)
