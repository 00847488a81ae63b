"""Meetings in each state, made through the services, for the meetings API tests. A meeting is
called 20 days ahead (room for 14 clear days' notice and the proxy deadline); to hold it, its
time is moved to "in half an hour" (the clock's passing, which the tests cannot wait for) and
the chair starts it through the service."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from meetings import services
from meetings.models import Meeting

SOCIETY = "/api/v1/societies/mutual"
MEETINGS = f"{SOCIETY}/meetings"
HALL = "Community Hall, 1 Mill Lane"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def later(**delta) -> str:
    return (timezone.now() + timedelta(**(delta or {"days": 20}))).isoformat()


def draft(society, by, *, days=20, kind="general", resolution=None, **fields) -> Meeting:
    """A meeting being prepared; with `resolution` ("ordinary"/"special"), one resolution."""
    meeting = services.create_meeting(
        society, by=by, kind=kind, starts_at=timezone.now() + timedelta(days=days),
        place=fields.pop("place", HALL), **fields)
    if resolution:
        services.add_item(meeting, by=by, title="Adopt the new rules",
                          description="That the co-op adopts the rules in the papers.",
                          resolution_kind=resolution)
    return meeting


def called(society, by, **kwargs) -> Meeting:
    meeting = draft(society, by, **kwargs)
    services.send_notice(meeting, by=by)
    return Meeting.objects.get(pk=meeting.pk)


def hold(meeting, by) -> Meeting:
    """Its time comes and the chair starts it."""
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + timedelta(minutes=30))
    return services.start_meeting(Meeting.objects.get(pk=meeting.pk), by=by)


def live(society, by, **kwargs) -> Meeting:
    return hold(called(society, by, **kwargs), by)


def resolution_item(meeting):
    return meeting.items.get(ballot__isnull=False)


def url(meeting, *parts) -> str:
    return "/".join([MEETINGS, str(meeting.pk), *map(str, parts)]) + "/"
