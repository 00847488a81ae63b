from django.conf import settings


def navigation(request):
    """The societies the signed-in person belongs to or serves, for the header."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"site_name": "coop"}
    from .selectors import societies_for_user

    return {"site_name": "coop", "my_societies": societies_for_user(user),
            "debug": settings.DEBUG}
