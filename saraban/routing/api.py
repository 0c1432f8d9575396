"""REST API of routing: send a letter to units, acknowledge, inbox, unit suggestions."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.core.audit import record_classified_access
from saraban.registry.selectors import get_letter
from saraban.routing import selectors, services
from saraban.routing.models import Route
from saraban.routing.suggestions import suggest_units


class RouteSerializer(serializers.ModelSerializer):
    letter_id = serializers.IntegerField()
    from_unit = serializers.CharField(source="from_unit.code", default=None)
    to_unit = serializers.CharField(source="to_unit.code", default=None)
    to_unit_name = serializers.CharField(source="to_unit.name", default=None)
    to_user = serializers.CharField(source="to_user.username", default=None)
    sent_by = serializers.CharField(source="sent_by.username")
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", default=None)
    subject = serializers.CharField(source="letter.subject")
    receive_number = serializers.IntegerField(source="letter.receive_number")
    urgency = serializers.CharField(source="letter.urgency")

    class Meta:
        model = Route
        fields = ["id", "letter_id", "receive_number", "subject", "urgency", "from_unit", "to_unit", "to_unit_name",
                  "to_user", "instruction", "sent_by", "sent_at", "status", "acknowledged_at", "acknowledged_by"]


class RouteRequestSerializer(serializers.Serializer):
    units = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                  help_text="unit codes, e.g. OPS-INSPECT")
    users = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31), required=False,
                                  default=list,
                                  help_text="people by id (required for classified letters)")
    instruction = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()
    reason = serializers.CharField()


class LetterRoutesView(APIView):
    """A letter's routes (GET) or send it on to units/people (POST)."""

    @extend_schema(responses=RouteSerializer(many=True))
    def get(self, request, letter_id: int):
        letter = get_letter(selectors.viewer_for(request.user), letter_id)
        record_classified_access(actor=request.user, letter=letter, via="api_routes")
        routes = letter.routes.select_related("letter", "from_unit", "to_unit", "to_user", "sent_by", "acknowledged_by")
        return Response(RouteSerializer(routes, many=True).data)

    @extend_schema(request=RouteRequestSerializer, responses={201: RouteSerializer(many=True)})
    def post(self, request, letter_id: int):
        body = RouteRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        routes = services.route_letter(actor=request.user, letter_id=letter_id, unit_codes=body.validated_data["units"],
                                       user_ids=body.validated_data["users"],
                                       instruction=body.validated_data["instruction"])
        return Response(RouteSerializer(routes, many=True).data, status=201)


class AcknowledgeView(APIView):
    """The receiving unit acknowledges a route."""

    @extend_schema(request=None, responses=RouteSerializer)
    def post(self, request, route_id: int):
        route = services.acknowledge_route(actor=request.user, route_id=route_id)
        return Response(RouteSerializer(route).data)


class InboxView(APIView):
    """Letters sent to the person's units or to them by name, not yet acknowledged
    (``?all=1`` includes acknowledged ones)."""

    @extend_schema(parameters=[OpenApiParameter("all", bool)], responses=RouteSerializer(many=True))
    def get(self, request):
        routes = selectors.inbox_routes(request.user, include_acknowledged=request.query_params.get("all") in {"1", "true"})
        return Response(RouteSerializer(routes[:200], many=True).data)


class SuggestView(APIView):
    """Units suggested for a subject and sender (rules from the units' duties)."""

    @extend_schema(parameters=[OpenApiParameter("subject", str), OpenApiParameter("sender", str)],
                   responses=SuggestionSerializer(many=True))
    def get(self, request):
        suggestions = suggest_units(subject=request.query_params.get("subject", ""),
                                    sender=request.query_params.get("sender", ""))
        return Response([s.as_dict() for s in suggestions])
