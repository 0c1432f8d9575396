"""URL maps of notifications: ``pages`` (Thai web pages) and ``api`` (under /api/)."""

from django.urls import path

from saraban.notifications import api as notifications_api
from saraban.notifications import views

pages: list = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="read"),
    path("<int:notification_id>/open/", views.open_notification, name="open"),
    path("preferences/", views.preferences, name="preferences"),
]
api: list = [
    path("notifications", notifications_api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read", notifications_api.MarkAllReadView.as_view(), name="api-notifications-read"),
    path("notifications/<int:notification_id>/read", notifications_api.MarkReadView.as_view(),
         name="api-notification-read"),
    path("notification-preferences", notifications_api.PreferencesView.as_view(), name="api-notification-preferences"),
    path("notification-webhooks", notifications_api.WebhookListView.as_view(), name="api-notification-webhooks"),
    path("notification-webhooks/<int:webhook_id>", notifications_api.WebhookDetailView.as_view(),
         name="api-notification-webhook"),
    path("notification-webhooks/<int:webhook_id>/deliveries", notifications_api.WebhookDeliveriesView.as_view(),
         name="api-notification-webhook-deliveries"),
]
