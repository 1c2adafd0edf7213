"""Fixtures of the tenant client tests."""

from __future__ import annotations

from tests.helpers.served import served_sandbox, served_sandbox_factory  # noqa: F401 - fixtures
