"""Writes to the search index, through a transactional outbox: never inside a save.

A change to a letter calls :func:`enqueue_index` inside its own transaction, which
adds an :class:`~saraban.search.models.OutboxEntry` row — committed with the change or
not at all. After the commit the entries are sent to the backend at once (best
effort); whatever the backend could not take stays in the outbox and the worker
(``python manage.py worker``) drains it in bulk with a growing delay between attempts,
so an Elasticsearch outage never fails or slows a registration and nothing is lost:
the index catches up when the engine is back (ARCHITECTURE.md, "Search backends").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from saraban.search.backends import SearchDocument, SearchUnavailable, get_backend
from saraban.search.models import OutboxEntry

log = logging.getLogger(__name__)

DRAIN_BATCH = 500
RETRY_DELAYS = (5, 15, 60, 300)  # seconds before attempt 2, 3, 4, 5+
KEEP_PROCESSED = timedelta(days=1)


def document_for(letter) -> SearchDocument:
    """The search document of a registered ``letter`` (a registry.Letter with its
    register, desk unit and routes): header fields, full text, canonical numbers, the
    units on its desk and route, and its access fields (DOMAIN.md §2)."""
    from ocr import thai

    references = [r.get("number", "") for r in letter.references or [] if isinstance(r, dict)]
    header = " ".join(
        part
        for part in [
            letter.document_number, letter.subject, letter.addressee, letter.sender, letter.issuing_office,
            letter.signer_name, letter.signer_position, " ".join(references),
        ]
        if part
    )
    routes = list(letter.routes.all())
    route_units = sorted({r.to_unit_id for r in routes if r.to_unit_id})
    route_users = sorted({r.to_user_id for r in routes if r.to_user_id})
    units = {letter.desk_unit.code} | {r.to_unit.code for r in routes if r.to_unit_id}
    fields = {
        "receive_number": letter.receive_number,
        "year": letter.year,
        "register": letter.register.code if letter.register_id else None,
        "document_number": letter.document_number,
        "document_date": letter.document_date.isoformat() if letter.document_date else None,
        "subject": letter.subject,
        "addressee": letter.addressee,
        "sender": letter.sender or letter.issuing_office,
        "urgency": letter.urgency,
        "secrecy": letter.secrecy,
        "status": letter.status,
        "document_type": letter.document_type,
        "registered_at": letter.registered_at.isoformat() if letter.registered_at else None,
    }
    access = {"secrecy": letter.secrecy, "desk_unit": letter.desk_unit_id, "agency": letter.desk_unit.agency_id,
              "created_by": letter.created_by_id, "route_units": route_units, "route_users": route_users}
    return SearchDocument(letter_id=letter.pk, fields=fields, header=thai.normalize(header),
                          body=thai.normalize(letter.text or ""),
                          numbers=[n for n in [letter.document_number, *references] if n],
                          units=sorted(units), access=access)


def enqueue_index(letter_id: int) -> None:
    """Record that ``letter_id``'s index entry must be refreshed — call it inside the
    transaction that changed the letter.

    When a background worker is running it sends the outbox in batches within
    ``SARABAN_WORKER_PERIODIC_SECONDS`` (cheaper per letter, and off the request);
    otherwise the entry is sent right after the commit."""
    from saraban.core.batch_sql import execute_together

    execute_together([outbox_statement(letter_id)])


def outbox_statement(letter_id: int):
    """:func:`enqueue_index` as a statement for ``core.batch_sql.execute_together`` —
    for writes made in one round trip under a lock."""
    from saraban.core.batch_sql import insert_statement
    from saraban.core.workers import worker_running_recently

    if not worker_running_recently():
        transaction.on_commit(lambda: _drain_after_commit(letter_id))
    return insert_statement(OutboxEntry(letter_id=letter_id))


def _drain_after_commit(letter_id: int) -> None:
    """Best effort right after a commit; an outage leaves the entries for the worker."""
    try:
        drain_outbox(letter_ids=[letter_id])
    except Exception:  # never fail the request that committed the change
        log.exception("search outbox: sending letter %s failed; the worker retries it", letter_id)


@dataclass(frozen=True)
class DrainResult:
    """``indexed``/``deleted`` letters sent; ``failed``: entries left for a retry;
    ``error``: why, when the backend was unavailable."""

    indexed: int = 0
    deleted: int = 0
    failed: int = 0
    error: str = ""


def _registered_letters():
    """Registered letters with what :func:`document_for` reads (register, desk unit,
    routes with their units) fetched along."""
    from saraban.registry.models import Letter

    return (Letter.objects.filter(status=Letter.Status.REGISTERED)
            .select_related("register", "desk_unit").prefetch_related("routes__to_unit"))


def _documents(letter_ids: list[int]) -> tuple[list[SearchDocument], list[int]]:
    """Documents of the registered letters among ``letter_ids``; the others (drafts,
    deleted) are to be removed from the index."""
    documents = [document_for(letter) for letter in _registered_letters().filter(pk__in=letter_ids)]
    found = {d.letter_id for d in documents}
    return documents, [i for i in letter_ids if i not in found]


def drain_outbox(*, limit: int = DRAIN_BATCH, only_ids: list[int] | None = None,
                 letter_ids: list[int] | None = None) -> DrainResult:
    """Send due outbox entries to the backend in one bulk request.

    Entries are due when unprocessed and their ``next_attempt_at`` has passed (or is
    unset); ``only_ids`` restricts to those entries, ``letter_ids`` to those letters'.
    Each letter is sent once, as it is now in the database. On
    :class:`SearchUnavailable` the entries get one more attempt counted and a later
    ``next_attempt_at`` (``RETRY_DELAYS``); they are never dropped.
    Returns a :class:`DrainResult`. Processed entries older than a day are removed.
    """
    now = timezone.now()
    due = OutboxEntry.objects.filter(processed_at__isnull=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    if only_ids is not None:
        due = due.filter(pk__in=only_ids)
    if letter_ids is not None:
        due = due.filter(letter_id__in=letter_ids)
    entries = list(due.order_by("pk").values_list("pk", "letter_id", "attempts")[:limit])
    if not entries:
        return DrainResult()
    letter_ids = sorted({letter_id for _, letter_id, _ in entries})
    documents, deleted = _documents(letter_ids)
    try:
        get_backend().update(documents, deleted)
    except SearchUnavailable as exc:
        for attempts in {a for _, _, a in entries}:
            delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS) - 1)]
            OutboxEntry.objects.filter(pk__in=[pk for pk, _, a in entries if a == attempts]).update(
                attempts=attempts + 1, next_attempt_at=now + timedelta(seconds=delay), last_error=str(exc)[:2000])
        log.warning("search outbox: %s entries wait for a retry: %s", len(entries), exc)
        return DrainResult(failed=len(entries), error=str(exc))
    OutboxEntry.objects.filter(pk__in=[pk for pk, _, _ in entries]).update(processed_at=timezone.now(),
                                                                           last_error="")
    OutboxEntry.objects.filter(processed_at__lt=now - KEEP_PROCESSED).delete()
    return DrainResult(indexed=len(documents), deleted=len(deleted))


def drain_all(*, retry_now: bool = False) -> DrainResult:
    """Drain until nothing is due (``retry_now``: also entries waiting for a retry).
    Stops at the first failure and returns the totals."""
    if retry_now:
        OutboxEntry.objects.filter(processed_at__isnull=True).update(next_attempt_at=None)
    indexed = deleted = 0
    while True:
        result = drain_outbox()
        indexed += result.indexed
        deleted += result.deleted
        if result.failed or not (result.indexed or result.deleted):
            return DrainResult(indexed=indexed, deleted=deleted, failed=result.failed, error=result.error)


def outbox_lag() -> dict:
    """``pending`` entries not yet in the index, ``oldest_seconds`` since the oldest of
    them was written (0 when none), ``retrying`` those that have failed at least once."""
    pending = OutboxEntry.objects.filter(processed_at__isnull=True)
    oldest = pending.aggregate(t=Min("created_at"))["t"]
    return {"pending": pending.count(), "retrying": pending.filter(attempts__gt=0).count(),
            "oldest_seconds": round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0}


def reindex_all(*, progress=None) -> int:
    """Rebuild the whole index from the database without downtime (the backend builds
    a new index and swaps it in), then send again every outbox entry written since the
    rebuild began, so changes made during it are not lost. ``progress(n)`` is called
    every 1,000 letters. Returns the number of letters indexed; the rebuild is an audit
    event (``search.reindex``). Raises :class:`SearchUnavailable` when the backend is
    down."""
    from saraban.core.audit import record_event

    started = timezone.now()

    def documents():
        for n, letter in enumerate(_registered_letters().order_by("pk").iterator(chunk_size=500), 1):
            if progress and n % 1000 == 0:
                progress(n)
            yield document_for(letter)

    backend = get_backend()
    count = backend.rebuild(documents())
    OutboxEntry.objects.filter(created_at__gte=started).update(processed_at=None, next_attempt_at=None)
    drain_all()
    record_event(actor=None, action="search.reindex", target_type="search_index", target_id=type(backend).__name__,
                 letters=count, seconds=round((timezone.now() - started).total_seconds(), 1))
    return count


def index_letter(*, letter_id: int) -> None:
    """Bring one letter's index entry up to date now, through the outbox (tests and
    commands that must see the result at once). Raises :class:`SearchUnavailable`."""
    OutboxEntry.objects.create(letter_id=letter_id)
    result = drain_outbox(letter_ids=[letter_id])
    if result.failed:
        raise SearchUnavailable(result.error)
