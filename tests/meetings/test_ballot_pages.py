"""A resolution taken at a meeting, seen from the voting pages: a member who was not there
is told why they cannot vote, and the chair cannot open it from the ballot's own page."""

import pytest
from django.urls import reverse

from meetings import services
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, text
from voting import services as voting


def test_a_member_who_is_not_there_is_told_the_vote_is_taken_at_the_meeting(
        society, classes, live_meeting, chair):
    here, away = (MemberFactory(society=society, member_class=classes[0]) for _ in range(2))
    services.check_in(live_meeting, here, by=chair)
    services.check_in(live_meeting, MemberFactory(society=society, member_class=classes[1]),
                      by=chair)
    ballot = services.open_item_vote(live_meeting.resolution, by=chair)
    client = PageCheckingClient()
    client.force_login(away.user)

    page = text(client.get(reverse("ballot_detail", args=[society.slug, ballot.pk])))

    assert "You cannot vote in this ballot." in page
    assert "voted on at a general meeting" in page and "You were not checked in then." in page
    listing = text(client.get(reverse("ballot_list", args=[society.slug])))
    assert "Voted on at a general meeting, by the members there and their proxies." in listing


def test_a_meeting_resolution_cannot_be_opened_outside_the_meeting(called_meeting, secretary):
    ballot = called_meeting.resolution.ballot

    with pytest.raises(voting.VotingError, match="the chair opens the vote there"):
        voting.open_ballot(ballot, by=secretary)
    ballot.refresh_from_db()
    assert ballot.opened_at is None
