"""Template context: the unread notification count for the header."""

from __future__ import annotations

from saraban.notifications.selectors import unread_count as _unread_count


def unread_count(request) -> dict:
    """Context processor: ``{"unread_notifications": n}`` for the signed-in person (0 otherwise)."""
    return {"unread_notifications": _unread_count(getattr(request, "user", None))}
