"""Tables of search: the outbox of index changes, and the embedded backend's index."""

from __future__ import annotations

from django.db import models


class OutboxEntry(models.Model):
    """A letter whose index entry must be brought up to date (transactional outbox).

    Written in the same transaction as the change to the letter (registration, a
    route, a correction), so a change is never committed without it; drained after
    commit and by the worker, in bulk, and retried with a growing delay while the
    search engine is unreachable. ``processed_at`` is set once the backend took the
    change; processed rows are kept a day (a rebuild replays those it may have missed).
    """

    letter_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["processed_at", "next_attempt_at"])]


class IndexedLetter(models.Model):
    """A letter as the embedded backend indexed it: the filters, facets and access
    fields of the search contract and ``length``, the number of terms (BM25). Kept
    narrow (its text is in :class:`IndexedText`) so that the scans every search makes
    over the letters a person may see stay short."""

    letter_id = models.BigIntegerField(unique=True)
    length = models.PositiveIntegerField(default=0)
    register = models.CharField(max_length=32, blank=True)
    urgency = models.CharField(max_length=16, blank=True)
    secrecy = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, blank=True)
    year = models.CharField(max_length=8, blank=True)
    document_type = models.CharField(max_length=16, blank=True)
    sender = models.CharField(max_length=255, blank=True)
    document_date = models.DateField(null=True, blank=True)
    desk_unit = models.BigIntegerField(null=True)
    agency = models.BigIntegerField(null=True)
    created_by = models.BigIntegerField(null=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        # No index on the access columns: they match most rows, and SQLite would prefer
        # such an index to the letter-id lookups of a short candidate list.
        indexes = [models.Index(fields=["document_date"])]


class IndexedText(models.Model):
    """What a hit shows and is matched on besides terms: ``fields`` (number, date,
    subject…), ``body`` the full text (snippets), ``skeleton`` the text without the
    marks OCR misreads (the tolerant pass)."""

    letter_id = models.BigIntegerField(unique=True)
    fields = models.JSONField(default=dict)
    body = models.TextField(blank=True)
    skeleton = models.TextField(blank=True)


class IndexedTerm(models.Model):
    """One term of one indexed letter, with its frequency (header terms count more;
    canonical document numbers are terms prefixed ``#``)."""

    letter_id = models.BigIntegerField()
    term = models.CharField(max_length=128)
    tf = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["term", "letter_id"]), models.Index(fields=["letter_id"])]


class IndexedLink(models.Model):
    """A many-valued field of an indexed letter: ``kind`` ``unit`` (a unit code on its
    desk or route, for the unit filter), ``route_unit`` / ``route_user`` (ids, for the
    access scope)."""

    letter_id = models.BigIntegerField()
    kind = models.CharField(max_length=16)
    value = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "letter_id"]), models.Index(fields=["letter_id"])]
