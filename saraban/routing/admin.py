from django.contrib import admin

from saraban.routing.models import (ActingAssignment, Agency, ChainStep, Delegation, Endorsement, Holiday, Membership,
                                    Position, Route, Unit)

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


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind"]
    list_filter = ["kind"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "unit", "holder", "is_head"]
    search_fields = ["code", "title"]


@admin.register(ChainStep)
class ChainStepAdmin(admin.ModelAdmin):
    """Each unit's line of command, editable (issue: "configurable chains per unit")."""

    list_display = ["unit", "order", "position"]
    list_filter = ["unit"]


@admin.register(ActingAssignment)
class ActingAdmin(admin.ModelAdmin):
    list_display = ["position", "user", "starts_at", "ends_at", "order_reference"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["from_position", "to_position", "powers", "starts_at", "ends_at", "order_reference"]


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["letter", "position", "choice", "capacity", "endorsed_by", "endorsed_at"]
