"""Where a check leaves its rows: Parquet files in a work folder, read by the result files and the importer.

* ``rows.parquet``: every data row, normalised, with its rejection reason (``""`` where it is kept);
* ``status.parquet``: one row per data row: ``source_row, status, reason, duplicate_of, mobile_e164, email``;
* ``accepted.parquet``: the survivors, with the empty fields their duplicates filled, and ``group_size``;
* ``groups.parquet``: the rows of every duplicate group, with their ``survivor``.

The check writes them (:mod:`mktctl.leads.check`); :mod:`mktctl.leads.results` and the importer read
them. The folder is temporary: it goes when the check or the import ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.leads.arrow import frame_from_arrow

if TYPE_CHECKING:
    import pandas as pd

PARQUET: dict[str, Any] = {"compression": "none", "use_dictionary": False}  # a spill: fast, not small


@dataclass(frozen=True)
class Spill:
    work_dir: Path
    batch_rows: int = 200_000  # rows read at a time when the files are read back

    @property
    def rows_file(self) -> Path:
        return self.work_dir / "rows.parquet"

    @property
    def status_file(self) -> Path:
        return self.work_dir / "status.parquet"

    @property
    def accepted_file(self) -> Path:
        return self.work_dir / "accepted.parquet"

    @property
    def groups_file(self) -> Path:
        return self.work_dir / "groups.parquet"


def read_accepted(spill: Spill) -> pd.DataFrame:
    """The accepted rows (merged survivors), in file order."""
    import pyarrow.parquet as pq

    frame = frame_from_arrow(pq.read_table(str(spill.accepted_file)))
    return frame.sort_values("source_row", kind="stable").reset_index(drop=True)
