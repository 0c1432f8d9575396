"""REST API of routing (DOMAIN.md §4): send a letter on, receive it with the desk's
number, acknowledge, return, forward outside, complete, close; propose up the line and
endorse; the letter's timeline; inbox and proposals; acting and delegation orders;
unit suggestions."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.core.api import LimitedCharField
from saraban.core.audit import record_classified_access
from saraban.registry.selectors import get_letter
from saraban.routing import selectors, services
from saraban.routing.models import Endorsement, Route
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
    position = serializers.CharField(source="position.code", default=None)
    target = serializers.CharField(source="target_name")
    received_by = serializers.CharField(source="received_by.username", default=None)
    desk_receive_number = serializers.IntegerField(source="receive_entry.number", default=None)
    desk_register = serializers.CharField(source="receive_entry.register.code", default=None)
    parent = serializers.IntegerField(source="parent_id", default=None)

    class Meta:
        model = Route
        fields = ["id", "letter_id", "receive_number", "subject", "urgency", "kind", "purpose", "parent", "from_unit",
                  "to_unit", "to_unit_name", "to_user", "position", "outside_agency", "target", "instruction",
                  "sent_by", "sent_at", "due_at", "status", "received_at", "received_by", "desk_register",
                  "desk_receive_number", "acknowledged_at", "acknowledged_by", "returned_at", "return_reason",
                  "done_at", "action_taken", "escalated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.letter.is_classified:  # the subject of a classified letter stays on its page
            data["subject"] = ""
        return data


class RouteRequestSerializer(serializers.Serializer):
    units = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                  help_text="unit codes, e.g. OPS-INSPECT")
    users = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31), required=False,
                                  default=list,
                                  help_text="people by id (required for classified letters)")
    instruction = LimitedCharField("instruction", label="คำสั่งการ", required=False, allow_blank=True, default="")
    purpose = serializers.ChoiceField(choices=Route.Purpose.choices, default=Route.Purpose.ACTION,
                                      help_text="action (เพื่อดำเนินการ) or information (เพื่อทราบ, circulation)")


class ReasonSerializer(serializers.Serializer):
    reason = LimitedCharField("reason", label="เหตุที่ส่งคืน", help_text="why the letter is returned (Thai)")


class ActionTakenSerializer(serializers.Serializer):
    action_taken = LimitedCharField("instruction", label="การปฏิบัติ", help_text="the action taken (การปฏิบัติ)")


class ForwardSerializer(serializers.Serializer):
    agency = LimitedCharField("agency", label="หน่วยงานภายนอก", help_text="the outside agency")
    instruction = LimitedCharField("instruction", label="คำสั่งการ", required=False, allow_blank=True, default="")


class ProposeSerializer(serializers.Serializer):
    note = LimitedCharField("instruction", label="ข้อความเสนอ", required=False, allow_blank=True, default="")
    position = serializers.CharField(required=False, allow_null=True, default=None,
                                     help_text="a post code; default the next post of the line")
    unit = serializers.CharField(required=False, allow_null=True, default=None,
                                 help_text="whose line of command (unit code); default the proposer's")


class EndorseSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Endorsement.Choice.choices)
    text = LimitedCharField("instruction", label="ข้อความเกษียน", required=False, allow_blank=True, default="")
    units = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    users = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31), required=False,
                                  default=list, help_text="people by id (for a classified letter, the only way)")
    propose_next = serializers.BooleanField(required=False, default=False)
    on_behalf_of = serializers.CharField(required=False, allow_null=True, default=None,
                                         help_text="post code of a delegation (ปฏิบัติราชการแทน)")
    endorsed_by = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                           help_text="recording a paper endorsement: the executive's id")


class EndorsementSerializer(serializers.ModelSerializer):
    position = serializers.CharField(source="position.code")
    position_title = serializers.CharField(source="position.title")
    on_behalf_of = serializers.CharField(source="on_behalf_of.code", default=None)
    endorsed_by = serializers.CharField(source="endorsed_by.username")
    recorded_by = serializers.CharField(source="recorded_by.username")

    class Meta:
        model = Endorsement
        fields = ["id", "letter_id", "route_id", "position", "position_title", "capacity", "on_behalf_of", "choice",
                  "text", "unit_codes", "endorsed_by", "recorded_by", "endorsed_at", "signature_line"]


class TimelineItemSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    route_id = serializers.IntegerField(allow_null=True)
    overdue = serializers.BooleanField()


class ActingSerializer(serializers.Serializer):
    position = serializers.CharField()
    user = serializers.IntegerField(min_value=1)
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    order_reference = LimitedCharField("order_reference", label="คำสั่งที่", required=False, allow_blank=True,
                                       default="")


class DelegationSerializer(serializers.Serializer):
    from_position = serializers.CharField()
    to_position = serializers.CharField()
    powers = serializers.ListField(child=serializers.ChoiceField(choices=Endorsement.Choice.choices))
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    order_reference = LimitedCharField("order_reference", label="คำสั่งมอบอำนาจที่", required=False,
                                       allow_blank=True, default="")


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
                                       instruction=body.validated_data["instruction"],
                                       purpose=body.validated_data["purpose"])
        return Response(RouteSerializer(routes, many=True).data, status=201)


class AcknowledgeView(APIView):
    """The receiving unit acknowledges a hop."""

    @extend_schema(request=None, responses=RouteSerializer)
    def post(self, request, route_id: int):
        route = services.acknowledge_route(actor=request.user, route_id=route_id)
        return Response(RouteSerializer(route).data)


class ReceiveView(APIView):
    """The receiving unit's registry clerk receives a hop with the desk's own receive number."""

    @extend_schema(request=None, responses=RouteSerializer)
    def post(self, request, route_id: int):
        route = services.receive_route(actor=request.user, route_id=route_id)
        return Response(RouteSerializer(route).data)


class ReturnView(APIView):
    """The receiving unit returns a misrouted letter with a reason."""

    @extend_schema(request=ReasonSerializer, responses=RouteSerializer)
    def post(self, request, route_id: int):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        route = services.return_route(actor=request.user, route_id=route_id, reason=body.validated_data["reason"])
        return Response(RouteSerializer(route).data)


class DoneView(APIView):
    """The receiving unit records the action taken; its hop is done."""

    @extend_schema(request=ActionTakenSerializer, responses=RouteSerializer)
    def post(self, request, route_id: int):
        body = ActionTakenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        route = services.complete_route(actor=request.user, route_id=route_id,
                                        action_taken=body.validated_data["action_taken"])
        return Response(RouteSerializer(route).data)


class ForwardView(APIView):
    """Forward the letter to an outside agency."""

    @extend_schema(request=ForwardSerializer, responses={201: RouteSerializer})
    def post(self, request, letter_id: int):
        body = ForwardSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        route = services.forward_outside(actor=request.user, letter_id=letter_id, **body.validated_data)
        return Response(RouteSerializer(route).data, status=201)


class CloseView(APIView):
    """The registering desk closes the letter with the action taken (the register's การปฏิบัติ)."""

    @extend_schema(request=ActionTakenSerializer, responses={200: None})
    def post(self, request, letter_id: int):
        body = ActionTakenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        letter = services.close_letter(actor=request.user, letter_id=letter_id,
                                       action_taken=body.validated_data["action_taken"])
        return Response({"id": letter.pk, "closed_at": letter.closed_at, "action_taken": letter.action_taken})


class ProposeView(APIView):
    """Propose the letter up the line of command."""

    @extend_schema(request=ProposeSerializer, responses={201: RouteSerializer})
    def post(self, request, letter_id: int):
        body = ProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        route = services.propose_letter(actor=request.user, letter_id=letter_id, note=data["note"],
                                        position_code=data["position"], unit_code=data["unit"])
        return Response(RouteSerializer(route).data, status=201)


class EndorseView(APIView):
    """Endorse (เกษียน) a proposal addressed to the person (or record one written on paper)."""

    @extend_schema(request=EndorseSerializer, responses={201: EndorsementSerializer})
    def post(self, request, route_id: int):
        body = EndorseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        endorsement = services.endorse(actor=request.user, route_id=route_id, choice=data["choice"],
                                       text=data["text"], unit_codes=data["units"], user_ids=data["users"],
                                       propose_next=data["propose_next"], on_behalf_of=data["on_behalf_of"],
                                       endorsed_by_id=data["endorsed_by"])
        return Response(EndorsementSerializer(endorsement).data, status=201)


class TimelineView(APIView):
    """The letter's timeline: every hop, receipt, endorsement and the closing."""

    @extend_schema(responses=TimelineItemSerializer(many=True))
    def get(self, request, letter_id: int):
        letter = get_letter(selectors.viewer_for(request.user), letter_id)
        record_classified_access(actor=request.user, letter=letter, via="api_timeline")
        return Response(TimelineItemSerializer(selectors.letter_timeline(letter), many=True).data)


class ProposalsView(APIView):
    """Proposals waiting for the person's endorsement, soonest due first."""

    @extend_schema(responses=RouteSerializer(many=True))
    def get(self, request):
        return Response(RouteSerializer(selectors.pending_proposals(request.user)[:200], many=True).data)


class ActingView(APIView):
    """Administrators record an acting order (รักษาราชการแทน)."""

    @extend_schema(request=ActingSerializer, responses={201: None})
    def post(self, request):
        body = ActingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        acting = services.assign_acting(actor=request.user, position_code=d["position"], user_id=d["user"],
                                        starts_at=d["starts_at"], ends_at=d["ends_at"],
                                        order_reference=d["order_reference"])
        return Response({"id": acting.pk, "position": d["position"], "user": acting.user.username}, status=201)


class DelegationView(APIView):
    """Administrators record a delegation of authority (มอบอำนาจ)."""

    @extend_schema(request=DelegationSerializer, responses={201: None})
    def post(self, request):
        body = DelegationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        delegation = services.delegate(actor=request.user, from_position=d["from_position"],
                                       to_position=d["to_position"], powers=d["powers"], starts_at=d["starts_at"],
                                       ends_at=d["ends_at"], order_reference=d["order_reference"])
        return Response({"id": delegation.pk, "powers": delegation.powers}, status=201)


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
