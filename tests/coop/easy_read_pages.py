"""Pages with an easy-read version, built through the real services, shared by the HTTP tests
(tests/coop/test_easy_read.py) and the browser tests (tests/browser/test_easy_read.py)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from meetings import services as meetings
from tests.factories import MemberFactory
from voting import services as voting

PAGES = ["results", "election", "choice", "meeting notice", "proxy form", "joining form"]


def members(society, n=1, **extra):
    users = society.member_classes.order_by("position").first()
    return [MemberFactory(society=society, member_class=users, **extra) for _ in range(n)]


def open_ballot(society, secretary, kind, options=None, **fields):
    ballot = voting.create_ballot(society, by=secretary, title=fields.pop("title", "Our vote"),
                                  summary="What we are deciding.", kind=kind, options=options,
                                  **fields)
    return voting.open_ballot(ballot, by=secretary, closes_at=timezone.now() + timedelta(days=7))


def published(ballot, secretary, scrutineer):
    voting.close_ballot(ballot, by=secretary, reason="Everyone on the roll has voted.")
    voting.certify_ballot(ballot, by=scrutineer, note="Counted.")
    return voting.publish_ballot(ballot, by=secretary)


def pk_of(ballot, label):
    return ballot.options.get(label=label).pk


def _called_meeting(society, secretary):
    meeting = meetings.create_meeting(
        society, by=secretary, kind="agm", starts_at=timezone.now() + timedelta(days=20),
        place="Community hall, 1 Mill Lane", access_notes="Step-free entrance.")
    meetings.add_item(meeting, by=secretary, title="Change rule 5",
                      description="That rule 5 is changed.", resolution_kind="special")
    meetings.send_notice(meeting, by=secretary)
    return meeting


def build_pages(society, secretary, scrutineer) -> dict[str, str]:
    """page name -> its address, for a society with one of each page, all visible to members."""
    voters = members(society, 3)
    resolution = open_ballot(society, secretary, "resolution", title="Adopt the new rules")
    for member in voters:
        voting.cast_vote(resolution, member, {pk_of(resolution, "For"): 1})
    published(resolution, secretary, scrutineer)
    election = open_ballot(society, secretary, "ranked", options=["Ann", "Bob", "Cat"], seats=1)
    choice = open_ballot(society, secretary, "choice", options=["Minibus", "Garden"])
    meeting = _called_meeting(society, secretary)
    slug = society.slug
    return {
        "results": reverse("ballot_results", args=[slug, resolution.pk]),
        "election": reverse("ballot_detail", args=[slug, election.pk]),
        "choice": reverse("ballot_detail", args=[slug, choice.pk]),
        "meeting notice": reverse("meeting_detail", args=[slug, meeting.pk]),
        "proxy form": reverse("meeting_proxy", args=[slug, meeting.pk]),
        "joining form": reverse("apply", args=[slug]),
    }
