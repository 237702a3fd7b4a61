"""The error hierarchy. Each error carries the exit code SPEC gives it; cli/ translates once."""


class DantrackError(Exception):
    """Base of every error a user can cause. The message is one clear line."""

    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None, value: object = None,
                 reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # For an import row: the column, its value and the reason alone ("is before …").
        self.field = field
        self.value = value
        self.reason = reason or message


class RuleError(DantrackError):
    """A rule of the domain refused the action (already closed, verdict does not fit …)."""

    exit_code = 1


class NotFound(RuleError):
    """A ref, code or name that names nothing."""


class Ambiguous(RuleError):
    """A name that matches several records at the same precedence step."""


class Conflict(RuleError):
    """A record with this identity exists already."""


class UsageError(DantrackError):
    """Wrong use of the command line that only the command line can detect."""

    exit_code = 2


class InvalidInput(DantrackError):
    """A field value (from an option or an import row) that does not pass validation."""

    exit_code = 3


class DatabaseUnavailable(DantrackError):
    """The database cannot be used: missing, locked past the timeout, newer or older schema."""

    exit_code = 4
