"""Django admin of notifications: webhooks (through the services, so each change is
audited and checked) and their deliveries, read-only. Notifications themselves are not
shown: their titles may name classified letters (DOMAIN.md §2)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from saraban.core.classes import Role
from saraban.core.errors import DomainError
from saraban.notifications import services
from saraban.notifications.models import Webhook, WebhookDelivery
from saraban.routing.selectors import roles_of


def _is_administrator(request) -> bool:
    return Role.ADMINISTRATOR in roles_of(request.user)


FIELDS = ["name", "url", "events", "secret", "active"]


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label="ที่อยู่ปลายทาง", max_length=500, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = FIELDS

    def clean(self):
        data = super().clean()
        try:
            services.check_webhook(Webhook(**{f: data.get(f) for f in FIELDS}))
        except DomainError as exc:
            raise ValidationError(exc.message) from None
        return data


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "events", "active", "created_by", "created_at"]
    fields = FIELDS

    def has_module_permission(self, request):
        return _is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return _is_administrator(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def save_model(self, request, obj, form, change):
        data = {f: getattr(obj, f) for f in FIELDS}
        if change:
            saved = services.update_webhook(actor=request.user, webhook_id=obj.pk, **data)
        else:
            saved = services.create_webhook(actor=request.user, **data)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_webhook(actor=request.user, webhook_id=obj.pk)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "webhook", "event", "state", "attempts", "next_attempt_at", "delivered_at", "last_error"]
    list_filter = ["state", "event"]

    def has_module_permission(self, request):
        return _is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return _is_administrator(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
