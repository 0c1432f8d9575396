"""Writing audit events (call inside the service's transaction)."""

from __future__ import annotations

from typing import Any

from saraban.core.models import AuditEvent


def record_classified_access(*, actor: Any, letter: Any, action: str = "letter.view", **data: Any) -> None:
    """Log a view or download of ``letter`` when it is classified; nothing otherwise.

    DOMAIN.md §2: every view and download of a classified letter is logged. ``letter``
    is anything with ``pk`` and ``is_classified``; ``data`` says how (``via``, ``role``…).
    """
    if letter.is_classified:
        record_event(actor=actor, action=action, target_type="letter", target_id=letter.pk, **data)


def record_event(*, actor: Any, action: str, target_type: str, target_id: Any, **data: Any) -> AuditEvent:
    """Write one audit event and return it.

    ``actor`` is a User, a user id, or None (the system); ``data`` must be JSON-able.
    Call it in the same ``transaction.atomic`` block as the change, so both land or
    neither.
    """
    return AuditEvent.objects.create(
        actor_id=actor if isinstance(actor, int) else getattr(actor, "pk", None),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        data=data,
    )
