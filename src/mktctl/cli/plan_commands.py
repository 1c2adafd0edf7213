"""``mktctl plan`` and ``mktctl apply``."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mktctl.cli import options
from mktctl.cli.context import State, is_interactive, open_playbook_session, shown, state
from mktctl.cli.options import OutputFormat
from mktctl.errors import MktctlError

if TYPE_CHECKING:
    from mktctl.engine.session import Session

STOP_GRACE_S = 0.5  # after Ctrl-C, how long the current call may take before apply stops regardless
PlanOutput = Annotated[OutputFormat, options.output(OutputFormat.table, OutputFormat.json, OutputFormat.markdown)]


def plan(
    ctx: typer.Context,
    directory: options.Directory = None,
    output: PlanOutput = OutputFormat.table,
    detailed_exitcode: Annotated[bool, typer.Option(
        "--detailed-exitcode", help="Exit 0 no changes, 2 changes, 3 only manual steps pending.")] = False,
    out: Annotated[Path | None, options.out("Save the plan (JSON) for `mktctl apply PLAN_FILE`.")] = None,
    prune: Annotated[bool, typer.Option("--prune", help="Plan deleting what mktctl created and is no longer "
                                                        "declared.")] = False,
    env: options.Env = None,
    var: options.Vars = None,
    strict: options.Strict = False,
    show_pii: options.ShowPii = False,
) -> None:
    """Show what apply would change on the tenant, in the order it would run."""
    from mktctl.cli import render
    from mktctl.cli.problems import print_problems
    from mktctl.engine.planfile import plan_json, save_plan

    st = state(ctx)
    with open_playbook_session(st, directory, env=env, var=var, prune=prune, strict=strict) as session:
        print_problems(st, session.warnings)
        current = session.plan
        if output is OutputFormat.json:
            st.out.print(plan_json(current, show_pii=show_pii), end="", markup=False)
        elif output is OutputFormat.markdown:
            st.out.print(render.plan_markdown(current, show_pii=show_pii), markup=False)
        else:
            st.info(f"Tenant: {session.tenant.settings.describe()}")
            for line in render.plan_lines(current, show_pii=show_pii):
                st.out.print(line)
        if out is not None:
            save_plan(current, out)
            st.info(f"Saved the plan to {out}; apply it with: mktctl apply {out}")
    if detailed_exitcode:
        raise typer.Exit(current.exit_code())


def apply(
    ctx: typer.Context,
    target: Annotated[Path | None, typer.Argument(help="The playbook folder, or a saved plan file.",
                                                  show_default=False)] = None,
    plan_file: Annotated[Path | None, typer.Argument(help="A plan saved with `mktctl plan --out`.",
                                                     show_default=False)] = None,
    yes: Annotated[bool, options.yes("Apply without asking (needed without a terminal).")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Delete what mktctl created and is no longer "
                                                        "declared.")] = False,
    env: options.Env = None,
    var: options.Vars = None,
    strict: options.Strict = False,
    show_pii: options.ShowPii = False,
) -> None:
    """Bring the tenant to what the playbook declares."""
    from mktctl.base.lock import RunLock
    from mktctl.cli import render
    from mktctl.cli.problems import print_problems
    from mktctl.engine.planfile import load_plan
    from mktctl.engine.session import check_saved_plan
    from mktctl.tenant.settings import state_dir

    st = state(ctx)
    directory, saved = _targets(target, plan_file)
    saved_plan = None
    if saved is not None:
        saved_plan = load_plan(saved)
        if directory is None and saved_plan.playbook.get("root"):
            directory = Path(saved_plan.playbook["root"])
        prune = saved_plan.prune
        env = saved_plan.playbook.get("env") or env
    root = options.folder(directory)
    with RunLock(state_dir(root), "apply", "mktctl apply"), \
            open_playbook_session(st, root, env=env, var=var, prune=prune, strict=strict,
                                  write="mktctl apply") as session:
        print_problems(st, session.warnings)
        if saved_plan is not None:
            check_saved_plan(session, saved_plan)
        current = session.plan
        st.info(f"Tenant: {session.tenant.settings.describe()}")
        for line in render.plan_lines(current, show_pii=show_pii):
            st.out.print(line)
        if not current.changes:
            _finish(st, current.pending_manual, created=0, updated=0, deleted=0, nothing=True)
            return
        if not yes and saved_plan is None:
            if not is_interactive():
                raise MktctlError("refusing to apply without --yes: there is no terminal to confirm on",
                                  hint="review `mktctl plan`, then run `mktctl apply --yes`")
            if not typer.confirm(shown(f"Apply {len(current.changes)} change(s) to {session.tenant.name}?")):
                st.err.print("Nothing applied.")
                raise typer.Exit(1)
        result = _execute(st, session)
        _finish(st, result.skipped_manual, created=result.count("create"), updated=result.count("update"),
                deleted=result.count("delete"))


def _targets(target: Path | None, plan_file: Path | None) -> tuple[Path | None, Path | None]:
    if plan_file is not None:
        return target, plan_file
    if target is not None and target.exists() and not target.is_dir():  # a file, or a FIFO or device: load_plan says
        return None, target
    return target, None


def _execute(st: State, session: Session) -> Any:
    from rich.markup import escape

    from mktctl.cli.estimates import render_import_eta
    from mktctl.engine.session import execute

    stop = threading.Event()
    finished = threading.Event()
    main_thread = threading.main_thread().ident

    def interrupt(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        st.err.print("[yellow]stopping after the current call (within a second; Ctrl-C again to stop at "
                     "once)…[/yellow]")

    def watchdog() -> None:
        """After Ctrl-C: end the waits between retries now, and a call that is still on the wire after a
        second (an unreachable tenant) the hard way: the journal makes that as safe as a kill."""
        stop.wait()
        if finished.is_set():
            return
        session.tenant.client.interrupt()
        if not finished.wait(STOP_GRACE_S) and main_thread is not None:
            signal.pthread_kill(main_thread, signal.SIGINT)

    previous = signal.signal(signal.SIGINT, interrupt)
    threading.Thread(target=watchdog, name="mktctl-stop", daemon=True).start()
    progress = None
    try:
        if st.err.is_terminal and not st.quiet:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=st.err, transient=True)
            task = progress.add_task("applying", total=len(session.plan.changes))
            progress.start()

            def on_progress(event: str, action: Any, position: int, total: int) -> None:
                assert progress is not None
                if event == "start":
                    progress.update(task, description=f"{action.symbol} {escape(action.address)}")
                else:
                    progress.update(task, completed=position)
                    progress.console.print(f"  [green]✓[/green] {action.symbol} {escape(action.address)}")
        else:
            def on_progress(event: str, action: Any, position: int, total: int) -> None:
                if event == "done":
                    st.info(f"  [{position}/{total}] {action.symbol} {escape(action.address)}")

        def on_estimate(action: Any, eta: Any) -> None:
            say = progress.console.print if progress is not None else st.info
            say(f"  {action.symbol} {escape(action.address)}:")
            render_import_eta(lambda line: say(f"    {line}"), eta, journal=eta.journal)

        return execute(session, stop=stop, on_progress=on_progress, on_estimate=on_estimate)
    finally:
        finished.set()
        stop.set()  # lets the watchdog end
        if progress is not None:
            progress.stop()
        signal.signal(signal.SIGINT, previous)


def _finish(st: State, pending: list[Any], *, created: int, updated: int, deleted: int, nothing: bool = False) -> None:
    from rich.markup import escape

    if nothing:
        st.out.print("[green]No changes.[/green] The tenant matches the playbook.")
    else:
        st.out.print(f"[green]Apply complete:[/green] {created} created, {updated} updated, {deleted} deleted.")
    if pending:
        st.out.print(f"[magenta]{len(pending)} manual step(s) pending[/magenta]: "
                     f"{escape(', '.join(a.manual.step for a in pending[:5]))}"
                     f"{' …' if len(pending) > 5 else ''}; see `mktctl steps`, then `mktctl confirm STEP`.")
