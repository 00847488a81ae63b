from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = "Co-operative societies"

    def ready(self):
        from . import audit_names, checks  # noqa: F401 - checks registers the project's checks

        audit_names.register_people("coop.User", lambda u: [audit_names.person_of_user(u)])
        audit_names.register_people("coop.Officer",
                                    lambda o: [audit_names.person_of_user(o.user)])
        audit_names.register_people("coop.ApiToken",
                                    lambda t: [audit_names.person_of_user(t.user)])
