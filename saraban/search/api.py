"""REST API of search: plain words and filters in, hits the person may open out."""

from __future__ import annotations

import datetime as dt
import html

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.routing.selectors import viewer_for
from saraban.search.analysis import MARK_END, MARK_START, plain
from saraban.search.backends import FACETS, SORTS, SearchResults
from saraban.search.selectors import labelled_facets, search_letters

#: Query parameters that filter (the API and the page use the same names).
FILTER_PARAMS = {"unit": "units", "register": "register", "urgency": "urgency", "secrecy": "secrecy",
                 "status": "status", "year": "year", "document_type": "document_type", "sender": "sender"}


def parse_date(value: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` in the Christian or the Buddhist era (a year above 2400 is BE);
    anything else is ignored (None), never an error."""
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day.replace(year=day.year - 543) if day.year > 2400 else day


def search_arguments(params) -> dict:
    """Keyword arguments of ``search_letters`` from request parameters (a QueryDict):
    ``q``, the filters of ``FILTER_PARAMS`` (repeatable), ``date_from``/``date_to``,
    ``sort``; odd values are dropped, never an error."""
    filters = {}
    for param, name in FILTER_PARAMS.items():
        values = [v for v in params.getlist(param) if v]
        if values:
            filters[name] = values
    year_values = filters.get("year")
    if year_values:  # a year may be typed in the Buddhist era
        filters["year"] = [str(int(y) - 543) if y.isdigit() and int(y) > 2400 else y for y in year_values]
    return {"text": params.get("q", ""), "filters": filters, "date_from": parse_date(params.get("date_from")),
            "date_to": parse_date(params.get("date_to")), "sort": params.get("sort", "relevance")}


def snippet_html(snippet: str) -> str:
    """A snippet as safe HTML with the words found in ``<mark>``."""
    return html.escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


class HitSerializer(serializers.Serializer):
    letter_id = serializers.IntegerField()
    receive_number = serializers.IntegerField(allow_null=True)
    document_number = serializers.CharField(allow_blank=True)
    document_date = serializers.CharField(allow_null=True)
    subject = serializers.CharField()
    sender = serializers.CharField(allow_blank=True, allow_null=True)
    urgency = serializers.CharField()
    score = serializers.FloatField()
    snippet = serializers.CharField(help_text="ข้อความตัดตอน (ไม่มีเครื่องหมาย)")
    snippet_html = serializers.CharField(help_text="ข้อความตัดตอนเป็น HTML คำที่พบอยู่ใน <mark>")


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    tolerant = serializers.BooleanField(help_text="ไม่พบคำตรงตัว จึงค้นแบบยอมรับคำที่อ่านผิดจากการสแกน")
    hits = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


def results_as_dict(results: SearchResults) -> dict:
    """Search results in the shape of the API and the ``search`` command."""
    return {
        "total": results.total,
        "tolerant": results.tolerant,
        "hits": [
            {"letter_id": h.letter_id, "receive_number": h.fields.get("receive_number"),
             "document_number": h.fields.get("document_number", ""), "document_date": h.fields.get("document_date"),
             "subject": h.fields.get("subject", ""), "sender": h.fields.get("sender", ""),
             "urgency": h.fields.get("urgency", ""), "score": h.score, "snippet": plain(h.snippet),
             "snippet_html": snippet_html(h.snippet)}
            for h in results.hits
        ],
        "facets": labelled_facets(results.facets),
    }


class SearchView(APIView):
    """Full text and header fields, Thai or Arabic digits, filters and facet counts;
    never an error for what is typed; 503 when the search engine is down."""

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="คำค้น (คำในเรื่อง/เนื้อหา เลขที่หนังสือ ผู้ส่ง)"),
        *[OpenApiParameter(p, str, many=True) for p in FILTER_PARAMS],
        OpenApiParameter("date_from", str, description="YYYY-MM-DD (ค.ศ. หรือ พ.ศ.)"),
        OpenApiParameter("date_to", str), OpenApiParameter("sort", str, enum=list(SORTS)),
        OpenApiParameter("limit", int), OpenApiParameter("offset", int),
    ], responses=SearchResultSerializer)
    def get(self, request):
        try:
            limit = int(request.query_params.get("limit", 20))
            offset = int(request.query_params.get("offset", 0))
        except ValueError:
            limit, offset = 20, 0
        results = search_letters(viewer_for(request.user), **search_arguments(request.query_params),
                                 facets=FACETS, limit=limit, offset=offset)
        return Response(results_as_dict(results))
