"""Small helpers that make registered letters through the real services."""

from __future__ import annotations

import itertools

from saraban.registry import services
from saraban.search.services import index_letter

_numbers = itertools.count(1)


def registered_letter(actor, *, text: str = "", **fields):
    """Register a letter without a file through the service; optional full ``text``
    (as if read from a scan) is stored and indexed. Returns the Letter."""
    n = next(_numbers)
    data = {"document_number": f"พม ๐๒๐๑/{n}", "document_date": "2025-06-17", "subject": f"เรื่องทดสอบ {n}",
            "issuing_office": "กองกลาง", **fields}
    letter = services.register_without_file(actor=actor, fields=data)
    if text:
        type(letter).objects.filter(pk=letter.pk).update(text=text)
        letter.refresh_from_db()
    index_letter(letter_id=letter.pk)
    return letter


def api_client(user):
    """A DRF test client signed in as ``user``."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
