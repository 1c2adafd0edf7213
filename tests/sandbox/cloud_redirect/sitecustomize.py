"""Python runs this at start-up when this folder is on PYTHONPATH: it does for a client process what a
hosts-file entry for ``open.fxiaoke.com`` does, and nothing more.

When ``FXIAOKE_CLOUD_REDIRECT`` names a URL, every request the ``requests`` library sends to the FxiaoKe
cloud goes to that URL instead (path and query unchanged, no proxy: the sandbox is on loopback). The
client's own code - its bodies, headers, parsing and error handling - runs as it is published.
"""

import os
from urllib.parse import urlsplit

_TARGET = os.environ.get("FXIAOKE_CLOUD_REDIRECT", "").rstrip("/")
_CLOUD_HOSTS = ("open.fxiaoke.com",)

if _TARGET:
    import requests.adapters

    _send = requests.adapters.HTTPAdapter.send

    def _redirected(self, request, **kwargs):  # type: ignore[no-untyped-def]
        parts = urlsplit(str(request.url))
        if parts.hostname in _CLOUD_HOSTS:
            request.url = _TARGET + parts.path + (f"?{parts.query}" if parts.query else "")
            kwargs["proxies"] = {}
        return _send(self, request, **kwargs)

    requests.adapters.HTTPAdapter.send = _redirected
