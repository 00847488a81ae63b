from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "membership"
    verbose_name = "Membership"

    def ready(self):
        from . import receivers  # noqa: F401  (connects membership's answers to coop.hooks)
        from .privacy import parts

        parts.register()
