"""Voting ahead of a general meeting (issue 18, section 2): where the rules allow it, members
vote on a resolution online or on the paper form sent with the notice; at the meeting those
votes are added to the room's, class by class, under the same weights and threshold. A member
who voted ahead has voted: not again in the room, and not by proxy (the vote ahead stands)."""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from coop.models import AuditEntry
from meetings import notice, selectors, services
from meetings.minutes import draft_text
from meetings.models import NoticeDelivery
from meetings.services import MeetingError
from tests.pages import PageCheckingClient, text
from voting import secrecy
from voting import services as voting
from voting.enums import BallotState
from voting.models import Ballot, BallotPaper, RollEntry, Vote, VoteMark
from voting.selectors import count_ballot, percent, results

from .conftest import fresh, options_of
from .test_notice import joined, letter_pages

ORDINARY = [("Pay personal assistants the real living wage",
             "That the co-op pays every personal assistant at least the real living wage.",
             "ordinary")]


@pytest.fixture
def ahead_rules(set_rules):
    set_rules(allow_advance_votes=True, advance_votes_close_hours=48)


@pytest.fixture
def called(ahead_rules, call_meeting):
    meeting, (item,) = call_meeting(resolutions=ORDINARY)
    return meeting, fresh(item)


def test_advance_voting_opens_on_the_resolution_closing_the_rules_hours_before(
        classes, make_members, called, secretary):
    users, carers, pas = classes
    online = make_members(users, 2)
    by_post = make_members(carers, 1, contact_by_post=True)[0]
    meeting, item = called

    ahead = services.open_advance_voting(item, by=secretary)

    assert ahead.state == BallotState.OPEN and ahead.adds_to_id == item.ballot_id
    assert ahead.closes_at == meeting.starts_at - timedelta(hours=48)
    assert ahead.summary == item.ballot.summary
    assert ahead.threshold_percent == item.ballot.threshold_percent
    assert {(w.member_class_id, w.weight) for w in ahead.class_weights.all()} == \
        {(w.member_class_id, w.weight) for w in item.ballot.class_weights.all()}
    on_roll = set(ahead.roll.values_list("member_id", flat=True))
    assert {m.pk for m in online} | {by_post.pk} <= on_roll
    # The member who gets post has a voting form with a one-time code; nobody else has.
    assert list(BallotPaper.objects.filter(ballot=ahead)
                .values_list("roll_entry__member_id", flat=True)) == [by_post.pk]
    # The room's own vote is still to be opened by the chair at the meeting.
    assert fresh(item.ballot).opened_at is None
    entry = AuditEntry.objects.filter(action="meetings.advance_voting.opened").get()
    assert entry.data["item"] == item.title


def test_no_advance_voting_unless_the_rules_allow_it(classes, call_meeting, secretary):
    meeting, (item,) = call_meeting(resolutions=ORDINARY)
    with pytest.raises(MeetingError, match="rules do not allow voting ahead"):
        services.open_advance_voting(item, by=secretary)
    assert not Ballot.objects.filter(adds_to=item.ballot).exists()


def test_no_advance_voting_once_its_closing_time_has_passed(called, set_rules, secretary):
    meeting, item = called  # 20 days (480 hours) ahead
    set_rules(advance_votes_close_hours=24 * 21)
    with pytest.raises(MeetingError, match="close 504 hours before the meeting, and that "
                                           "time has passed"):
        services.open_advance_voting(item, by=secretary)
    assert not Ballot.objects.filter(adds_to=item.ballot).exists()


def test_advance_voting_opens_only_with_the_notice_and_only_once(
        ahead_rules, draft_meeting, secretary):
    meeting, (item,) = draft_meeting(resolutions=ORDINARY)
    with pytest.raises(MeetingError, match="Send the notice first"):
        services.open_advance_voting(item, by=secretary)
    services.send_notice(meeting, by=secretary)
    services.open_advance_voting(fresh(item), by=secretary)
    with pytest.raises(MeetingError, match="already open on this resolution"):
        services.open_advance_voting(fresh(item), by=secretary)
    assert Ballot.objects.filter(adds_to=item.ballot).count() == 1


