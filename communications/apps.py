from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "communications"
    label = "communications"
    verbose_name = "Messages to members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (bounces and complaints from anymail's webhooks)
