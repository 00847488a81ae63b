from django.conf import settings
from django.utils.functional import SimpleLazyObject


def navigation(request):
    """The societies the signed-in person belongs to or serves, for the header."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"site_name": "coop"}
    from .selectors import my_societies

    # Read only if a template asks (none does on most pages); then once per request.
    return {"site_name": "coop", "my_societies": SimpleLazyObject(lambda: my_societies(user)),
            "debug": settings.DEBUG}
