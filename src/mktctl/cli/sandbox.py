"""``mktctl sandbox``: serve, show credentials of, and reset the local sandbox tenant."""

from __future__ import annotations

import typer

app = typer.Typer(help="The local sandbox tenant: an emulator of the FxiaoKe open API over SQLite.",
                  no_args_is_help=True)
