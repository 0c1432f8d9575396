from django.contrib import admin

from saraban.routing.models import Agency, Membership, Route, Unit

admin.site.register(Agency)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    search_fields = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]


admin.site.register(Route)
