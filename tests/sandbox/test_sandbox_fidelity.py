"""Fidelity is measured: every path the sandbox serves has a row in docs/sandbox.md's fidelity table, with
the sources it was built from and how sure it is."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Mount, Route

from mktctl.sandbox.app import create_app
from mktctl.sandbox.faults import FaultInjector
from mktctl.sandbox.store import Store

DOC = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text(encoding="utf-8")
CERTAINTY = ("documented", "two clients", "inferred", "sandbox only")


def fidelity_rows() -> list[list[str]]:
    section = DOC.split("\n## Fidelity\n", 1)[1].split("\n## ", 1)[0]
    tables = [t for t in section.split("\n\n") if t.startswith("| endpoint or behaviour |")]
    assert len(tables) == 1, "one fidelity table"
    lines = tables[0].strip().splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def served_paths() -> set[str]:
    store = Store(":memory:")
    app = create_app(store, faults=FaultInjector("seed=1"))
    paths: set[str] = set()
    for route in app.routes:
        if isinstance(route, Mount):
            paths |= {route.path + sub.path for sub in route.routes if isinstance(sub, Route)}
        elif isinstance(route, Route) and route.path != "/{rest:path}":
            paths.add(route.path)
    store.close()
    return paths


def test_every_row_names_its_sources_and_how_sure_it_is() -> None:
    rows = fidelity_rows()
    assert len(rows) > 40
    for behaviour, sources, certainty in rows:
        assert behaviour and sources, behaviour
        assert certainty.startswith(CERTAINTY), (behaviour, certainty)


def test_every_path_the_sandbox_serves_has_a_row() -> None:
    listed = {path for row in fidelity_rows() for path in re.findall(r"`(/[^`]+)`", row[0])}
    missing = sorted(served_paths() - listed)
    assert missing == []


def test_the_measure_sees_the_paths_of_the_public_and_the_extension_api() -> None:
    paths = served_paths()
    assert {"/cgi/crm/custom/v2/data/findOne", "/cgi/user/get/batchByUpdTime", "/cgi/message/send",
            "/mktctl/ext/v1/fields/upsert", "/mktctl/ext/v1/openapi.json", "/mktctl/faults"} <= paths
