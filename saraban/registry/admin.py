from django.contrib import admin

from saraban.registry.models import Letter, LetterFile, Register, RegisterCounter


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "desk_unit", "direction", "is_secret"]


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "register", "year", "receive_number", "document_number", "subject", "secrecy"]
    list_filter = ["status", "register", "urgency", "secrecy"]
    search_fields = ["subject", "document_number"]
    # The register is a legal record: numbers, dates and subjects are not edited here.
    readonly_fields = ["register", "year", "receive_number", "registered_at", "registered_by", "status",
                       "document_number", "document_date", "subject"]

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(LetterFile)
admin.site.register(RegisterCounter)
