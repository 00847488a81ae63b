"""The home page's "What needs you now": a nomination to accept, nominations to second, a proxy
the member holds, an officer's return of interests falling due, and minutes waiting for the
board; other co-ops' business never shows, and the page's queries do not grow with the number
of things waiting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import elections, minutes, services
from membership.models import MemberClass
from tests.factories import MemberFactory, SocietyFactory
from tests.pages import PageCheckingClient, text


def home(user) -> str:
    client = PageCheckingClient()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return text(response)


@pytest.fixture
def contests(society, classes, called_meeting, secretary):
    MemberClass.objects.filter(pk=classes[0].pk).update(board_seats=2)
    opened = elections.open_nominations(called_meeting, by=secretary,
                                        close_at=timezone.now() + timedelta(days=1))
    return {c.member_class_id: c for c in opened}


@pytest.fixture
def people(society, classes):
    return {name: MemberFactory(society=society, member_class=classes[0], full_name=name)
            for name in ["Ann Able", "Bea Best", "Cal Cole", "Dee Dunn"]}


def test_a_nomination_to_accept_is_waiting_for_the_candidate(people, contests, classes,
                                                             called_meeting):
    elections.nominate(contests[classes[0].pk], proposer=people["Bea Best"],
                       candidate=people["Ann Able"])
    page = home(people["Ann Able"].user)
    assert "What needs you now" in page
    assert (f"Bea Best has nominated you to stand as a trustee at {called_meeting.title}. "
            "Say whether you agree to stand. Agree to stand") in page


def test_nominations_without_a_seconder_wait_for_other_members(people, contests, classes,
                                                               called_meeting):
    contest = contests[classes[0].pk]
    elections.nominate(contest, proposer=people["Bea Best"], candidate=people["Ann Able"])
    elections.nominate(contest, proposer=people["Cal Cole"], candidate=people["Cal Cole"])
    assert f"2 nominations for {called_meeting.title} need a seconder" in home(
        people["Dee Dunn"].user)
    # Bea proposed one and Cal stands in the other: neither may second it.
    assert f"1 nomination for {called_meeting.title} needs a seconder" in home(
        people["Bea Best"].user)


def test_a_proxy_held_for_a_coming_meeting_is_waiting(people, called_meeting):
    services.appoint_proxy(called_meeting, people["Ann Able"], people["Bea Best"])
    page = home(people["Bea Best"].user)
    assert f"You are Ann Able's proxy at {called_meeting.title}" in page
    assert "What needs you now" not in home(people["Cal Cole"].user)


def test_an_officers_return_due_is_waiting(society, officer_for):
    from coop.models import Officer
    from membership.interests import returns

    trustee = officer_for("trustee")
    Officer.objects.filter(user=trustee).update(started_on=timezone.localdate())
    due = f"{timezone.localdate():%-d %B %Y}"
    # Took office today with no return yet: due today.
    assert (f"Your yearly statement of interests as an officer is due by {due}"
            in home(trustee))
    returns.make_return(society, trustee, nil=True, by=trustee)
    assert "Your yearly statement of interests" not in home(trustee)


def test_minutes_wait_for_the_board_only(society, people, called_meeting, go_live, chair,
                                         secretary):
    go_live(called_meeting)
    services.end_meeting(called_meeting, by=chair)
    called_meeting.refresh_from_db()
    minutes.draft_minutes(called_meeting, by=chair)
    assert f"The minutes of {called_meeting.title} are waiting to be approved" in home(secretary)
    assert "minutes of" not in home(people["Ann Able"].user)


def test_another_cooperatives_business_does_not_show(people, contests, classes, secretary):
    other = SocietyFactory(name="Elsewhere", slug="elsewhere")
    stranger = MemberFactory(society=other)
    elections.nominate(contests[classes[0].pk], proposer=people["Bea Best"],
                       candidate=people["Ann Able"])
    assert "What needs you now" not in home(stranger.user)


def test_home_page_queries_do_not_grow_with_what_is_waiting(
        people, contests, classes, called_meeting, django_assert_max_num_queries):
    contest = contests[classes[0].pk]
    holder = people["Dee Dunn"]
    services.appoint_proxy(called_meeting, people["Ann Able"], holder)
    elections.nominate(contest, proposer=people["Bea Best"], candidate=holder)
    client = PageCheckingClient()
    client.force_login(holder.user)
    with django_assert_max_num_queries(40) as one:
        client.get("/")
    for name in ["Eli Ernst", "Fin Ford", "Gus Gray", "Hal Hunt", "Ivy Ives"]:
        member = MemberFactory(society=holder.society, member_class=classes[0], full_name=name)
        elections.nominate(contest, proposer=member, candidate=member)
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        page = text(client.get("/"))
    assert "5 nominations" in page
    assert len(many.captured_queries) == len(one.captured_queries)
