"""Tables of the embedded search backend: one row per indexed letter and its terms."""

from __future__ import annotations

from django.db import models


class IndexedLetter(models.Model):
    """A letter as the embedded backend indexed it.

    ``fields`` keeps what a hit shows (number, date, subject…); ``body`` the normalised
    full text for snippets and phrase matching; ``length`` the number of terms (BM25).
    """

    letter_id = models.BigIntegerField(unique=True)
    fields = models.JSONField(default=dict)
    body = models.TextField(blank=True)
    compact = models.TextField(blank=True)
    length = models.PositiveIntegerField(default=0)
    indexed_at = models.DateTimeField(auto_now=True)


class IndexedTerm(models.Model):
    """One term of one indexed letter, with its frequency (header terms count more)."""

    letter_id = models.BigIntegerField()
    term = models.CharField(max_length=128)
    tf = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["term", "letter_id"]), models.Index(fields=["letter_id"])]
