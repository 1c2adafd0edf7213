"""The hooks through which the lead pipeline reports progress. The core never prints; the CLI implements
these with rich progress bars, tests with a list."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def phase(self, name: str, total: int | None = None) -> None:
        """A new phase starts (``read``, ``dedupe``, ``write``, ``match``, ``import``, ``link``...);
        ``total`` is its number of units when known."""

    def advance(self, units: int = 1) -> None:
        """``units`` more units of the current phase are done."""


class NoProgress:
    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, units: int = 1) -> None:
        pass


class Recorder:
    """Keeps what was reported, for tests."""

    def __init__(self) -> None:
        self.phases: list[tuple[str, int | None]] = []
        self.units: dict[str, int] = {}

    def phase(self, name: str, total: int | None = None) -> None:
        self.phases.append((name, total))
        self.units.setdefault(name, 0)

    def advance(self, units: int = 1) -> None:
        if self.phases:
            self.units[self.phases[-1][0]] += units
