from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "saraban.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from saraban.registry import checks  # noqa: F401 — registers the system checks
