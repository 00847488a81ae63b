from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    label = "meetings"
    verbose_name = "General meetings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import privacy, receivers  # noqa: F401  (receivers connect to coop.hooks)

        privacy.register()
