"""Search as a person sees it: the access scope is applied inside the query."""

from __future__ import annotations

import re
from datetime import date

from saraban.core.access import Viewer, access_scope
from saraban.core.errors import ServiceUnavailable
from saraban.search.backends import FACETS, SORTS, SearchQuery, SearchResults, SearchUnavailable, get_backend

MAX_OFFSET = 10_000
MAX_QUERY_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def search_letters(viewer: Viewer, text: str = "", *, filters: dict[str, list[str]] | None = None,
                   date_from: date | None = None, date_to: date | None = None, sort: str = "relevance",
                   facets: tuple[str, ...] = FACETS, limit: int = 20, offset: int = 0) -> SearchResults:
    """Registered letters matching ``text`` and ``filters`` that ``viewer`` may open.

    Hits, the total, facet counts and snippets never include a letter outside the
    viewer's access (DOMAIN.md §2): the scope goes into the backend's query, and each
    hit is checked again against the database (an index a moment behind a change never
    shows a letter). What a person types is never engine syntax: control characters
    are dropped and text is cut at 500 characters; unknown filters and sorts are
    ignored; ``limit`` is capped at 100 and ``offset`` at 10,000.
    Raises :class:`saraban.core.errors.ServiceUnavailable` when the engine is down.
    """
    from saraban.registry.selectors import registered_letters

    query = SearchQuery(
        text=_CONTROL.sub(" ", text or "")[:MAX_QUERY_CHARS],
        filters={k: [str(v)[:255] for v in vs][:20] for k, vs in (filters or {}).items() if k in FACETS and vs},
        date_from=date_from, date_to=date_to, sort=sort if sort in SORTS else "relevance",
        facets=tuple(f for f in facets if f in FACETS),
        limit=max(1, min(int(limit), 100)), offset=max(0, min(int(offset), MAX_OFFSET)),
    )
    try:
        results = get_backend().search(query, scope=access_scope(viewer))
    except SearchUnavailable as exc:
        raise ServiceUnavailable("ระบบค้นหาไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่อีกครั้งในอีกสักครู่",
                                 code="search_unavailable") from exc
    if results.hits:
        visible = set(registered_letters(viewer).filter(pk__in=[h.letter_id for h in results.hits])
                      .values_list("pk", flat=True))
        if len(visible) < len(results.hits):
            results = SearchResults(total=results.total, hits=[h for h in results.hits if h.letter_id in visible],
                                    facets=results.facets, tolerant=results.tolerant)
    _log_classified_hits(viewer, results)
    return results


def _log_classified_hits(viewer: Viewer, results: SearchResults) -> None:
    """A hit shows a classified letter's subject and text: log it as a view (DOMAIN.md §2)."""
    from saraban.core.audit import record_event

    for hit in results.hits:
        if hit.fields.get("secrecy", "unclassified") != "unclassified":
            record_event(actor=viewer.user_id, action="letter.view", target_type="letter", target_id=hit.letter_id,
                         via="search")


FACET_TITLES = {"units": "หน่วยงาน", "register": "ทะเบียน", "urgency": "ชั้นความเร็ว", "secrecy": "ชั้นความลับ",
                "status": "สถานะ", "year": "ปี (พ.ศ.)", "document_type": "ชนิดหนังสือ", "sender": "ผู้ส่ง"}


def labelled_facets(facets: dict[str, list[tuple[str, int]]]) -> dict[str, list[dict]]:
    """Facet counts with the Thai label of each value: ``{name: [{"value", "label",
    "count"}]}`` (years in the Buddhist era, units and registers by name)."""
    from saraban.core.classes import DocumentType, Secrecy, Urgency
    from saraban.registry.models import Letter, Register
    from saraban.routing.models import Unit

    labels: dict[str, dict[str, str]] = {
        "urgency": dict(Urgency.choices), "secrecy": dict(Secrecy.choices),
        "document_type": dict(DocumentType.choices), "status": dict(Letter.Status.choices),
        "units": dict(Unit.objects.filter(code__in=[v for v, _ in facets.get("units", [])])
                      .values_list("code", "name")),
        "register": dict(Register.objects.filter(code__in=[v for v, _ in facets.get("register", [])])
                         .values_list("code", "name")),
    }
    out = {}
    for name, values in facets.items():
        out[name] = []
        for value, count in values:
            label = labels.get(name, {}).get(value, value)
            if name == "year" and value.isdigit():
                label = str(int(value) + 543)
            out[name].append({"value": value, "label": label, "count": count})
    return out
