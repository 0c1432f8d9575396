"""Domain errors: the one error type every service raises.

Each error carries a stable ``code`` (ASCII, for programs), a Thai ``message`` (for
people, telling them what to do) and an HTTP ``status``; the API turns it into an
RFC 7807 problem document (see ``saraban.core.api``), the pages show the message.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every business-rule failure.

    Attributes: ``code`` (str), ``message`` (Thai, str), ``status`` (int HTTP status),
    ``extra`` (dict of JSON-able details).
    """

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    """The input breaks a rule (a wrong date, a missing subject, a bad file)."""

    code = "invalid_input"
    status = 400


class NotFound(DomainError):
    """The object does not exist *or the person may not see it*.

    The same answer for both, so that a classified letter does not exist to someone
    without access (DOMAIN.md §2, "Who may see a letter").
    """

    code = "not_found"
    status = 404

    def __init__(self, message: str = "ไม่พบรายการที่ต้องการ", **extra: Any) -> None:
        super().__init__(message, **extra)


class NotAllowed(DomainError):
    """The person may see the object but not do this action to it."""

    code = "not_allowed"
    status = 403


class Conflict(DomainError):
    """The action conflicts with the current state (already registered, a duplicate)."""

    code = "conflict"
    status = 409


class ServiceUnavailable(DomainError):
    """A part the request needs (the search engine) is down; nothing was changed and
    the person may try again shortly."""

    status = 503
