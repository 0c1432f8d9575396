"""Django admin for complaints: read-only, and never personal data.

The list and the form show the tracking code, place, category, severity, status and
dates only; the encrypted fields, blind indexes and notice texts are not shown to
administrators (personal data is for the desk and the handling unit, on the pages).
"""

from django.contrib import admin

from saraban.complaints.models import Complaint
from saraban.core.admin import ReadOnlyAdmin

SAFE_FIELDS = ["tracking_code", "channel", "category", "severity", "province", "district", "status", "received_at",
               "due_at", "closed_at", "escalated_at", "registering_unit", "handling_unit", "outside_agency"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["tracking_code", "category", "severity", "province", "status", "received_at", "due_at"]
    list_filter = ["status", "category", "severity", "channel"]
    search_fields = ["tracking_code"]
    fields = readonly_fields = SAFE_FIELDS
