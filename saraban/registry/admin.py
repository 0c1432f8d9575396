"""Django admin for the registry: read-only, and only what the person may see.

The register is a legal record: nothing here edits a number, a date, a subject, a
class or a counter (DOMAIN.md §3), and classified letters stay hidden from anyone the
access policy hides them from (DOMAIN.md §2), administrators included.
"""

from django.contrib import admin

from saraban.core.admin import ReadOnlyAdmin
from saraban.registry.models import Letter, LetterFile, Register, RegisterCounter
from saraban.registry.selectors import visible_letters
from saraban.routing.selectors import viewer_for


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "desk_unit", "direction", "series", "is_secret", "number_prefix"]
    readonly_fields = ["code", "is_secret", "direction", "series", "year_start_month"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "register", "year", "receive_number", "document_number", "subject"]
    list_filter = ["status", "register", "urgency"]
    search_fields = ["subject", "document_number"]

    def get_queryset(self, request):
        return visible_letters(viewer_for(request.user)).select_related("register")


@admin.register(LetterFile)
class LetterFileAdmin(ReadOnlyAdmin):
    list_display = ["letter_id", "role", "original_name", "size", "sha256"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(letter__in=visible_letters(viewer_for(request.user)))


@admin.register(RegisterCounter)
class RegisterCounterAdmin(ReadOnlyAdmin):
    list_display = ["register", "year", "last_number", "last_issued_at", "closed_at"]
