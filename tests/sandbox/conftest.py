"""Fixtures of the sandbox tests: a served sandbox per test, or one shared by a module's wire tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mktctl.sandbox.server import ServedSandbox, serve_in_thread
from tests.helpers.served import Wire, served_sandbox, served_sandbox_factory  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def module_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSandbox]:
    """One served sandbox for a module's tests; tests that need a clean corp create their own."""
    with serve_in_thread(tmp_path_factory.mktemp("sandbox") / "sandbox.db") as sandbox:
        yield sandbox


@pytest.fixture
def wire(module_sandbox: ServedSandbox) -> Iterator[Wire]:
    """Raw JSON calls to the module's served sandbox, as a fresh corp (so tests never see each other)."""
    corp = module_sandbox.store.create_corp("测试企业")
    w = Wire(module_sandbox.url, corp)
    yield w
    w.close()