def test_advance_votes_are_counted_with_the_rooms_by_hand(
        classes, make_members, called, secretary, chair, go_live):
    """Users 50%, carers 25%, PAs 25%. Worked by hand below."""
    users, carers, pas = classes
    u, c = make_members(users, 8), make_members(carers, 5)
    p = make_members(pas, 3) + make_members(pas, 1, contact_by_post=True)
    meeting, item = called
    # C4 gives C0 a proxy directed "for", and then votes "against" ahead: the vote ahead
    # stands. U7 gives U0 an undirected proxy and does not vote ahead.
    services.appoint_proxy(meeting, c[4], c[0], instructions={item.pk: "for"})
    services.appoint_proxy(meeting, u[7], u[0])

    ahead = services.open_advance_voting(item, by=secretary)
    a = options_of(ahead)
    for member, choice in [(u[4], "for"), (u[5], "for"), (u[6], "against"),
                           (c[3], "for"), (c[4], "against"), (p[2], "against")]:
        voting.cast_vote(ahead, member, {a[choice]: 1})
    # P3 votes on the paper form that came with the notice; the scrutineer enters it.
    voting.enter_paper_vote(ahead, code=secrecy.paper_code(ahead.pk, p[3].pk),
                            choices={a["for"]: 1}, by=secretary)

    go_live(meeting)
    for m in u[:5] + c[:3] + p[:2]:  # U4 voted ahead and comes anyway
        services.check_in(meeting, m)
    ballot = services.open_item_vote(fresh(item), by=chair)

    assert fresh(ahead).state == BallotState.CLOSED  # voting ahead ended when the room's began
    assert not VoteMark.objects.filter(ballot=ballot).exists()  # C4's directed proxy not cast
    assert set(ballot.roll.values_list("member_id", flat=True)) == \
        {m.pk for m in u[:4] + [u[7]] + c[:3] + p[:2]}
    o = options_of(ballot)
    with pytest.raises(voting.VotingError, match="not on the roll"):
        voting.cast_vote(ballot, u[4], {o["for"]: 1})  # U4 has voted already
    with pytest.raises(MeetingError, match="do not hold an undirected proxy"):
        services.cast_proxy_vote(fresh(item), c[0], c[4], {o["for"]: 1})
    for member, choice in [(u[0], "for"), (u[1], "for"), (u[2], "against"),
                           (u[3], "abstain"), (c[0], "against"), (c[1], "for"),
                           (c[2], "for"), (p[0], "against"), (p[1], "for")]:
        voting.cast_vote(ballot, member, {o[choice]: 1})
    services.cast_proxy_vote(fresh(item), u[0], u[7], {o["for"]: 1})
    services.close_item_vote(fresh(item), by=chair)
    services.declare_result(fresh(item), by=chair)

    # By hand, (for, against) per class, ahead + in the room:
    #   users  for U4 U5 + U0 U1 U7(proxy) = 5, against U6 + U2 = 2 (U3 abstains)
    #   carers for C3 + C1 C2 = 3,              against C4 + C0 = 2
    #   PAs    for P3(paper) + P1 = 2,          against P2 + P0 = 2
    # for = 1/2 × 5/7 + 1/4 × 3/5 + 1/4 × 2/4 = 100/280 + 42/280 + 35/280 = 177/280
    expected = Fraction(177, 280)
    assert Fraction(1, 2) * Fraction(5, 7) + Fraction(1, 4) * Fraction(3, 5) \
        + Fraction(1, 4) * Fraction(2, 4) == expected
    result = results(fresh(ballot))
    assert result.outcome.for_ratio == expected
    assert percent(result.outcome.for_ratio) == Decimal("63.2")
    assert result.outcome.passed
    assert result.head_counts == {o["for"]: 10, o["against"]: 6, o["abstain"]: 1}
    assert result.one_member_outcome.for_ratio == Fraction(10, 16)
    # Seven were cast ahead (six online, one on paper), ten in the room and by proxy; the
    # turnout counts both: the ten on the room's roll and the seven who voted ahead.
    assert Vote.objects.filter(ballot=ahead).count() == 7
    assert Vote.objects.filter(ballot=ballot).count() == 10
    assert (result.ahead, result.voted, result.on_roll) == (7, 17, 17)
    assert "7 votes were cast ahead of the meeting." in draft_text(fresh(meeting))
    page = text(_client(u[1].user).get(reverse("ballot_results",
                                                args=[ballot.society.slug, ballot.pk])))
    assert "17 of the 17 members on the electoral roll voted (100.0%). 7 of them voted " \
        "ahead of the meeting." in page
    api = APIClient()
    api.force_authenticate(u[1].user)
    answer = api.get(f"/api/v1/societies/{ballot.society.slug}/ballots/{ballot.pk}/results/")
    assert answer.status_code == 200
    assert (answer.json()["voted_ahead"], answer.json()["voted"]) == (7, 17)


