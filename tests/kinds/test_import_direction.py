"""Imports between the kinds and the playbook run one way: the playbook loader builds kinds' resources, so
playbook/ imports kinds/, and kinds/ never imports playbook/. Inside kinds/ the modules form no circle.
Every import counts: at the top, inside functions, and under TYPE_CHECKING."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def imports_of(package: str) -> dict[str, set[str]]:
    """module -> the mktctl modules it imports, for every module of ``mktctl.<package>``."""
    graph: dict[str, set[str]] = {}
    for path in sorted((SRC / "mktctl" / package).glob("*.py")):
        module = f"mktctl.{package}.{path.stem}"
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[module] = {name for name in found if name.startswith("mktctl.")}
    return graph


def circle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle among the modules of ``graph``, or an empty list."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module], _ = 1, path.append(module)
        for target in sorted(graph[module] & set(graph)):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        state[module], _ = 2, path.pop()
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_kinds_never_import_the_playbook_package() -> None:
    kinds = imports_of("kinds")

    reaching = {module: sorted(n for n in names if n.startswith("mktctl.playbook")) for module, names in kinds.items()}

    assert {module: names for module, names in reaching.items() if names} == {}


def test_the_kind_modules_and_the_playbook_modules_form_no_import_circle() -> None:
    graph = {**imports_of("kinds"), **imports_of("playbook")}

    assert circle(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
