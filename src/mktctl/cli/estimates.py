"""How the estimate of an import at the tenant's rate limit is shown, before its first write: by
`mktctl leads import` and by `mktctl apply` for the playbook's imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape

if TYPE_CHECKING:
    from mktctl.leads.eta import ImportEta


def render_import_eta(say: Callable[[str], None], eta: ImportEta, *, journal: str) -> None:
    """Say the time at the limit and whether the calls fit in one day's quota; when they do not, how many
    days the job takes and how it continues the next day (``journal``: the file that lets it)."""
    limit = f"{eta.limit.calls} calls / {eta.limit.per_seconds:g} s per interface"
    say(f"estimate: at most {eta.writes:,} leads to write and {eta.queries:,} lookups, side by side at "
        f"{limit}: {duration(eta.seconds)}")
    quota = f"{eta.daily_quota:,} calls a day"
    if eta.quota_assumed:
        quota += " (assumed: one pack; set daily_quota in the tenant profile, or MKTCTL_DAILY_QUOTA)"
    if eta.fits_in_a_day:
        say(f"{eta.calls:,} calls, within the tenant's daily OpenAPI quota of {quota}")
        return
    say(f"[yellow]{eta.calls:,} calls do not fit in the tenant's daily OpenAPI quota of {quota}[/yellow]: "
        f"the job takes {eta.days} days, about {eta.writes_per_day:,} leads a day. Each day the import stops "
        "when the quota is used up (errorCode 30002); run the same command again after 00:00 and it continues "
        f"where it stopped: the journal ({escape(journal)}) skips what is done. The quota is shared with the "
        "tenant's other integrations: what they use today is not counted here.")


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"about {minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"about {hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"about {days} d {hours} h"
