"""Plans as text for a terminal and as Markdown, with personal data masked. (A plan as JSON is
:func:`mktctl.engine.planfile.plan_json`.)"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from mktctl.engine.plan import Action, Plan
from mktctl.engine.planfile import is_personal, mask_value

_STYLE = {"create": "green", "update": "yellow", "delete": "red", "manual": "magenta", "noop": "dim"}


def value_text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _change_lines(action: Action, show_pii: bool) -> list[tuple[str, str, str]]:
    lines = []
    for change in action.changes:
        before, after = change.before, change.after
        if not show_pii and is_personal(action.kind, change.field):
            before, after = mask_value(change.field, before), mask_value(change.field, after)
        lines.append((change.field, value_text(before), value_text(after)))
    return lines


def plan_lines(plan: Plan, *, show_pii: bool = False) -> list[str]:
    """The plan for a terminal, as rich markup lines; a manual step in the plan's language."""
    from rich.markup import escape

    from mktctl.base.language import bracketed
    from mktctl.deliver.step_text import labels, plan_language, status_text

    lang = plan_language(plan)
    words = labels(lang)
    lines: list[str] = []
    unchanged: Counter[str] = Counter()
    for action in plan.actions:
        if action.op == "noop":
            unchanged[action.kind] += 1
            continue
        if action.op == "manual" and action.manual and action.manual.status == "confirmed":
            unchanged[action.kind] += 1
            continue
        style = _STYLE[action.op]
        head = f"[{style}]{action.symbol} {escape(action.address)}[/{style}]"
        if action.op == "manual" and action.manual:
            manual = action.manual
            about = bracketed("", f"{status_text(manual, lang)}{'，' if lang == 'zh-CN' else ', '}{manual.who}", lang)
            lines.append(f"{head}  [bold]{escape(manual.menu_path)}[/bold]{escape(about)}")
            for label, value in manual.values:
                lines.append(f"      {escape(label)}{words.colon}{escape(value)}")
            lines.append(f"      [dim]{escape(words.verify)}{words.colon}{escape(manual.verify)}[/dim]")
            lines.append(f"      [dim]{escape(words.confirm)}{words.colon}mktctl confirm {escape(manual.step)}[/dim]")
            continue
        lines.append(head + (f"  [dim]({escape(action.note)})[/dim]" if action.note else ""))
        for name, before, after in _change_lines(action, show_pii):
            if action.op == "create":
                lines.append(f"      {escape(name)}: {escape(after)}")
            elif action.op == "delete":
                lines.append(f"      [dim]{escape(name)}: {escape(before)}[/dim]")
            else:
                lines.append(f"      {escape(name)}: {escape(before)} [yellow]→[/yellow] {escape(after)}")
    if unchanged:
        detail = ", ".join(f"{kind} {count}" for kind, count in unchanged.items())
        lines.append(f"[dim]= {sum(unchanged.values())} unchanged ({escape(detail)})[/dim]")
    if plan.orphans:
        lines.append(f"[dim]{len(plan.orphans)} resource(s) created by mktctl are no longer declared: "
                     f"{escape(', '.join(plan.orphans[:5]))}{' …' if len(plan.orphans) > 5 else ''} "
                     "(apply --prune deletes them)[/dim]")
    lines.append(f"[bold]{escape(plan.summary())}[/bold]")
    return lines


def plan_markdown(plan: Plan, *, show_pii: bool = False) -> str:
    from mktctl.deliver.step_text import labels, plan_language, status_text

    lang = plan_language(plan)
    words = labels(lang)
    out = [f"# Plan for {plan.playbook['name']}", "",
           f"Tenant: {plan.tenant['name']} · playbook digest `{plan.playbook['digest']}` · {plan.created_at}", "",
           "| | Resource | Change |", "|---|---|---|"]
    for action in plan.actions:
        if action.op == "noop":
            continue
        if action.op == "manual" and action.manual:
            manual = action.manual
            values = "<br>".join(f"{_md(a)}{words.colon}{_md(b)}" for a, b in manual.values)
            out.append(f"| {action.symbol} | {_md(action.address)} | **{_md(manual.menu_path)}** "
                       f"({_md(status_text(manual, lang))})<br>{values}<br>{_md(words.verify)}{words.colon}"
                       f"{_md(manual.verify)} |")
            continue
        changes = "<br>".join(
            f"{_md(n)}: {_md(a)}" if action.op == "create" else f"{_md(n)}: {_md(b)} → {_md(a)}"
            for n, b, a in _change_lines(action, show_pii))
        out.append(f"| {action.symbol} | {_md(action.address)} | {changes} |")
    out += ["", f"**{plan.summary()}**", ""]
    return "\n".join(out)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