def test_a_member_who_voted_ahead_can_still_vote_the_proxies_they_hold(
        classes, make_members, called, secretary, go_live):
    users = classes[0]
    u = make_members(users, 3)
    meeting, item = called
    services.appoint_proxy(meeting, u[1], u[0])
    ahead = services.open_advance_voting(item, by=secretary)
    voting.cast_vote(ahead, u[0], {options_of(ahead)["for"]: 1})
    go_live(meeting)
    services.check_in(meeting, u[0])

    seen = selectors.room(fresh(item))
    assert u[0].pk not in seen.on_roll and u[1].pk in seen.on_roll
    assert seen.undirected_by_holder == {u[0].pk: {u[1].pk}}


def test_without_advance_votes_the_minutes_say_nothing_of_them(
        classes, make_members, called, chair, go_live):
    u = make_members(classes[0], 6)
    meeting, item = called
    go_live(meeting)
    for m in u:
        services.check_in(meeting, m)
    ballot = services.open_item_vote(fresh(item), by=chair)
    for m in u:
        voting.cast_vote(ballot, m, {options_of(ballot)["for"]: 1})
    services.close_item_vote(fresh(item), by=chair)
    services.declare_result(fresh(item), by=chair)
    text = draft_text(fresh(meeting))
    assert "in the room and by proxy." in text and "ahead" not in text


def test_a_paper_entered_after_voting_ahead_closed_is_still_counted(
        classes, make_members, called, secretary, chair, go_live):
    u = make_members(classes[0], 4) + make_members(classes[0], 1, contact_by_post=True)
    meeting, item = called
    ahead = services.open_advance_voting(item, by=secretary)
    a = options_of(ahead)
    Ballot.objects.filter(pk=ahead.pk).update(closes_at=timezone.now())  # its time came
    voting.record_closing(ahead)
    # The form was posted in time and reaches the scrutineer after the close.
    voting.enter_paper_vote(ahead, code=secrecy.paper_code(ahead.pk, u[4].pk),
                            choices={a["against"]: 1}, by=secretary)
    go_live(meeting)
    for m in u[:4]:
        services.check_in(meeting, m)
    ballot = services.open_item_vote(fresh(item), by=chair)
    assert RollEntry.objects.filter(ballot=ahead, member=u[4], has_voted=True).exists()
    o = options_of(ballot)
    assert results(ballot).head_counts[o["against"]] == 1


# --- the pages ---------------------------------------------------------------------------------

