"""The Elasticsearch backend (8.x), for archives of millions of letters.

Works on the bare core of Elasticsearch (the integration-test distribution the
project runs locally; no ``thai``/ICU/n-gram analysers, no ``_reindex``, no
scripting): Thai is segmented in the service with the same code as the embedded
backend (``saraban.search.analysis``) and indexed with the built-in ``whitespace``
analyser; the OCR-tolerant field holds the skeleton trigrams made in Python; rebuilds
bulk-index a new index from the database and swap the alias atomically.

Mapping (one document per registered letter, ``_id`` = letter id):

- ``header_terms`` / ``body_terms``: segmented header and full text (BM25);
- ``grams``: skeleton trigrams (tolerant pass; no norms, no frequencies);
- ``numbers``: canonical document numbers (keyword, DOMAIN.md §1);
- ``register``, ``urgency``, ``secrecy``, ``status``, ``year``, ``document_type``,
  ``units``, ``sender`` (as shown): keywords for filters and facets; ``document_date``: date;
- ``access.*``: the access fields of :class:`saraban.core.access.AccessScope`;
- ``display``: what a hit shows and the text snippets are cut from (stored, not indexed).

A production cluster with the ``analysis-icu`` plugin or the built-in ``thai``
analyser can index the original text instead (README, "Search"); the contract and the
service stay the same.
"""

from __future__ import annotations

import functools
import itertools
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from saraban.core.access import AccessScope
from saraban.search.analysis import analyse_for_index, canonical_number, highlight, tokenize, tolerant_words
from saraban.search.backends import (
    FACETS,
    SINGLE_VALUED_FACETS,
    BackendStatus,
    Hit,
    SearchDocument,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)

HEADER_BOOST = 2.0
SENDER_CHARS = 255  # the sender as a filter value (the embedded column's width)
PARALLEL_FROM = 200  # documents in one call from which analysis runs in a process pool
ANALYSIS_CHUNK = 50
NUMBER_BOOST = 10.0
MAX_WINDOW = 10_200  # the selector caps offset + limit at 10,100
_KEYWORDS = FACETS

MAPPING: dict[str, Any] = {
    "dynamic": False,
    "_source": {"excludes": ["header_terms", "body_terms", "grams"]},
    "properties": {
        "letter_id": {"type": "long"},
        "header_terms": {"type": "text", "analyzer": "whitespace", "index_options": "freqs"},
        "body_terms": {"type": "text", "analyzer": "whitespace", "index_options": "freqs"},
        "grams": {"type": "text", "analyzer": "whitespace", "norms": False, "index_options": "docs"},
        "numbers": {"type": "keyword"},
        **{name: {"type": "keyword"} for name in _KEYWORDS},
        "document_date": {"type": "date"},
        "access": {"properties": {
            "secrecy": {"type": "keyword"},
            "desk_unit": {"type": "long"}, "agency": {"type": "long"}, "created_by": {"type": "long"},
            "route_units": {"type": "long"}, "route_users": {"type": "long"},
        }},
        "display": {"type": "object", "enabled": False},
    },
}


