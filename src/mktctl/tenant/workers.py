"""Worker threads that call a tenant, and that never keep a stopped command waiting."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mktctl.tenant.client import FxiaokeClient


@contextmanager
def call_pool(client: FxiaokeClient, workers: int, name: str) -> Iterator[ThreadPoolExecutor]:
    """A thread pool for calls through ``client``. When the code using it stops with an exception (Ctrl-C, a
    stop, a bug), the pool is not waited for: calls not started are cancelled, the client is interrupted so
    that every wait between retries ends at once, and a call still on the wire is abandoned as a killed
    process's would be; the import and link journals are written for exactly that."""
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=name)
    try:
        yield pool
    except BaseException:
        client.interrupt()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
