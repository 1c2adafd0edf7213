"""How long an import takes at the tenant's rate limit, and how many days of its daily quota it needs.

``import_eta(writes, queries, other_calls=, limit=, daily_quota=) -> ImportEta``

The platform limits every interface apart (100 calls per 20 s each, reference §3) and the importer makes
its lookups (``data/query``) side by side with its creates (``data/create``), so the job takes as long as
its busiest interface: ``n`` calls on one interface take ``(n - calls) × window / calls`` seconds, the
first window's allowance going at once. Every call also counts against the tenant's daily OpenAPI quota
(bought in packs of 100,000 calls, reset at 00:00; 30002 once it is used up): a job whose calls do not
fit in one day's quota takes as many days as it needs quotas, and the import stops each day when the
quota is used up; the journal lets the same command, run again after 00:00, continue where it stopped.
The quota is shared with everything else that calls the tenant that day, so the days are a minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mktctl.tenant.settings import RateLimitSetting

ONE_PACK = 100_000  # the smallest daily quota a tenant buys ("Open API [100000次]"), assumed when none is given
DAY_S = 86_400.0


@dataclass(frozen=True)
class ImportEta:
    writes: int  # creates and updates at most (a person found on the tenant may need none)
    queries: int  # the lookups that match the file's people
    other_calls: int  # reading the tenant's fields, token, --event/--pool by name
    limit: RateLimitSetting
    daily_quota: int
    quota_assumed: bool  # no daily quota was given: one pack is assumed
    seconds: float  # at the limit, the busiest interface's time
    journal: str = ""  # the import's journal, which lets the next day's run continue where it stopped

    @property
    def calls(self) -> int:
        return self.writes + self.queries + self.other_calls

    @property
    def days(self) -> int:
        """Days of the daily quota the job needs (at least one; more when the rate alone takes longer)."""
        return max(1, math.ceil(self.calls / self.daily_quota), math.ceil(self.seconds / DAY_S))

    @property
    def fits_in_a_day(self) -> bool:
        """Whether one day's quota holds every call (else the import stops each day and goes on the next)."""
        return self.calls <= self.daily_quota

    @property
    def writes_per_day(self) -> int:
        """How many rows one day's quota writes, with their share of the lookups."""
        if not self.calls:
            return self.daily_quota
        return min(self.writes, math.floor(self.daily_quota * self.writes / self.calls))


def seconds_at_limit(calls: int, limit: RateLimitSetting) -> float:
    """How long ``calls`` calls to one interface take at ``limit``, the first window's allowance at once."""
    return max(0, calls - limit.calls) * limit.per_seconds / limit.calls


def import_eta(writes: int, queries: int, *, other_calls: int = 0, limit: RateLimitSetting,
               daily_quota: int | None = None) -> ImportEta:
    """The estimate of an import of ``writes`` rows needing ``queries`` lookups, at ``limit`` per interface."""
    if daily_quota is not None and daily_quota < 1:
        raise ValueError("a daily quota is at least one call")
    seconds = max(seconds_at_limit(writes, limit), seconds_at_limit(queries, limit))
    return ImportEta(writes=writes, queries=queries, other_calls=other_calls, limit=limit,
                     daily_quota=daily_quota or ONE_PACK, quota_assumed=daily_quota is None, seconds=seconds)
