"""The events a person can be notified of: names, Thai labels, urgency.

A plain registry other apps use by name: ``notify(event=events.ROUTE_RECEIVED, ...)``
or ``notify(event="route.received", ...)``. An app with an event of its own adds it once
at import time with :func:`register`. Urgent events are e-mailed at once by default
(the work manual's time standards: a proposal waits on an executive, an overdue item
is escalated to its unit head); the others go in the daily digest.
"""

from __future__ import annotations

ROUTE_RECEIVED = "route.received"
ROUTE_RETURNED = "route.returned"
PROPOSAL_AWAITING = "proposal.awaiting"
ENDORSEMENT_RECORDED = "endorsement.recorded"
DEADLINE_OVERDUE = "deadline.overdue"
DEADLINE_DUE_SOON = "deadline.due_soon"
LETTER_CLOSED = "letter.closed"
COMPLAINT_ASSIGNED = "complaint.assigned"
COMPLAINT_OVERDUE = "complaint.overdue"
COMPLAINT_REPORT_DUE = "complaint.report_due"

#: event name -> Thai label, in the order pages list them.
EVENTS: dict[str, str] = {
    ROUTE_RECEIVED: "มีหนังสือส่งถึงหน่วยงานหรือถึงท่าน",
    ROUTE_RETURNED: "หนังสือที่ท่านส่งถูกส่งคืน",
    PROPOSAL_AWAITING: "มีหนังสือเสนอให้ท่านพิจารณาสั่งการ",
    ENDORSEMENT_RECORDED: "หนังสือที่ท่านเสนอได้รับการสั่งการแล้ว",
    DEADLINE_OVERDUE: "งานของหน่วยงานเกินกำหนดเวลา",
    DEADLINE_DUE_SOON: "งานใกล้ครบกำหนดเวลา",
    LETTER_CLOSED: "หนังสือดำเนินการเสร็จสิ้นแล้ว",
    COMPLAINT_ASSIGNED: "มีเรื่องร้องเรียนมอบหมายให้หน่วยงานหรือท่าน",
    COMPLAINT_OVERDUE: "เรื่องร้องเรียนเกินกำหนดเวลา",
    COMPLAINT_REPORT_DUE: "ถึงกำหนดรายงานผลเรื่องร้องเรียน",
}

#: Events e-mailed at once unless the person chooses otherwise.
URGENT: set[str] = {DEADLINE_OVERDUE, PROPOSAL_AWAITING}


def register(event: str, label: str, *, urgent: bool = False) -> str:
    """Add ``event`` (e.g. ``"outgoing.signed"``) with its Thai ``label``; returns the name.

    Registering the same name again replaces its label. Call at import time of the app
    that raises the event.
    """
    EVENTS[event] = label
    if urgent:
        URGENT.add(event)
    else:
        URGENT.discard(event)
    return event


def label(event: str) -> str:
    """The Thai label of ``event``. Raises ValueError for an unknown event name."""
    try:
        return EVENTS[event]
    except KeyError:
        raise ValueError(f"unknown notification event {event!r}") from None


def default_email(event: str) -> str:
    """The e-mail choice when the person has not chosen: ``immediate`` for urgent events,
    ``daily`` otherwise."""
    return "immediate" if event in URGENT else "daily"
