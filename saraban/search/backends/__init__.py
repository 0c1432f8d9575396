"""Search backends, chosen by ``settings.SEARCH_BACKENDS`` like ``DATABASES``.

Every backend implements :class:`SearchBackend`; the embedded one is the default and
needs no server. Backends index what they are given and apply the access filter they
are given — they never decide who may see what (ARCHITECTURE.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SearchDocument:
    """What is indexed for one letter.

    ``fields``: header fields as shown (document_number, document_date ISO, subject,
    addressee, sender, receive_number, register, year, urgency, secrecy, status);
    ``header``: the header text (weighted higher); ``body``: the full text;
    ``numbers``: canonical document numbers (its own and its references').
    """

    letter_id: int
    fields: dict[str, Any]
    header: str
    body: str
    numbers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    letter_id: int
    score: float
    snippet: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: list[Hit]


class SearchBackend(Protocol):
    """The contract every backend meets (tested by one suite against each)."""

    def index(self, doc: SearchDocument) -> None:
        """Add or replace the document for ``doc.letter_id``."""

    def delete(self, letter_id: int) -> None:
        """Remove a letter from the index (no error when absent)."""

    def search(self, query: str, *, allowed: QuerySet, limit: int = 20, offset: int = 0) -> SearchResults:
        """Letters matching ``query`` (plain words typed by a person; never engine
        syntax, never an error for odd input), restricted to the ids in ``allowed`` (a
        queryset of letter ids the access policy produced), best first."""

    def clear(self) -> None:
        """Drop every document."""


@functools.cache
def get_backend(alias: str = "default") -> SearchBackend:
    """The backend configured under ``SEARCH_BACKENDS[alias]`` (created once)."""
    config = dict(settings.SEARCH_BACKENDS[alias])
    cls = import_string(config.pop("BACKEND"))
    return cls(**{k.lower(): v for k, v in config.items()})
