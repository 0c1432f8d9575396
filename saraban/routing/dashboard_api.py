"""REST API of deadlines: the month's performance figures per unit (JSON, CSV, XLSX) and
the person's overdue hops."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from saraban.core.errors import InvalidInput
from saraban.routing import deadlines, kpis
from saraban.routing.dashboard import be_month_value, download, parse_be_month
from saraban.routing.models import Route


class OverdueRouteSerializer(serializers.ModelSerializer):
    letter_id = serializers.IntegerField()
    receive_number = serializers.IntegerField(source="letter.receive_number")
    year = serializers.IntegerField(source="letter.year")
    subject = serializers.CharField(source="letter.subject")
    urgency = serializers.CharField(source="letter.urgency")
    to_unit = serializers.CharField(source="to_unit.code", default=None)
    to_unit_name = serializers.CharField(source="to_unit.name", default=None)
    to_user = serializers.CharField(source="to_user.username", default=None)

    class Meta:
        model = Route
        fields = ["id", "letter_id", "receive_number", "year", "subject", "urgency", "kind", "to_unit", "to_unit_name",
                  "to_user", "status", "sent_at", "due_at", "escalated_at"]


class KpiRowSerializer(serializers.Serializer):
    """Figures of one unit for the month (definitions: ``saraban.routing.kpis``)."""

    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM (CE)")
    hops = serializers.IntegerField()
    handled = serializers.IntegerField()
    on_time = serializers.IntegerField()
    decided = serializers.IntegerField()
    on_time_share = serializers.FloatField(allow_null=True, help_text="0..1")
    target = serializers.FloatField()
    meets_target = serializers.BooleanField(allow_null=True)
    pending = serializers.IntegerField()
    returned = serializers.IntegerField()
    overdue_open = serializers.DictField(child=serializers.IntegerField())
    handled_late = serializers.DictField(child=serializers.IntegerField())
    overdue = serializers.DictField(child=serializers.IntegerField())
    first_action_median_minutes = serializers.FloatField(allow_null=True)
    first_action_mean_minutes = serializers.FloatField(allow_null=True)
    registered = serializers.IntegerField()
    registered_within_standard = serializers.IntegerField()
    registration_share = serializers.FloatField(allow_null=True)
    registration_median_minutes = serializers.FloatField(allow_null=True)
    registration_standard_minutes = serializers.IntegerField()


class KpisResponseSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="Buddhist-era year and month, e.g. 2569-11")
    target = serializers.FloatField()
    rows = KpiRowSerializer(many=True)


class KpisView(APIView):
    """Performance figures per unit for a month (work manual KPI: 90% within the time
    standard). ``?format=csv`` or ``xlsx`` downloads them with Thai headers."""

    def perform_content_negotiation(self, request, force=False):
        # ``format=csv|xlsx`` names a download, not a DRF renderer.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="ปี พ.ศ.-เดือน เช่น 2569-11 (default: this month)"),
                    OpenApiParameter("format", str, enum=["json", "csv", "xlsx"])],
        responses={200: KpisResponseSerializer, (200, "text/csv"): OpenApiTypes.BINARY,
                   (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
    )
    def get(self, request):
        month = parse_be_month(request.query_params.get("month"))
        fmt = request.query_params.get("format") or "json"
        if fmt not in {"json", "csv", "xlsx"}:
            raise InvalidInput("รูปแบบไม่ถูกต้อง เลือก json, csv หรือ xlsx", code="bad_format")
        rows = kpis.unit_month_kpis(month=month)
        if fmt != "json":
            return download(rows, fmt, month)
        return Response({"month": be_month_value(month), "target": kpis.TARGET, "rows": [r.as_dict() for r in rows]})


class OverdueView(APIView):
    """Open hops past their deadline that the person should see, earliest due first:
    their own and their units', their sub-units' (unit heads), their desk's letters'
    (registry clerks); classified letters only where the person may see them."""

    @extend_schema(responses=OverdueRouteSerializer(many=True))
    def get(self, request):
        routes = deadlines.overdue_routes(request.user, now=timezone.now())[:500]
        return Response(OverdueRouteSerializer(routes, many=True).data)
