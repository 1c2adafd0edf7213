"""The import structure of src/: no module imports itself back through others, and packages import only
packages below them, so a reader who follows the imports always goes down. Every import counts: at the top
of a module, inside functions, and under ``TYPE_CHECKING`` (a type-only import is still a dependency a
reader follows)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Each package, and the packages it may import. The ground (errors, secrets, pii, base) may be imported by
# every package; the sandbox is the platform's emulator and imports nothing of the client side.
GROUND = {"mktctl", "errors", "secrets", "pii", "base"}
LAYERS: dict[str, set[str]] = {
    "base": {"errors"},
    "sandbox": set(),
    "tenant": {"sandbox"},
    "leads": {"tenant"},
    "kinds": {"leads", "tenant", "sandbox"},
    "playbook": {"kinds"},
    "engine": {"kinds", "playbook", "tenant"},
    "rules": {"kinds", "leads", "playbook", "engine"},
    "deliver": {"engine", "kinds", "leads", "playbook", "rules", "tenant"},
    "migrate": {"deliver", "engine", "kinds", "leads", "playbook", "rules", "tenant"},
    "cli": {"base", "deliver", "engine", "kinds", "leads", "migrate", "playbook", "rules", "sandbox", "tenant"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every module of src/mktctl -> the modules of src/mktctl it imports (in any way)."""
    modules = {module_name(path): path for path in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                # `from package import module` needs the module; `from module import name` the module itself
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(modules)
                found.update(submodules if len(submodules) == len(node.names) else {node.module, *submodules})
        graph[module] = {name for name in found if name in modules and name != module}
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of imports in ``graph`` (its modules in order, the first repeated at the end), or []."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        state[module] = 2
        path.pop()
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "mktctl"


def test_no_module_of_src_imports_itself_back_through_others() -> None:
    circle = find_circle(import_graph())

    assert circle == [], "import circle: " + " -> ".join(circle)


def test_packages_import_only_the_packages_below_them() -> None:
    wrong: list[str] = []
    for module, targets in sorted(import_graph().items()):
        package = package_of(module)
        allowed = LAYERS.get(package)
        if allowed is None:
            continue  # the ground and the entry points
        for target in sorted(targets):
            other = package_of(target)
            if other != package and other not in allowed and (other not in GROUND or (package == "sandbox"
                                                                and other not in {"errors", "base", "mktctl"})):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_every_package_has_its_place_in_the_layers() -> None:
    packages = {path.parent.name for path in (SRC / "mktctl").glob("*/__init__.py")}

    assert packages - set(LAYERS) - GROUND == set()


def test_the_check_finds_a_circle_when_there_is_one() -> None:
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set()}) == []


def test_every_name_imported_from_a_module_of_mktctl_exists() -> None:
    """An import inside a function runs only when the function does: a name moved away breaks it silently
    until a user reaches that path. Every ``from mktctl... import name`` must name something that exists."""
    import importlib

    modules = {module_name(path): path for path in SRC.rglob("*.py")}
    missing = []
    for module, path in sorted(modules.items()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mktctl")):
                continue
            target = importlib.import_module(node.module)
            for alias in node.names:
                if f"{node.module}.{alias.name}" in modules:
                    continue
                if not hasattr(target, alias.name):
                    missing.append(f"{module}:{node.lineno} imports {alias.name} from {node.module}")
    assert not missing, "\n".join(missing)
