"""The embedded search backend: an inverted index in the service's own database.

No server to run: terms live in two tables (``IndexedLetter``, ``IndexedTerm``) of
the same database as the letters, on SQLite and on PostgreSQL alike. Matching is
by terms (all query terms must occur) or by the query's compact form occurring in
the letter (so a phrase that PyThaiNLP splits differently in the letter still
matches); ranking is BM25 with header terms weighted double and a bonus for a
phrase match.
"""

from __future__ import annotations

import math
from collections import Counter

from django.db import transaction
from django.db.models import Count, QuerySet, Sum

from saraban.search.analysis import compact, normalize, tokenize
from saraban.search.backends import Hit, SearchDocument, SearchResults
from saraban.search.models import IndexedLetter, IndexedTerm

K1, B = 1.2, 0.75
HEADER_WEIGHT = 2.0
SNIPPET_CHARS = 160


class EmbeddedSearchBackend:
    """Search inside the database; see the module docstring."""

    def __init__(self, **options) -> None:
        self.options = options

    def index(self, doc: SearchDocument) -> None:
        """Replace the terms of ``doc.letter_id`` (one transaction)."""
        counts: Counter[str] = Counter()
        for term in tokenize(doc.header):
            counts[term[:128]] += HEADER_WEIGHT
        for term in tokenize(doc.body):
            counts[term[:128]] += 1.0
        for number in doc.numbers:
            if number:
                counts[compact(number)[:128]] += HEADER_WEIGHT
        body = f"{doc.header}\n{doc.body}"
        with transaction.atomic():
            IndexedTerm.objects.filter(letter_id=doc.letter_id).delete()
            IndexedLetter.objects.update_or_create(
                letter_id=doc.letter_id,
                defaults={
                    "fields": doc.fields,
                    "body": doc.body,
                    "compact": compact(body),
                    "length": int(sum(counts.values())),
                },
            )
            IndexedTerm.objects.bulk_create(
                [IndexedTerm(letter_id=doc.letter_id, term=t, tf=tf) for t, tf in counts.items()], batch_size=500
            )

    def delete(self, letter_id: int) -> None:
        with transaction.atomic():
            IndexedTerm.objects.filter(letter_id=letter_id).delete()
            IndexedLetter.objects.filter(letter_id=letter_id).delete()

    def clear(self) -> None:
        with transaction.atomic():
            IndexedTerm.objects.all().delete()
            IndexedLetter.objects.all().delete()

    def search(self, query: str, *, allowed: QuerySet, limit: int = 20, offset: int = 0) -> SearchResults:
        """See :class:`saraban.search.backends.SearchBackend`; ``allowed`` yields letter ids."""
        terms = sorted({t[:128] for t in tokenize(query or "")})
        phrase = compact(query or "")
        docs = IndexedLetter.objects.filter(letter_id__in=allowed)
        if not terms and not phrase:
            total = docs.count()
            rows = docs.order_by("-letter_id")[offset: offset + limit]
            return SearchResults(total=total, hits=[Hit(r.letter_id, 0.0, r.body[:SNIPPET_CHARS], r.fields) for r in rows])
        by_terms: set[int] = set()
        if terms:
            by_terms = set(
                IndexedTerm.objects.filter(term__in=terms, letter_id__in=docs.values("letter_id"))
                .values("letter_id")
                .annotate(n=Count("term", distinct=True))
                .filter(n=len(terms))
                .values_list("letter_id", flat=True)
            )
        by_phrase: set[int] = set()
        if phrase:
            by_phrase = set(docs.filter(compact__contains=phrase).values_list("letter_id", flat=True))
        candidates = by_terms | by_phrase
        if not candidates:
            return SearchResults(total=0, hits=[])
        scores = self._bm25(terms, candidates, docs)
        for letter_id in by_phrase:
            scores[letter_id] = scores.get(letter_id, 0.0) + 2.0
        ranked = sorted(candidates, key=lambda i: (-scores.get(i, 0.0), -i))
        page = ranked[offset: offset + limit]
        rows = {r.letter_id: r for r in IndexedLetter.objects.filter(letter_id__in=page)}
        hits = [
            Hit(letter_id=i, score=round(scores.get(i, 0.0), 4), snippet=snippet(rows[i].body, terms), fields=rows[i].fields)
            for i in page
            if i in rows
        ]
        return SearchResults(total=len(candidates), hits=hits)

    def _bm25(self, terms: list[str], candidates: set[int], docs: QuerySet) -> dict[int, float]:
        """BM25 scores of ``candidates``, with the collection statistics taken over
        ``docs`` (the letters the person may see) only, so that a score never moves
        with letters hidden from them."""
        if not terms:
            return {}
        stats = docs.aggregate(n=Count("id"), total=Sum("length"))
        n_docs = stats["n"] or 1
        avg_len = ((stats["total"] or 0) / n_docs) or 1.0
        df = dict(IndexedTerm.objects.filter(term__in=terms, letter_id__in=docs.values("letter_id"))
                  .values("term").annotate(n=Count("letter_id")).values_list("term", "n"))
        lengths = dict(IndexedLetter.objects.filter(letter_id__in=candidates).values_list("letter_id", "length"))
        scores: dict[int, float] = {}
        for letter_id, term, tf in IndexedTerm.objects.filter(term__in=terms, letter_id__in=candidates).values_list(
            "letter_id", "term", "tf"
        ):
            idf = math.log(1 + (n_docs - df.get(term, 0) + 0.5) / (df.get(term, 0) + 0.5))
            norm = K1 * (1 - B + B * lengths.get(letter_id, avg_len) / avg_len)
            scores[letter_id] = scores.get(letter_id, 0.0) + idf * tf * (K1 + 1) / (tf + norm)
        return scores


def snippet(body: str, terms: list[str]) -> str:
    """A window of ``body`` around the first query term found (plain text, ≤160 chars)."""
    folded = normalize(body)
    if len(folded) != len(body):  # normalisation changed lengths: search in the folded copy only
        body = folded
    positions = [p for p in (folded.find(t) for t in terms if t) if p >= 0]
    start = max(0, min(positions) - 40) if positions else 0
    text = " ".join(body[start: start + SNIPPET_CHARS].split())
    return ("…" if start else "") + text + ("…" if start + SNIPPET_CHARS < len(body) else "")
