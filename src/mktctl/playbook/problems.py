"""The problems found while loading a playbook, collected so that every one is reported at once."""

from __future__ import annotations

from collections.abc import Iterable

from mktctl.errors import Mark, Problem


class Problems:
    """Every problem found so far, in the order found; each phase of loading adds to the same list."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def error(self, mark: Mark | None, message: str, severity: str = "error") -> None:
        self.found.append(Problem(mark, message, severity=severity))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.found.extend(problems)

    def __len__(self) -> int:
        return len(self.found)
