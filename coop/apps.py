from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = "Co-operative societies"

    def ready(self):
        from . import checks  # noqa: F401 - registers the project's checks