class ElasticsearchBackend:
    """Search in an Elasticsearch 8 cluster; see the module docstring.

    Options (``SEARCH_BACKENDS``): ``url`` (e.g. ``http://127.0.0.1:9200``), ``index``
    (the alias searched and written, default ``saraban-letters``), ``timeout``
    (seconds, default 10), ``shards``/``replicas`` of new indexes (1/0),
    ``analysis_processes``: processes segmenting Thai for large batches (rebuilds, a
    long outbox), default the number of cores; 1 segments in this process only.
    """

    def __init__(self, *, url: str, index: str = "saraban-letters", timeout: float = 10.0, shards: int = 1,
                 replicas: int = 0, analysis_processes: int | None = None, **options) -> None:
        from elastic_transport import OrjsonSerializer
        from elasticsearch import Elasticsearch

        self.url, self.alias = url, index
        self.shards, self.replicas = shards, replicas
        self.processes = max(1, analysis_processes or os.cpu_count() or 1)
        self.client = Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False,
                                    serializers={"application/json": OrjsonSerializer()})
        self._ready = False

    # -- index management -----------------------------------------------------------
    def _call(self, what: str, fn, *args, **kwargs):
        """Run a client call, turning any transport or API failure into SearchUnavailable."""
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        try:
            return fn(*args, **kwargs)
        except (ApiError, TransportError) as exc:
            raise SearchUnavailable(f"Elasticsearch ({self.url}) {what}: {exc}") from exc

    def _new_index(self, *, building: bool = False) -> str:
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000:06d}"
        settings = {"number_of_shards": self.shards, "number_of_replicas": self.replicas,
                    "max_result_window": MAX_WINDOW, "refresh_interval": "-1" if building else "1s",
                    "translog": {"durability": "async" if building else "request"}}
        self._call("create index", self.client.indices.create, index=name, settings=settings, mappings=MAPPING)
        return name

    def _ensure_index(self) -> None:
        """Create the first index behind the alias when there is none."""
        if self._ready:
            return
        if not self._call("check alias", self.client.indices.exists_alias, name=self.alias):
            name = self._new_index()
            self._call("add alias", self.client.indices.update_aliases,
                       actions=[{"add": {"index": name, "alias": self.alias, "is_write_index": True}}])
        self._ready = True

    def _indexes(self) -> list[str]:
        """The concrete indexes behind the alias."""
        if not self._call("check alias", self.client.indices.exists_alias, name=self.alias):
            return []
        return list(self._call("read alias", self.client.indices.get_alias, name=self.alias).body)

    # -- writing --------------------------------------------------------------------
    def _bulk(self, index: str, documents: Iterable[SearchDocument], deleted: Sequence[int] = (), *,
              require_alias: bool = False) -> int:
        from elastic_transport import TransportError
        from elasticsearch import ApiError
        from elasticsearch.helpers import BulkIndexError, streaming_bulk

        def actions():
            for doc, analysed in self._analysed(documents):
                yield {"_op_type": "index", "_index": index, "_id": str(doc.letter_id),
                       "_source": _source(doc, analysed)}
            for letter_id in deleted:
                yield {"_op_type": "delete", "_index": index, "_id": str(letter_id)}

        count = 0
        try:
            for ok, item in streaming_bulk(self.client, actions(), chunk_size=500, raise_on_error=False,
                                           raise_on_exception=True, max_retries=0, require_alias=require_alias):
                op = next(iter(item.values()))
                if not ok and not (op.get("status") == 404 and "delete" in item):
                    raise SearchUnavailable(f"Elasticsearch refused letter {op.get('_id')}: {op.get('error')}")
                count += 1
        except (ApiError, TransportError, BulkIndexError) as exc:
            raise SearchUnavailable(f"Elasticsearch ({self.url}) bulk: {exc}") from exc
        return count

    def _analysed(self, documents: Iterable[SearchDocument]) -> Iterator[tuple[SearchDocument, tuple[str, str, str]]]:
        """Each document with its analysed text (``analysis.analyse_for_index``), in
        order. Past ``PARALLEL_FROM`` documents, chunks are analysed in a process pool
        while earlier ones are being sent, so segmentation overlaps indexing."""
        documents = iter(documents)
        head = list(itertools.islice(documents, PARALLEL_FROM))
        if self.processes == 1 or len(head) < PARALLEL_FROM:
            for doc, analysed in zip(head, analyse_for_index([(d.header, d.body) for d in head])):
                yield doc, analysed
            return
        pool = _pool(self.processes)
        chunks = _chunked(itertools.chain(head, documents), ANALYSIS_CHUNK)
        pending: list = []
        for chunk in itertools.islice(chunks, self.processes * 4):
            pending.append((chunk, pool.submit(analyse_for_index, [(d.header, d.body) for d in chunk])))
        while pending:
            chunk, future = pending.pop(0)
            following = next(chunks, None)
            if following:
                pending.append((following, pool.submit(analyse_for_index, [(d.header, d.body) for d in following])))
            yield from zip(chunk, future.result())

    def update(self, documents: Sequence[SearchDocument], deleted: Sequence[int] = ()) -> None:
        """Bulk index and delete through the alias, then refresh so searches see them.
        Writes require the alias (never auto-create an unmapped index by its name)."""
        self._ensure_index()
        try:
            self._bulk(self.alias, documents, deleted, require_alias=True)
            self._call("refresh", self.client.indices.refresh, index=self.alias)
        except SearchUnavailable:
            self._ready = False  # look for (or make) the index again next time
            raise

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Bulk-index ``documents`` into a new index (refresh off while building), then
        move the alias to it in one atomic ``_aliases`` call and drop the old indexes:
        searches use the old index until the swap and the new one after it."""
        old = self._indexes()
        name = self._new_index(building=True)
        try:
            count = self._bulk(name, documents)
            self._call("settings", self.client.indices.put_settings, index=name,
                       settings={"index": {"refresh_interval": "1s", "translog.durability": "request"}})
            self._call("refresh", self.client.indices.refresh, index=name)
            actions = [{"remove": {"index": i, "alias": self.alias}} for i in old]
            actions.append({"add": {"index": name, "alias": self.alias, "is_write_index": True}})
            self._call("swap alias", self.client.indices.update_aliases, actions=actions)
        except BaseException:
            try:
                self.client.options(ignore_status=404).indices.delete(index=name)
            except Exception:  # the engine is down: the half-built index is left, unused
                pass
            raise
        for index in old:
            self._call("delete old index", self.client.options(ignore_status=404).indices.delete, index=index)
        self._ready = True
        return count

    def clear(self) -> None:
        """Delete every index behind the alias (a new empty one is made on next write)."""
        for index in self._indexes():
            self._call("delete index", self.client.options(ignore_status=404).indices.delete, index=index)
        self._ready = False

    def status(self) -> BackendStatus:
        nodes = self._call("nodes", self.client.nodes.info, filter_path="nodes.*.version").body
        versions = sorted({n.get("version", "?") for n in nodes.get("nodes", {}).values()})
        count = 0
        if self._indexes():
            count = self._call("count", self.client.count, index=self.alias).body["count"]
        return BackendStatus(backend="elasticsearch", version=", ".join(versions) or "?", documents=count)

    # -- reading --------------------------------------------------------------------
    def search(self, query: SearchQuery, *, scope: AccessScope) -> SearchResults:
        """See :class:`saraban.search.backends.SearchBackend`."""
        if scope.nothing:
            return SearchResults(total=0, hits=[], facets={f: [] for f in query.facets})
        self._ensure_index()
        terms = sorted({t for t in tokenize(query.text)})
        number = canonical_number(query.text)
        number = number if any(c.isdigit() for c in number) else ""
        filters = [_scope_query(scope), *_filter_clauses(query)]
        if not terms and not number:
            return self._search(query, {"bool": {"filter": filters}}, terms, tolerant=False)
        should: list[dict] = []
        if terms:
            should.append(_words_query(terms, "and"))
        if number:
            should.append({"term": {"numbers": {"value": number, "boost": NUMBER_BOOST}}})
        results = self._search(query, {"bool": {"filter": filters, "should": should, "minimum_should_match": 1}},
                               terms, tolerant=False)
        if results.total:
            return results
        words = tolerant_words(query.text)
        if not words:
            return results
        must = [_tolerant_word([w[i: i + 3] for i in range(len(w) - 2)]) for w in words]
        # Letters with more of the words as typed rank first among the tolerant matches.
        ranking = [_words_query(terms, "or")] if terms else []
        return self._search(query, {"bool": {"filter": filters, "must": must, "should": ranking}}, terms,
                            tolerant=True)

    def _search(self, query: SearchQuery, es_query: dict, terms: list[str], *, tolerant: bool) -> SearchResults:
        if query.sort == "date":
            sort = [{"document_date": {"order": "desc", "missing": "_last"}}, {"letter_id": "desc"}]
        elif query.sort == "-date":
            sort = [{"document_date": {"order": "asc", "missing": "_last"}}, {"letter_id": "asc"}]
        else:
            sort = ["_score", {"document_date": {"order": "desc", "missing": "_last"}}, {"letter_id": "desc"}]
        aggs = {name: {"terms": {"field": name, "size": 50}} for name in query.facets if name in _KEYWORDS}
        size = max(0, min(query.limit, MAX_WINDOW - query.offset))
        response = self._call(
            "search", self.client.search, index=self.alias, query=es_query, sort=sort,
            from_=min(query.offset, MAX_WINDOW), size=size, track_total_hits=True, aggs=aggs or None,
            source=["display"],
        ).body
        hits = []
        for h in response["hits"]["hits"]:
            display = h["_source"].get("display", {})
            hits.append(Hit(letter_id=int(h["_id"]), score=round(float(h.get("_score") or 0.0), 4),
                            snippet=highlight(display.get("body", ""), terms, normalized=True),
                            fields=display.get("fields", {})))
        facets = {
            name: sorted(((str(b["key"]), int(b["doc_count"])) for b in response.get("aggregations", {})
                          .get(name, {}).get("buckets", [])), key=lambda x: (-x[1], x[0]))
            for name in query.facets if name in _KEYWORDS
        }
        return SearchResults(total=int(response["hits"]["total"]["value"]), hits=hits, facets=facets,
                             tolerant=tolerant)


@functools.cache
def _pool(processes: int) -> ProcessPoolExecutor:
    """One pool per process for the life of the process. Forked (not spawned): the
    workers only run ``analysis.analyse_for_index`` on strings, never touch the database
    or the network, and need not re-import the program that started them."""
    import multiprocessing

    return ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork"))


def _chunked(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _source(doc: SearchDocument, analysed: tuple[str, str, str]) -> dict[str, Any]:
    """The Elasticsearch document of ``doc`` with its ``analysed`` text (header terms,
    body terms, grams)."""
    f = doc.fields
    header_terms, body_terms, grams = analysed
    source: dict[str, Any] = {
        "letter_id": doc.letter_id,
        "header_terms": header_terms,
        "body_terms": body_terms,
        "grams": grams,
        "numbers": sorted({c for c in (canonical_number(n) for n in doc.numbers) if c}),
        "units": sorted({str(u) for u in doc.units}),
        "document_date": f.get("document_date") or None,
        "access": {
            "secrecy": doc.access.get("secrecy", f.get("secrecy")),
            "desk_unit": doc.access.get("desk_unit"), "agency": doc.access.get("agency"),
            "created_by": doc.access.get("created_by"),
            "route_units": list(doc.access.get("route_units", [])),
            "route_users": list(doc.access.get("route_users", [])),
        },
        "display": {"fields": f, "body": doc.body},
    }
    for name in SINGLE_VALUED_FACETS:
        value = f.get(name)
        source[name] = str(value)[:SENDER_CHARS] if value not in (None, "") else None
    return source


def _words_query(terms: list[str], operator: str) -> dict:
    """The segmented query words in the header (weighted) and the text; ``and``: every
    word in one or the other."""
    return {"multi_match": {"query": " ".join(terms), "type": "cross_fields", "operator": operator,
                            "fields": [f"header_terms^{HEADER_BOOST}", "body_terms"]}}


def _tolerant_word(grams: list[str]) -> dict:
    """One query word in the tolerant pass: all its skeleton trigrams, or all but one
    when it has four or more (a misread letter, not only a mark)."""
    if len(grams) < 4:
        return {"match": {"grams": {"query": " ".join(grams), "operator": "and"}}}
    return {"match": {"grams": {"query": " ".join(grams), "minimum_should_match": "-1"}}}


def _terms(field: str, values: Iterable) -> dict:
    return {"terms": {field: [v for v in values if v is not None]}}


def _scope_query(scope: AccessScope) -> dict:
    """The access scope as an Elasticsearch filter (see ``AccessScope``)."""
    units = sorted(scope.unit_ids)
    uid = scope.user_id
    unclassified = [_terms("access.desk_unit", units), _terms("access.route_units", units),
                    _terms("access.route_users", [uid]), _terms("access.created_by", [uid])]
    if scope.archive_agency_ids:
        unclassified.append(_terms("access.agency", sorted(scope.archive_agency_ids)))
    visible: list[dict] = [{"bool": {"filter": [{"term": {"access.secrecy": "unclassified"}}],
                                     "should": unclassified, "minimum_should_match": 1}}]
    if scope.all_classified:
        visible.append({"bool": {"must_not": [{"term": {"access.secrecy": "unclassified"}}]}})
    elif scope.classified_classes:
        visible.append({"bool": {"filter": [_terms("access.secrecy", scope.classified_classes),
                                            _terms("access.route_users", [uid])]}})
    return {"bool": {"should": visible, "minimum_should_match": 1}}


def _filter_clauses(query: SearchQuery) -> list[dict]:
    clauses = []
    for name, values in query.filters.items():
        values = [str(v) for v in values if v not in (None, "")]
        if values and name in _KEYWORDS:
            clauses.append({"terms": {name: values}})
    if query.date_from or query.date_to:
        rng = {}
        if query.date_from:
            rng["gte"] = query.date_from.isoformat()
        if query.date_to:
            rng["lte"] = query.date_to.isoformat()
        clauses.append({"range": {"document_date": rng}})
    return clauses
