from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from saraban.core.models import AuditEvent, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows records and never adds, changes or deletes them (legal
    records: register rows, letters, complaints)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class SarabanUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("สิทธิ", {"fields": ("clearance", "position")}),)
    list_display = ["username", "first_name", "last_name", "position", "clearance"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
