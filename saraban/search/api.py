"""REST API of search: plain words in, hits the person may open out."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.routing.selectors import viewer_for
from saraban.search.selectors import search_letters


class HitSerializer(serializers.Serializer):
    letter_id = serializers.IntegerField()
    receive_number = serializers.IntegerField(allow_null=True)
    document_number = serializers.CharField(allow_blank=True)
    document_date = serializers.CharField(allow_null=True)
    subject = serializers.CharField()
    score = serializers.FloatField()
    snippet = serializers.CharField()


class SearchResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    hits = HitSerializer(many=True)


def results_as_dict(results) -> dict:
    """Search results in the shape of the API and the ``search`` command."""
    return {
        "total": results.total,
        "hits": [
            {"letter_id": h.letter_id, "receive_number": h.fields.get("receive_number"),
             "document_number": h.fields.get("document_number", ""), "document_date": h.fields.get("document_date"),
             "subject": h.fields.get("subject", ""), "score": h.score, "snippet": h.snippet}
            for h in results.hits
        ],
    }


class SearchView(APIView):
    """Full text and header fields, Thai or Arabic digits; never an error for what is typed."""

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("limit", int),
                               OpenApiParameter("offset", int)], responses=SearchResultSerializer)
    def get(self, request):
        try:
            limit = int(request.query_params.get("limit", 20))
            offset = int(request.query_params.get("offset", 0))
        except ValueError:
            limit, offset = 20, 0
        results = search_letters(viewer_for(request.user), request.query_params.get("q", ""), limit=limit, offset=offset)
        return Response(results_as_dict(results))
