"""Search as a person sees it: the access policy is applied inside the query."""

from __future__ import annotations

from saraban.core.access import Viewer
from saraban.search.backends import SearchResults, get_backend

MAX_OFFSET = 10_000


def search_letters(viewer: Viewer, query: str, *, limit: int = 20, offset: int = 0) -> SearchResults:
    """Registered letters matching ``query`` that ``viewer`` may open, best first.

    Hits, the total and snippets never include a letter outside the viewer's access
    (DOMAIN.md §2). ``limit`` is capped at 100 and ``offset`` at 10,000.
    """
    from saraban.registry.selectors import registered_letters

    allowed = registered_letters(viewer).values("pk")
    limit = max(1, min(int(limit), 100))
    offset = max(0, min(int(offset), MAX_OFFSET))
    results = get_backend().search(query or "", allowed=allowed, limit=limit, offset=offset)
    _log_classified_hits(viewer, results)
    return results


def _log_classified_hits(viewer: Viewer, results: SearchResults) -> None:
    """A hit shows a classified letter's subject and text: log it as a view (DOMAIN.md §2)."""
    from saraban.core.audit import record_event

    for hit in results.hits:
        if hit.fields.get("secrecy", "unclassified") != "unclassified":
            record_event(actor=viewer.user_id, action="letter.view", target_type="letter", target_id=hit.letter_id,
                         via="search")
