"""The tracker's named errors. Each is a domain outcome a caller can show as one line."""

from __future__ import annotations


class TrackerError(Exception):
    "A problem a user can act on; its message is one readable line"


class NotFoundError(TrackerError):
    "Record not found"


class AlreadyExistsError(TrackerError):
    "A record with that id already exists"


class InvalidInputError(TrackerError):
    "The input breaks a rule of the domain model"

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


class VersionConflictError(TrackerError):
    "Someone else changed the record since it was read; nothing was written"

    def __init__(self, entity: str, entity_id: str, expected: int, actual: int):
        super().__init__(
            f"{entity} {entity_id!r} was changed by someone else since you read it "
            f"(you had version {expected}, it is now version {actual}); nothing was saved"
        )
        self.entity = entity
        self.entity_id = entity_id
        self.expected = expected
        self.actual = actual


class ImportRejectedError(TrackerError):
    "The import file has problems; nothing was written"

    def __init__(self, problems: list[str]):
        count = len(problems)
        super().__init__(
            f"import rejected, nothing written: {count} problem{'s' if count != 1 else ''}"
        )
        self.problems = problems


class NotATrackerDatabaseError(TrackerError):
    "The file is not a tracker database (another SQLite database, or not SQLite at all)"


class DatabaseUnavailableError(TrackerError):
    "The database file cannot be opened (a missing folder, no permission, a lock held too long)"


class DatabaseBusyError(TrackerError):
    "The database stayed locked by other writers for too long"


class PermissionDeniedError(TrackerError):
    "The caller's role does not allow this action"


class AuthenticationError(TrackerError):
    "Sign-in failed or the session is no longer valid"


class StatusUpdatesRefusedError(TrackerError):
    "A bulk status update met conflicts or problems; nothing was written"

    def __init__(self, conflicts: list[VersionConflictError], problems: list[str]):
        parts = []
        if conflicts:
            parts.append(f"{len(conflicts)} item{'s' if len(conflicts) != 1 else ''} changed by someone "
                         "else since you read them")
        if problems:
            parts.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        super().__init__(f"nothing was saved: {' and '.join(parts)}")
        self.conflicts = conflicts
        self.problems = [str(c) for c in conflicts] + problems
