"""The one error tree of mktctl.

Every error the library raises on purpose derives from :class:`MktctlError` and carries its context as
attributes. The CLI maps them to messages and exit codes in one place (``mktctl.cli.main``):
user errors exit 1, unexpected errors exit 3, Ctrl-C exits 130.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MktctlError(Exception):
    """Base of every error mktctl raises on purpose. ``str(error)`` is a message a user can act on."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Mark:
    """A position in a source file: 1-based line and column, as editors show them."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One problem found in a playbook, with the position of the value it is about."""

    mark: Mark | None
    message: str
    path: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.mark}: " if self.mark else ""
        what = f"{self.path}: " if self.path else ""
        return f"{where}{what}{self.message}"


class PlaybookError(MktctlError):
    """A playbook could not be loaded or is not valid. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        first = str(self.problems[0]) if self.problems else "invalid playbook"
        super().__init__(first if count == 1 else f"{count} problems in the playbook; first: {first}")


class SettingsError(MktctlError):
    """A tenant profile, an environment variable or a command-line setting is wrong or missing."""


class SecretError(SettingsError):
    """A secret reference could not be resolved. Never carries the secret value itself."""


class TenantError(MktctlError):
    """The tenant answered with an error, or could not be reached."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        trace_id: str | None = None,
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.trace_id = trace_id
        self.path = path

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.insert(0, f"[{self.code}]")
        if self.path:
            parts.append(f"(calling {self.path}")
            parts[-1] += f", trace {self.trace_id})" if self.trace_id else ")"
        return " ".join(parts)


class TenantUnreachable(TenantError):
    """No answer from the tenant: connection refused or dropped, DNS failure, timeout."""


class AuthError(TenantError):
    """Credentials were refused (wrong app id, secret or permanent code, unknown corp, expired token)."""


class ActingUserMissing(AuthError):
    """A call that acts as an employee (CRM data, the extension API) was made without one (10010): the tenant
    settings lack the open user id (``open_user_id``, ``MKTCTL_OPEN_USER_ID``)."""


class PermissionDenied(TenantError):
    """The app or the acting user lacks permission for this call."""


class RateLimited(TenantError):
    """The platform throttled the call (14001 / 30004, HTTP 429). Retried by the client within a deadline."""


class QuotaExhausted(TenantError):
    """The daily call quota (30002) or the purchased quota (30003) is used up; a rerun resumes later."""


class NotFound(TenantError):
    """The record, user or department does not exist on the tenant."""


class InvalidRequest(TenantError):
    """The tenant rejected the request's content (a parameter, a field value); never retried."""


class DuplicateRecord(InvalidRequest):
    """A create that the platform's duplicate check refused: a record with the same value in one of the
    object's duplicate fields exists (``record_id`` when the answer names it)."""

    record_id: str | None = None


class PlanError(MktctlError):
    """A plan cannot be made or applied as it is (a cycle, a stale saved plan, a bad plan file)."""


class StalePlanError(PlanError):
    """A saved plan was made against a tenant state that has changed since."""


class PlanFileError(PlanError):
    """A plan file cannot be read, written, or is not a plan (``file`` is its path)."""

    def __init__(self, message: str, *, file: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.file = file


class UnknownNameError(MktctlError):
    """A name that is none of the known ones (a manual step, a starter template). ``known`` lists them; the
    hint suggests the closest."""

    def __init__(self, message: str, *, name: str, known: Sequence[str], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.name = name
        self.known = tuple(known)


class WouldOverwriteError(MktctlError):
    """Writing into ``folder`` would replace files that are already there (``files``, relative to it)."""

    def __init__(self, message: str, *, folder: str, files: Sequence[str], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.folder = folder
        self.files = tuple(files)


class FileAccessError(MktctlError):
    """A file or folder mktctl reads or writes - its state under ``.mktctl/``, an output, a playbook - cannot be
    used: no permission, a file where a folder is expected, a full or read-only disk. ``path`` is where."""

    def __init__(self, message: str, *, path: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path


class LockedError(MktctlError):
    """Another mktctl run holds the lock of this playbook folder."""


class Interrupted(MktctlError):
    """The command was stopped on request (Ctrl-C) while it waited for the tenant; exit 130."""

    exit_code = 130


class ApplyInterrupted(Interrupted):
    """Apply stopped early on request (Ctrl-C); what was done is journalled and the next apply continues."""


class DataFileError(MktctlError):
    """A spreadsheet or CSV file cannot be read at all (missing, unreadable, hostile, wrong format)."""

    def __init__(self, message: str, *, file: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.file = file
