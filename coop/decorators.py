"""Loading a society from the URL and checking a named permission, for HTML views."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from . import hooks, permissions
from .models import Society


def society_view(check=None, *, login=True):
    """Give the view `request.society`; if `check(user, society)` fails, refuse with 403.
    Anonymous visitors are sent to sign in first when `login` is set."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            society = get_object_or_404(Society, slug=slug)
            if login and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if check is not None and not check(request.user, society):
                raise PermissionDenied("You do not have access to this page.")
            request.society = society
            return view(request, society, *args, **kwargs)

        return wrapper

    return decorator


def society_context(request, society, **extra) -> dict:
    """Template context shared by every society page (navigation depends on the role)."""
    user = request.user
    context = {
        "society": society,
        "is_member_here": False,
        "is_current_member_here": False,
        "is_officer_here": permissions.is_officer(user, society),
        "can_view_register_here": permissions.can_view_register(user, society),
        "can_manage_register_here": permissions.can_manage_register(user, society),
    }
    for answer in hooks.answers(hooks.society_page_context, request=request, society=society):
        context.update(answer)
    context.update(extra)
    return context