def _client(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


def test_the_secretary_opens_voting_ahead_from_the_meeting_page(
        classes, make_members, called, secretary, society):
    voter = make_members(classes[0], 1)[0]
    make_members(classes[1], 1, contact_by_post=True)
    meeting, item = called
    client = _client(secretary)
    manage = reverse("meeting_manage", args=[society.slug, meeting.pk])
    assert "Open voting ahead" in text(client.get(manage))

    response = client.post(reverse("item_open_ahead", args=[society.slug, item.pk]),
                           follow=True)

    page = text(response)
    assert f"Members can now vote ahead on “{item.title}”, until" in page
    assert "Voting ahead: Open for voting, closing at" in page
    assert "Open voting ahead" not in page
    ahead = Ballot.objects.get(adds_to=item.ballot)
    # The paper voting forms for members who get post are the ahead ballot's papers.
    html = response.content.decode()
    papers = reverse("ballot_papers_pdf", args=[society.slug, ahead.pk])
    assert papers in html
    assert client.get(papers)["Content-Type"] == "application/pdf"
    # The member sees it on the meeting's page, votes, and then sees that they have.
    member_client = _client(voter.user)
    detail = reverse("meeting_detail", args=[society.slug, meeting.pk])
    page = text(member_client.get(detail))
    assert "Vote now, ahead of the meeting" in page
    assert f"“{item.title}”: vote ahead on “{item.title}” by" in page
    voting.cast_vote(ahead, voter, {options_of(ahead)["for"]: 1})
    assert f"“{item.title}”: you have voted ahead." in text(member_client.get(detail))


def test_the_page_says_why_voting_ahead_cannot_open(called, set_rules, secretary, society):
    meeting, item = called
    set_rules(allow_advance_votes=False)
    client = _client(secretary)
    assert "Open voting ahead" not in text(
        client.get(reverse("meeting_manage", args=[society.slug, meeting.pk])))
    response = client.post(reverse("item_open_ahead", args=[society.slug, item.pk]),
                           follow=True)
    assert "This co-op's rules do not allow voting ahead of a meeting." in text(response)
    assert not Ballot.objects.filter(adds_to=item.ballot).exists()


def test_a_member_cannot_open_voting_ahead(classes, make_members, called, society):
    meeting, item = called
    member = make_members(classes[0], 1)[0]
    response = _client(member.user).post(
        reverse("item_open_ahead", args=[society.slug, item.pk]))
    assert response.status_code == 403
    assert not Ballot.objects.filter(adds_to=item.ballot).exists()


def test_the_votes_cast_ahead_are_never_published_on_their_own(
        classes, make_members, called, secretary):
    make_members(classes[0], 2)
    meeting, item = called
    ahead = services.open_advance_voting(item, by=secretary)
    voting.close_ballot(ahead, by=secretary, reason="Test: closing early.")
    voting.certify_ballot(ahead, by=secretary)
    with pytest.raises(voting.VotingError, match="published only within the meeting's"):
        voting.publish_ballot(ahead, by=secretary)
    assert fresh(ahead).published_at is None


def test_at_the_meeting_a_member_who_voted_ahead_is_told_their_vote_counts(
        classes, make_members, called, secretary, chair, go_live, society):
    u = make_members(classes[0], 3)
    meeting, item = called
    ahead = services.open_advance_voting(item, by=secretary)
    voting.cast_vote(ahead, u[0], {options_of(ahead)["for"]: 1})
    go_live(meeting)
    for m in u:
        services.check_in(meeting, m)
    ballot = services.open_item_vote(fresh(item), by=chair)
    detail = reverse("meeting_detail", args=[society.slug, meeting.pk])

    page = text(_client(u[0].user).get(detail))
    assert f"“{item.title}”: you voted ahead of the meeting, and that vote is counted" in page
    assert reverse("ballot_detail", args=[society.slug, ballot.pk]) not in \
        _client(u[0].user).get(detail).content.decode()
    assert f"“{item.title}”: cast your vote" in text(_client(u[1].user).get(detail))


def test_the_notice_letter_carries_a_voting_form_whose_code_counts(
        classes, make_members, ahead_rules, call_meeting, secretary, society):
    poster = make_members(classes[0], 1, contact_by_post=True, full_name="Pat Post")[0]
    make_members(classes[0], 1)
    meeting, (item,) = call_meeting(resolutions=ORDINARY)
    ahead = services.open_advance_voting(fresh(item), by=secretary)
    deliveries = list(NoticeDelivery.objects.filter(meeting=meeting, method="post")
                      .select_related("member"))
    assert [d.member for d in deliveries] == [poster]

    pages = [joined(words) for words in letter_pages(notice.letters_document(meeting,
                                                                             deliveries))]
    code = secrecy.paper_code(ahead.pk, poster.pk)
    [form] = [page for page in pages if "Voting form:" in page]
    assert code in form and item.title in form
    assert "Pat Post" not in form and poster.postcode not in form  # it goes back nameless
    # Printing the letters, with their codes, is in the audit log.
    response = _client(secretary).get(reverse("meeting_letters_pdf",
                                              args=[society.slug, meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.get(action="meetings.voting_forms.printed").data == {
        "forms": 1, "large_print": False}
    # The scrutineer enters the returned form by its code, and it counts.
    voting.enter_paper_vote(ahead, code=code, choices={options_of(ahead)["for"]: 1},
                            by=secretary)
    assert RollEntry.objects.get(ballot=ahead, member=poster).has_voted


def test_votes_ahead_from_a_class_that_no_longer_votes_are_left_out_not_a_crash(
        classes, make_members, called, secretary, chair, go_live):
    """The room's vote counts the classes that vote when it opens; a class switched off after
    voting ahead opened has its votes ahead left out, as it would in the room."""
    users, carers, pas = classes
    u, p = make_members(users, 5), make_members(pas, 2)
    meeting, item = called
    ahead = services.open_advance_voting(item, by=secretary)
    a = options_of(ahead)
    for member in u[:3] + p:
        voting.cast_vote(ahead, member, {a["for"]: 1})
    go_live(meeting)
    for m in u[3:]:
        services.check_in(meeting, m)
    ballot = services.open_item_vote(fresh(item), by=chair)
    ballot.class_weights.filter(member_class=pas).delete()  # as if PAs no longer vote

    counted = {c.class_id: sum(c.counts.values()) for c in count_ballot(ballot)}

    assert counted.get(users.pk) == 3 and pas.pk not in counted
