"""REST API of notifications: the person's list, marking read, their choices; webhooks
for administrators (everyone else gets 403)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.core.api import LimitedCharField
from saraban.notifications import selectors, services
from saraban.notifications.models import (
    EmailChoice,
    Notification,
    Webhook,
    WebhookDelivery,
)


class NotificationSerializer(serializers.ModelSerializer):
    event_label = serializers.CharField(read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "event_label", "title", "body", "url", "letter_id", "created_at", "read_at", "unread"]

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62), required=False,
                                help_text="notification ids; left out: all of the person's notifications")


class ReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class PreferenceSerializer(serializers.Serializer):
    event = serializers.CharField()
    label = serializers.CharField(read_only=True)
    web = serializers.BooleanField()
    email = serializers.ChoiceField(choices=EmailChoice.choices)
    urgent = serializers.BooleanField(read_only=True)


class WebhookSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, min_length=16, max_length=128,
                                   help_text="HMAC key; generated when left out (shown once, on create)")
    events = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=False,
                                   help_text="event names, e.g. route.received")
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    name = LimitedCharField("name", label="ชื่อ webhook")

    class Meta:
        model = Webhook
        fields = ["id", "name", "url", "events", "active", "secret", "created_by", "created_at"]
        read_only_fields = ["id", "created_at"]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "state", "attempts", "next_attempt_at", "delivered_at", "last_error", "created_at",
                  "payload"]


def _unread(request) -> bool:
    return request.query_params.get("unread") in {"1", "true"}


class NotificationListView(APIView):
    """The person's notifications, unread first then newest (``?unread=1``: unread only; at most 200)."""

    @extend_schema(parameters=[OpenApiParameter("unread", bool)], responses=NotificationSerializer(many=True))
    def get(self, request):
        items = selectors.notifications_for(request.user, unread_only=_unread(request))[:200]
        return Response(NotificationSerializer(items, many=True).data)


class MarkAllReadView(APIView):
    """Mark the given notifications (``ids``) or all of the person's notifications read."""

    @extend_schema(operation_id="notifications_read_many", request=MarkReadSerializer, responses=ReadResultSerializer)
    def post(self, request):
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = services.mark_read(actor=request.user, notification_ids=body.validated_data.get("ids"))
        return Response({"marked": marked, "unread": selectors.unread_count(request.user)})


class MarkReadView(APIView):
    """Mark one notification read (404 when it is not the person's)."""

    @extend_schema(operation_id="notification_read", request=None, responses=ReadResultSerializer)
    def post(self, request, notification_id: int):
        marked = services.mark_read(actor=request.user, notification_ids=[notification_id])
        return Response({"marked": marked, "unread": selectors.unread_count(request.user)})


class PreferencesView(APIView):
    """The person's choice per event (GET); PUT a list of ``{event, web, email}`` to change some."""

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request):
        return Response(PreferenceSerializer(selectors.preferences_for(request.user), many=True).data)

    @extend_schema(request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True))
    def put(self, request):
        body = PreferenceSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        services.set_preferences(actor=request.user, prefs={
            row["event"]: {"web": row["web"], "email": row["email"]} for row in body.validated_data})
        return Response(PreferenceSerializer(selectors.preferences_for(request.user), many=True).data)


class WebhookListView(APIView):
    """Webhooks (administrators only): list, or add one."""

    @extend_schema(responses=WebhookSerializer(many=True))
    def get(self, request):
        return Response(WebhookSerializer(selectors.webhooks_for(request.user), many=True).data)

    @extend_schema(request=WebhookSerializer, responses={201: WebhookSerializer})
    def post(self, request):
        selectors.require_administrator(request.user)
        body = WebhookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hook = services.create_webhook(actor=request.user, **body.validated_data)
        return Response({**WebhookSerializer(hook).data, "secret": hook.secret}, status=201)


class WebhookDetailView(APIView):
    """One webhook (administrators only): read, change (PATCH), delete."""

    @extend_schema(responses=WebhookSerializer)
    def get(self, request, webhook_id: int):
        return Response(WebhookSerializer(selectors.get_webhook(request.user, webhook_id)).data)

    @extend_schema(request=WebhookSerializer, responses=WebhookSerializer)
    def patch(self, request, webhook_id: int):
        hook = selectors.get_webhook(request.user, webhook_id)
        body = WebhookSerializer(hook, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changes = {k: v for k, v in body.validated_data.items() if not (k == "secret" and not v)}
        hook = services.update_webhook(actor=request.user, webhook_id=webhook_id, **changes)
        return Response(WebhookSerializer(hook).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, webhook_id: int):
        services.delete_webhook(actor=request.user, webhook_id=webhook_id)
        return Response(status=204)


class WebhookDeliveriesView(APIView):
    """A webhook's latest 50 deliveries (administrators only)."""

    @extend_schema(responses=DeliverySerializer(many=True))
    def get(self, request, webhook_id: int):
        return Response(DeliverySerializer(selectors.recent_deliveries(request.user, webhook_id), many=True).data)
