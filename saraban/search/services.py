"""Writes to the search index: called after commit, never inside a save.

An index failure is logged and never fails the registration that triggered it;
``python manage.py search_reindex`` rebuilds the index from the database.
"""

from __future__ import annotations

import logging

from saraban.search.backends import SearchDocument, get_backend

log = logging.getLogger(__name__)


def document_for(letter) -> SearchDocument:
    """The search document of a registered ``letter`` (a registry.Letter)."""
    from ocr import thai

    header = " ".join(
        part
        for part in [
            letter.document_number, letter.subject, letter.addressee, letter.sender, letter.issuing_office,
            letter.signer_name, letter.signer_position,
            " ".join(r.get("number", "") for r in letter.references or []),
        ]
        if part
    )
    numbers = [letter.document_number] + [r.get("number", "") for r in letter.references or []]
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
    }
    return SearchDocument(letter_id=letter.pk, fields=fields, header=thai.normalize(header),
                          body=thai.normalize(letter.text or ""), numbers=[n for n in numbers if n])


def index_letter(*, letter_id: int) -> bool:
    """(Re)index one letter; drafts are removed from the index. Returns False on failure
    (logged), never raises."""
    from saraban.registry.models import Letter

    try:
        letter = Letter.objects.select_related("register").filter(pk=letter_id).first()
        backend = get_backend()
        if letter is None or letter.status != Letter.Status.REGISTERED:
            backend.delete(letter_id)
        else:
            backend.index(document_for(letter))
        return True
    except Exception:  # an index outage must never fail the save that called it
        log.exception("indexing letter %s failed; run search_reindex to catch up", letter_id)
        return False


def index_on_commit(letter_id: int) -> None:
    """Reindex ``letter_id`` once the current transaction commits (never inside it)."""
    from django.db import transaction

    transaction.on_commit(lambda: index_letter(letter_id=letter_id))


def reindex_all() -> int:
    """Rebuild the whole index from the database; returns the number of letters indexed."""
    from saraban.registry.models import Letter

    backend = get_backend()
    backend.clear()
    count = 0
    for letter in Letter.objects.filter(status=Letter.Status.REGISTERED).select_related("register").iterator():
        backend.index(document_for(letter))
        count += 1
    return count
