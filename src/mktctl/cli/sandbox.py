"""``mktctl sandbox``: serve, show credentials of, and reset the local sandbox tenant.

Only typer and the standard library are imported at module level: the server (uvicorn, FastAPI) is
imported inside ``serve`` so that ``mktctl --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import enum
import json
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mktctl.cli import options
from mktctl.cli.commands import group_app
from mktctl.cli.context import is_interactive, shown, state
from mktctl.cli.options import OutputFormat
from mktctl.errors import SettingsError

if TYPE_CHECKING:
    from mktctl.sandbox.faults import FaultInjector
    from mktctl.sandbox.store import Corp

app = group_app("sandbox")

DEFAULT_DATA = Path(".mktctl") / "sandbox.db"
DEFAULT_URL = "http://127.0.0.1:8765"

DataOption = Annotated[Path, typer.Option("--data", metavar="FILE", help="The sandbox's SQLite data file.")]


class Api(str, enum.Enum):
    full = "full"
    public = "public"


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; loopback only unless --allow-remote.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free port).")] = 8765,
    data: DataOption = DEFAULT_DATA,
    api: Annotated[Api, typer.Option(help="full: the public API and the extension API; public: only what the "
                                          "real platform has, so extension kinds become manual steps.")]
    = Api.full,
    faults: Annotated[str | None, typer.Option(
        metavar="SPEC", help="Inject faults, e.g. 5xx=0.05,throttle=0.1,drop-after-commit=0.02,latency=50ms,"
                             "seed=7 (grammar in docs/sandbox.md).")] = None,
    rate_limit: Annotated[str | None, typer.Option(
        metavar="CALLS/SECONDS", help="Throttle each interface like the platform does (100/20): calls over "
                                      "the limit answer errorCode 14001.")] = None,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow a --host that is not a loopback address.")] = False,
    catalog: Annotated[Path | None, typer.Option(
        metavar="FILE", help="The setting kinds the extension API keeps, with their JSON Schema (default: every "
                             "kind of mktctl; see docs/sandbox.md).")] = None,
) -> None:
    """Serve the sandbox tenant over HTTP until Ctrl-C."""
    st = state(ctx)
    from mktctl.sandbox import server
    from mktctl.sandbox.catalog import read_catalog
    from mktctl.sandbox.faults import FaultInjector

    kinds = read_catalog(catalog) if catalog is not None else None
    limit = server.parse_rate_limit(rate_limit) if rate_limit else None
    hook = FaultInjector(faults) if faults else None
    warning = server.check_host(host, allow_remote=allow_remote)
    if warning:
        st.err.print(f"[yellow]warning[/yellow]: {_escape(warning)}")

    def ready(url: str, corp: Corp) -> None:
        where = shlex.quote(str(data))
        st.out.print(f"Sandbox tenant serving at {url}", markup=False)
        details = [f"data: {data.resolve()}", f"api: {api.value}"]
        if hook is not None:
            details.append(f"faults: {hook.spec.text}")
        if limit is not None:
            details.append(f"rate limit: {limit.calls} calls / {limit.window_s:g} s per interface")
        if kinds is not None:
            count = len(kinds.names())
            details.append(f"catalog: {catalog} ({count} setting kind{'' if count == 1 else 's'})")
        st.out.print("  " + "  ".join(details), markup=False)
        st.out.print(f"  credentials:        mktctl sandbox credentials --data {where}", markup=False)
        st.out.print(f"  point mktctl at it: eval $(mktctl sandbox credentials --data {where} --output env)",
                     markup=False, soft_wrap=True)
        st.out.print("Press Ctrl-C to stop.", markup=False)

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a served sandbox stops
        server.serve(data, host, port, api.value, hook, limit, allow_remote=allow_remote, on_ready=ready,
                     log_level="info" if st.verbose else "warning", access_log=st.verbose, catalog=kinds)
    if hook is not None:
        st.out.print(_fault_summary(hook), markup=False)
    st.info("sandbox stopped")


def _fault_summary(hook: FaultInjector) -> str:
    report = hook.report()
    parts = ", ".join(f"{name} {count}" for name, count in report["injected"].items() if count)
    return f"faults injected: {report['total']} in {report['calls']} calls" + (f" ({parts})" if parts else "")


@app.command()
def credentials(
    ctx: typer.Context,
    data: DataOption = DEFAULT_DATA,
    output: Annotated[OutputFormat, options.output(
        OutputFormat.table, OutputFormat.json, OutputFormat.env,
        help="table, json, or env (export lines for eval $(...)).")]
    = OutputFormat.table,
    url: Annotated[str | None, typer.Option(
        help="The URL the sandbox is served at (default: where `mktctl sandbox serve` on this data file is "
             f"serving, else {DEFAULT_URL}).")] = None,
) -> None:
    """Show the credentials of the sandbox's corp: local test credentials, valid only against it."""
    st = state(ctx)
    from mktctl.sandbox.served_record import read_record
    from mktctl.sandbox.store import Store
    from mktctl.tenant import settings

    if url is None:
        record = read_record(data)
        url = record.url if record is not None else DEFAULT_URL
    store = Store(data)
    try:
        corp = store.default_corp()
    finally:
        store.close()
    values: dict[str, Any] = {
        settings.ENV_URL: url.rstrip("/"),
        settings.ENV_APP_ID: corp.app_id,
        settings.ENV_APP_SECRET: corp.app_secret,
        settings.ENV_PERMANENT_CODE: corp.permanent_code,
        settings.ENV_OPEN_USER_ID: corp.admin_open_user_id,
    }
    if output is OutputFormat.env:
        for name, value in values.items():
            st.out.print(f"export {name}={shlex.quote(value)};", markup=False, soft_wrap=True)
        return
    fields = {"url": url.rstrip("/"), "app_id": corp.app_id, "app_secret": corp.app_secret,
              "permanent_code": corp.permanent_code, "open_user_id": corp.admin_open_user_id,
              "corp_id": corp.corp_id, "ea": corp.ea, "corp_name": corp.name, "data": str(data.resolve())}
    if output is OutputFormat.json:
        st.out.print(json.dumps(fields, ensure_ascii=False, indent=2), markup=False, soft_wrap=True)
        return
    from rich.table import Table

    table = Table(title="sandbox credentials (local test credentials)", show_header=False)
    table.add_column("setting", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in fields.items():
        table.add_row(name, _escape(value))
    st.out.print(table)


@app.command()
def reset(
    ctx: typer.Context,
    data: DataOption = DEFAULT_DATA,
    yes: Annotated[bool, options.yes("Do not ask for confirmation.")] = False,
) -> None:
    """Delete every corp, record and setting in the sandbox; the next use gets new credentials."""
    st = state(ctx)
    if not data.exists():
        st.info(f"nothing to reset: {data} does not exist")
        return
    if not yes:
        if not is_interactive():
            raise SettingsError(f"refusing to reset the sandbox in {data} without --yes: not on a terminal",
                                hint="pass --yes to delete every corp, record and setting in it")
        if not typer.confirm(shown(f"Delete every corp, record and setting in {data}?"), default=False):
            st.info("nothing changed")
            raise typer.Exit(1)
    from contextlib import ExitStack

    from mktctl.sandbox.served_record import read_record
    from mktctl.sandbox.store import Store
    from mktctl.tenant.writelock import key_lock, sandbox_key, url_key

    store = Store(data)
    try:
        with ExitStack() as locks:  # no run may be writing to it, embedded or served
            locks.enter_context(key_lock(sandbox_key(data), "sandbox", "mktctl sandbox reset"))
            served = read_record(data)
            if served is not None:
                key = url_key(served.url.rstrip("/"), store.default_corp().corp_id)
                locks.enter_context(key_lock(key, served.url, "mktctl sandbox reset"))
            store.reset()
        corp = store.default_corp()
    finally:
        store.close()
    st.out.print(f"sandbox reset: {data} holds one empty corp with new credentials (app id {corp.app_id})",
                 markup=False, soft_wrap=True)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
