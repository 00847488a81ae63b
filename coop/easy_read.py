"""Which version of a page a person reads: easy read or standard.

Members who chose easy read (`Member.easy_read`) see the easy-read version first; anyone can
switch with a plain link (`?view=easy` or `?view=standard`), so it works without JavaScript. The
choice is remembered in the session, so the next page opens in the version last chosen."""

from django.http import QueryDict

PARAM = "view"
EASY, STANDARD = "easy", "standard"
SESSION_KEY = "easy_read_view"


def reading_choice(request, *, prefers_easy_read: bool) -> dict:
    """Template context: `easy_read` (show the easy-read version first) and the two switch links.
    An explicit `?view=` wins, then what this session chose last, then the member's preference."""
    asked = request.GET.get(PARAM)
    session = getattr(request, "session", None)
    if asked in (EASY, STANDARD) and session is not None:
        session[SESSION_KEY] = asked
    chosen = asked if asked in (EASY, STANDARD) else (
        session.get(SESSION_KEY) if session is not None else None)
    easy = chosen == EASY if chosen else prefers_easy_read
    return {"easy_read": easy,
            "easy_read_url": _with_view(request, EASY),
            "standard_url": _with_view(request, STANDARD)}


def _with_view(request, view: str) -> str:
    """This page's address with the chosen version, other query parameters kept."""
    query = request.GET.copy() if request.GET else QueryDict(mutable=True)
    query[PARAM] = view
    return f"{request.path}?{query.urlencode()}"
