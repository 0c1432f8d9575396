"""Search backends, chosen by ``settings.SEARCH_BACKENDS`` like ``DATABASES``.

Every backend implements :class:`SearchBackend` and passes the one contract suite
(``tests/search/test_contract.py``) run against each: the embedded one (the default,
no server) and Elasticsearch (when ``ELASTICSEARCH_URL`` is set). Backends index what
they are given and apply the access scope they are given — they never decide who may
see what (ARCHITECTURE.md); the scope is applied inside the query, so hits, totals,
facets and snippets never count a letter outside it.

Matching, the same on every backend: a letter matches when it has every word of the
query (segmented like the index, in its header or text), or its own or a referenced
document number equals the query's canonical form. When no letter matches that way,
the search is run again *tolerantly* (``SearchResults.tolerant``): every query word
must occur in the letter up to the marks OCR misreads (see ``analysis.skeleton``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from saraban.core.access import AccessScope

#: Fields a query may filter on and count (facets), as indexed from a letter.
FACETS = ("register", "urgency", "secrecy", "status", "year", "document_type", "units", "sender")
#: The facets with one value per letter (``units`` has many).
SINGLE_VALUED_FACETS = tuple(name for name in FACETS if name != "units")
SORTS = ("relevance", "date", "-date")


class SearchUnavailable(Exception):
    """The backend cannot be reached or refused the request (an outage); the caller
    retries later (the outbox) or tells the person search is unavailable."""


@dataclass(frozen=True)
class SearchDocument:
    """What is indexed for one letter.

    ``fields``: what a hit shows (receive_number, year, register, document_number as
    printed, document_date ISO, subject, addressee, sender, urgency, secrecy, status,
    document_type, registered_at ISO); ``header``: the header text (weighted higher);
    ``body``: the full text as read; ``numbers``: canonical document numbers (its own
    and its references'); ``units``: codes of the registering desk and of every unit on
    its route (the "unit" filter); ``access``: the access fields of
    :class:`saraban.core.access.AccessScope` (ids).
    """

    letter_id: int
    fields: dict[str, Any]
    header: str
    body: str
    numbers: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    access: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchQuery:
    """A search as a person asked it.

    ``text``: plain words (never engine syntax; anything typed is accepted);
    ``filters``: facet name → accepted values (any of them; names from ``FACETS``);
    ``date_from``/``date_to``: on the letter's own date (inclusive);
    ``sort``: ``relevance`` (best first, newest first on ties), ``date`` (newest first)
    or ``-date`` (oldest first); ``facets``: which counts to return;
    ``limit``/``offset``: the page.
    """

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    facets: tuple[str, ...] = FACETS
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Hit:
    """One letter found: ``snippet`` is plain text with the words found wrapped in
    ``analysis.MARK_START``/``MARK_END``."""

    letter_id: int
    score: float
    snippet: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class SearchResults:
    """``total`` letters match (within the scope); ``hits`` is the requested page;
    ``facets``: facet name → [(value, count)], largest first; ``tolerant``: the
    OCR-tolerant second pass produced these results."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    tolerant: bool = False


@dataclass(frozen=True)
class BackendStatus:
    """``backend``: its name; ``version``: the engine's; ``documents``: letters indexed."""

    backend: str
    version: str
    documents: int


class SearchBackend(Protocol):
    """The contract every backend meets (tested by one suite against each)."""

    def update(self, documents: Sequence[SearchDocument], deleted: Sequence[int] = ()) -> None:
        """Add or replace ``documents`` and remove the letters ``deleted`` (absent ones
        are no error), in bulk; visible to searches when it returns. Raises
        :class:`SearchUnavailable` when the engine cannot take them (nothing is assumed
        indexed then)."""

    def search(self, query: SearchQuery, *, scope: AccessScope) -> SearchResults:
        """Letters matching ``query`` inside ``scope``, as described in the module
        docstring. Never an error for what a person typed; raises
        :class:`SearchUnavailable` on an outage."""

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index by ``documents`` without a moment where searches
        find nothing (a new index, then an atomic swap); returns how many."""

    def status(self) -> BackendStatus:
        """Name, engine version and document count; raises :class:`SearchUnavailable`."""

    def clear(self) -> None:
        """Drop every document."""


@functools.cache
def get_backend(alias: str = "default") -> SearchBackend:
    """The backend configured under ``SEARCH_BACKENDS[alias]`` (created once per process;
    ``get_backend.cache_clear()`` after changing the setting)."""
    config = dict(settings.SEARCH_BACKENDS[alias])
    cls = import_string(config.pop("BACKEND"))
    return cls(**{k.lower(): v for k, v in config.items()})
