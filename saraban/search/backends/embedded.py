"""The embedded search backend: an inverted index in the service's own database.

No server to run: letters (a narrow row of filter and access columns), their text,
their terms and their many-valued fields live in four tables (``IndexedLetter``,
``IndexedText``, ``IndexedTerm``, ``IndexedLink``) of the same database as the
letters, on SQLite and on PostgreSQL alike, so the access scope, the filters and the
match are one SQL query and counts and facets come from the same rows. Ranking is
BM25 in SQL with header terms weighted double and a bonus for a document-number match;
collection statistics are taken over the whole index, as Elasticsearch's are. The
matching rules are the contract's (``saraban.search.backends``); the tolerant pass
looks for each query word's skeleton inside the letter's skeleton.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum

from saraban.core.access import AccessScope
from saraban.search.analysis import canonical_number, highlight, index_terms, skeleton, tolerant_words, tokenize
from saraban.search.backends import (
    SINGLE_VALUED_FACETS,
    BackendStatus,
    Hit,
    SearchDocument,
    SearchQuery,
    SearchResults,
)
from saraban.search.models import IndexedLetter, IndexedLink, IndexedTerm, IndexedText

K1, B = 1.2, 0.75
HEADER_WEIGHT = 2.0
NUMBER_BONUS = 10.0
FEW_CANDIDATES = 5_000
_COLUMNS = SINGLE_VALUED_FACETS


class EmbeddedSearchBackend:
    """Search inside the database; see the module docstring. Options: none."""

    def __init__(self, **options) -> None:
        self.options = options

    # -- writing -------------------------------------------------------------------
    def update(self, documents: Sequence[SearchDocument], deleted: Sequence[int] = ()) -> None:
        """Replace the rows of ``documents`` and remove ``deleted``, in one transaction.
        Terms and links are inserted with plain ``executemany`` (hundreds of rows per
        letter: the ORM's per-object work was most of the indexing time)."""
        documents = list(documents)
        ids = [d.letter_id for d in documents] + list(deleted)
        letters, texts, terms, links = [], [], [], []
        for doc in documents:
            row, text, doc_terms, doc_links = _rows(doc)
            letters.append(row)
            texts.append(text)
            terms += doc_terms
            links += doc_links
        term_sql = (f"INSERT INTO {IndexedTerm._meta.db_table} (letter_id, term, tf) VALUES (%s, %s, %s)")
        link_sql = (f"INSERT INTO {IndexedLink._meta.db_table} (letter_id, kind, value) VALUES (%s, %s, %s)")
        with transaction.atomic(), connection.cursor() as cursor:
            for chunk in _chunks(ids, 500):
                IndexedTerm.objects.filter(letter_id__in=chunk).delete()
                IndexedLink.objects.filter(letter_id__in=chunk).delete()
                IndexedText.objects.filter(letter_id__in=chunk).delete()
                IndexedLetter.objects.filter(letter_id__in=chunk).delete()
            IndexedLetter.objects.bulk_create(letters, batch_size=500)
            IndexedText.objects.bulk_create(texts, batch_size=200)
            for chunk in _chunks(terms, 5000):
                cursor.executemany(term_sql, chunk)
            for chunk in _chunks(links, 5000):
                cursor.executemany(link_sql, chunk)

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace everything in one transaction: searches see the old index until it
        commits (PostgreSQL's snapshots; SQLite's readers wait for the commit only)."""
        count = 0
        with transaction.atomic():
            self.clear()
            batch: list[SearchDocument] = []
            for doc in documents:
                batch.append(doc)
                if len(batch) >= 500:
                    self.update(batch)
                    count += len(batch)
                    batch = []
            self.update(batch)
            count += len(batch)
        return count

    def clear(self) -> None:
        with transaction.atomic():
            IndexedTerm.objects.all().delete()
            IndexedLink.objects.all().delete()
            IndexedText.objects.all().delete()
            IndexedLetter.objects.all().delete()

    def status(self) -> BackendStatus:
        """The database it lives in as the version: ``SQLite 3.40.1``, ``PostgreSQL 15.4``."""
        documents = IndexedLetter.objects.count()
        if connection.vendor == "sqlite":
            version = f"SQLite {connection.Database.sqlite_version}"
        elif connection.vendor == "postgresql":
            version = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        else:
            version = connection.vendor
        return BackendStatus(backend="embedded", version=version, documents=documents)

    # -- reading -------------------------------------------------------------------
    def search(self, query: SearchQuery, *, scope: AccessScope) -> SearchResults:
        """See :class:`saraban.search.backends.SearchBackend`."""
        docs = IndexedLetter.objects.filter(_scope_q(scope)).filter(_filters_q(query))
        terms = sorted({t[:128] for t in tokenize(query.text)})
        number = canonical_number(query.text)
        number = "#" + number[:127] if any(c.isdigit() for c in number) else ""
        if not terms and not number:
            return self._results(query, docs, terms)
        df = _letters_per_term(terms + ([number] if number else []))
        matched = docs.filter(_match_q(terms, number, df))
        tolerant = False
        if not matched.exists():
            words = tolerant_words(query.text)
            if not words:
                return SearchResults(total=0, hits=[], facets={f: [] for f in query.facets})
            # Only the texts of the letters in scope and filters are read, and the
            # (usually few) matches are read once, not rescanned by every later query.
            texts = IndexedText.objects.filter(letter_id__in=docs.values("letter_id"))
            for word in words:
                texts = texts.filter(skeleton__contains=word)
            ids = list(texts.values_list("letter_id", flat=True)[:FEW_CANDIDATES + 1])
            if len(ids) <= FEW_CANDIDATES:
                matched = docs.filter(letter_id__in=ids)
            else:
                matched = docs.filter(letter_id__in=texts.values("letter_id"))
            tolerant = True
        return self._results(query, matched, terms, number=number, df=df, tolerant=tolerant)

    def _results(self, query: SearchQuery, matched: QuerySet, terms: list[str], *, number: str = "",
                 df: dict[str, int] | None = None, tolerant: bool = False) -> SearchResults:
        """The page, total and facets of ``matched``."""
        total = matched.count()
        if query.sort == "relevance" and (terms or number) and total:
            ranked = self._ranked(terms, number, matched, query, df or {})
            page, scores = [i for i, _ in ranked], dict(ranked)
        else:
            order = ("document_date", "letter_id") if query.sort == "-date" else ("-document_date", "-letter_id")
            page, scores = list(matched.order_by(*order).values_list("letter_id", flat=True)[
                query.offset: query.offset + query.limit]), {}
        rows = {r.letter_id: r for r in IndexedText.objects.filter(letter_id__in=page)}
        hits = [Hit(letter_id=i, score=round(scores.get(i, 0.0), 4), fields=rows[i].fields,
                    snippet=highlight(rows[i].body, terms, normalized=True))
                for i in page if i in rows]
        return SearchResults(total=total, hits=hits, facets=_facets(matched, query.facets), tolerant=tolerant)

    def _ranked(self, terms: list[str], number: str, matched: QuerySet, query: SearchQuery,
                df: dict[str, int]) -> list[tuple[int, float]]:
        """The requested page of ``matched`` by BM25 (header terms weighted), computed in
        one SQL query, newest first on ties: ``[(letter_id, score)]``. Collection
        statistics (letters, mean length, letters per term) are over the whole index,
        like Elasticsearch's; a document-number match adds ``NUMBER_BONUS``; a letter
        matched only by the tolerant pass scores 0."""
        stats = IndexedLetter.objects.aggregate(n=Count("id"), total=Sum("length"))
        n_docs = stats["n"] or 1
        avg_len = ((stats["total"] or 0) / n_docs) or 1.0
        cases, params = [], []
        for term in terms:
            idf = math.log(1 + (n_docs - df.get(term, 0) + 0.5) / (df.get(term, 0) + 0.5))
            cases.append(f"WHEN t.term = %s THEN %s * t.tf * {K1 + 1} "
                         f"/ (t.tf + {K1} * ({1 - B} + {B} * l.length / %s))")
            params += [term, idf, avg_len]
        if number:
            cases.append(f"WHEN t.term = %s THEN {NUMBER_BONUS}")
            params.append(number)
        wanted = terms + ([number] if number else [])
        matched_sql, matched_params = matched.values("letter_id").query.sql_with_params()
        letters, term_table = IndexedLetter._meta.db_table, IndexedTerm._meta.db_table
        sql = (
            f"SELECT l.letter_id, COALESCE(SUM(CASE {' '.join(cases)} ELSE 0 END), 0) AS score "
            f"FROM {letters} l LEFT JOIN {term_table} t ON t.letter_id = l.letter_id "
            f"AND t.term IN ({', '.join(['%s'] * len(wanted))}) "
            f"WHERE l.letter_id IN ({matched_sql}) "
            f"GROUP BY l.letter_id, l.document_date "
            f"ORDER BY score DESC, l.document_date DESC, l.letter_id DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *wanted, *matched_params, query.limit, query.offset])
            return [(int(letter_id), float(score)) for letter_id, score in cursor.fetchall()]


def _rows(doc: SearchDocument) -> tuple[IndexedLetter, IndexedText, list[tuple], list[tuple]]:
    """The rows of one document: its letter row, its text row, its terms
    ``(letter_id, term, tf)`` and its links ``(letter_id, kind, value)``."""
    counts: Counter[str] = Counter()
    for term in index_terms(doc.header):
        counts[term[:128]] += HEADER_WEIGHT
    for term in index_terms(doc.body):
        counts[term[:128]] += 1.0
    for number in doc.numbers:
        canonical = canonical_number(number)
        if canonical:
            counts["#" + canonical[:127]] += 1.0
    f, a = doc.fields, doc.access
    text = IndexedText(letter_id=doc.letter_id, fields=f, body=doc.body,
                       skeleton=skeleton(f"{doc.header}\n{doc.body}"))
    letter = IndexedLetter(
        letter_id=doc.letter_id, length=int(sum(counts.values())), **{c: str(f.get(c) or "")[:255] for c in _COLUMNS},
        document_date=f.get("document_date") or None, desk_unit=a.get("desk_unit"), agency=a.get("agency"),
        created_by=a.get("created_by"),
    )
    terms = [(doc.letter_id, t, tf) for t, tf in counts.items()]
    links = [(doc.letter_id, "unit", str(c)[:64]) for c in set(doc.units)]
    for kind in ("route_units", "route_users"):
        links += [(doc.letter_id, kind[:-1], str(v)) for v in set(a.get(kind, []))]
    return letter, text, terms, links


def _linked(kind: str, values: Iterable) -> Q:
    """Letters with a link of ``kind`` to any of ``values``."""
    return Q(letter_id__in=IndexedLink.objects.filter(kind=kind, value__in=[str(v) for v in values])
             .values("letter_id"))


def _scope_q(scope: AccessScope) -> Q:
    """The access scope as a filter on ``IndexedLetter`` (see ``AccessScope``)."""
    if scope.nothing:
        return Q(pk__in=[])
    units = list(scope.unit_ids)
    uid = scope.user_id
    unclassified = Q(desk_unit__in=units) | _linked("route_unit", units) | _linked("route_user", [uid]) | Q(
        created_by=uid)
    if scope.archive_agency_ids:
        unclassified |= Q(agency__in=list(scope.archive_agency_ids))
    visible = Q(secrecy="unclassified") & unclassified
    if scope.all_classified:
        visible |= ~Q(secrecy="unclassified")
    elif scope.classified_classes:
        visible |= Q(secrecy__in=list(scope.classified_classes)) & _linked("route_user", [uid])
    return visible


def _filters_q(query: SearchQuery) -> Q:
    q = Q()
    for name, values in query.filters.items():
        values = [str(v) for v in values if v not in (None, "")]
        if not values:
            continue
        if name == "units":
            q &= _linked("unit", values)
        elif name in _COLUMNS:
            q &= Q(**{f"{name}__in": values})
    if query.date_from:
        q &= Q(document_date__gte=query.date_from)
    if query.date_to:
        q &= Q(document_date__lte=query.date_to)
    return q


def _letters_per_term(terms: list[str]) -> dict[str, int]:
    """How many letters of the whole index hold each term (an index range count)."""
    if not terms:
        return {}
    return dict(IndexedTerm.objects.filter(term__in=terms).values("term").annotate(n=Count("id"))
                .values_list("term", "n"))


def _match_q(terms: list[str], number: str, df: dict[str, int]) -> Q:
    """Every term present, or the document number equal.

    When the postings are short (the rarest term, plus the number, in at most
    ``FEW_CANDIDATES`` letters) the candidate ids are read first, so the database looks
    up those letters instead of scanning every visible one against the postings."""
    if any(df.get(t, 0) == 0 for t in terms):
        terms = []  # a term in no letter: only the number can match
    if not terms and not (number and df.get(number)):
        return Q(pk__in=[])
    smallest = min((df[t] for t in terms), default=0) + (df.get(number, 0) if number else 0)
    having_all = (IndexedTerm.objects.filter(term__in=terms).values("letter_id")
                  .annotate(n=Count("term", distinct=True)).filter(n=len(terms)).values("letter_id"))
    by_number = IndexedTerm.objects.filter(term=number).values("letter_id")
    if smallest <= FEW_CANDIDATES:
        ids: set[int] = set()
        if terms:
            ids.update(having_all.values_list("letter_id", flat=True))
        if number:
            ids.update(by_number.values_list("letter_id", flat=True))
        return Q(letter_id__in=sorted(ids))
    q = Q(pk__in=[])
    if terms:
        q |= Q(letter_id__in=having_all)
    if number:
        q |= Q(letter_id__in=by_number)
    return q


def _facets(matched: QuerySet, names: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    """Counts per value of each facet among ``matched``: the column facets from one
    ``GROUP BY`` over their combinations (one scan), the units from the links."""
    facets: dict[str, list[tuple[str, int]]] = {}
    columns = [name for name in names if name in _COLUMNS]
    if columns:
        totals: dict[str, Counter] = {name: Counter() for name in columns}
        for row in matched.values_list(*columns).annotate(n=Count("id")).order_by():
            for name, value in zip(columns, row[:-1]):
                if value:
                    totals[name][str(value)] += row[-1]
        for name in columns:
            facets[name] = sorted(totals[name].items(), key=lambda x: (-x[1], x[0]))[:50]
    if "units" in names:
        rows = (IndexedLink.objects.filter(kind="unit", letter_id__in=matched.values("letter_id"))
                .values_list("value").annotate(n=Count("letter_id")).order_by())
        facets["units"] = sorted(((str(v), n) for v, n in rows), key=lambda x: (-x[1], x[0]))[:50]
    return {name: facets[name] for name in names if name in facets}


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i: i + size]
