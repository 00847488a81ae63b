"""The chair's panel, the tellers, elections and minutes through the test client: starting
the meeting, declared interests and withdrawals, a vote opened (never while inquorate),
counted on devices and by the tellers, closed and declared; nominations, the election and the
appointment of trustees; the minutes drafted from the record, edited, approved at the next
meeting and locked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import Officer
from meetings import elections, services
from meetings.models import Contest, Meeting, Minutes, Withdrawal
from membership.interests import services as interests
from tests.factories import MemberFactory, OfficerFactory
from tests.pages import PageCheckingClient, assert_field_error, text
from voting import services as voting
from voting.models import RoomCount


@pytest.fixture
def client(secretary):
    client = PageCheckingClient()
    client.force_login(secretary)
    return client


def url(name, society, *args):
    return reverse(name, args=[society.slug, *args])


def day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def go_live(meeting, by):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    meeting.refresh_from_db()
    return services.start_meeting(meeting, by=by)


@pytest.fixture
def room(society, classes):
    """Three users, two carers and a PA, by class."""
    users, carers, pas = classes
    return {"users": [MemberFactory(society=society, member_class=users) for _ in range(3)],
            "carers": [MemberFactory(society=society, member_class=carers) for _ in range(2)],
            "pas": [MemberFactory(society=society, member_class=pas)]}


@pytest.fixture
def meeting(society, secretary, room):
    """A called AGM with an ordinary resolution (item "Buy a minibus")."""
    meeting = services.create_meeting(society, by=secretary, kind="agm", place="Hall",
                                      starts_at=timezone.now() + timedelta(days=20))
    services.add_item(meeting, by=secretary, title="Buy a minibus",
                      description="That the co-op buys a minibus.", resolution_kind="ordinary")
    services.send_notice(meeting, by=secretary)
    return meeting


def resolution(meeting):
    return meeting.items.get(title="Buy a minibus")


def test_the_meeting_cannot_start_too_early(client, society, meeting):
    response = client.post(url("meeting_start", society, meeting.pk))
    assert response.status_code == 200
    assert "The meeting can start from an hour before its time." in text(response)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    response = client.post(url("meeting_start", society, meeting.pk), follow=True)
    assert "The meeting has started." in text(response) and "Happening now" in text(response)


def test_no_vote_opens_while_inquorate(client, society, secretary, meeting, room):
    go_live(meeting, secretary)
    services.check_in(meeting, room["users"][0], by=secretary)
    item = resolution(meeting)
    response = client.post(url("item_open_vote", society, item.pk))
    assert response.status_code == 200
    assert "The meeting is not quorate: 1 of the 2 needed are here. A vote cannot be opened." \
        in text(response)
    item.ballot.refresh_from_db()
    assert item.ballot.opened_at is None


def test_a_vote_in_the_room_from_opening_to_the_result(client, society, secretary, meeting,
                                                       room, classes):
    users, carers, pas = classes
    go_live(meeting, secretary)
    for member in room["users"][:2]:
        services.check_in(meeting, member, by=secretary)
    for member in room["carers"] + room["pas"]:
        services.check_in(meeting, member, by=secretary, by_hand=True)
    item = resolution(meeting)
    response = client.post(url("item_open_vote", society, item.pk), follow=True)
    assert "The vote on “Buy a minibus” is open: 5 on the roll." in text(response)
    assert "On the roll 5" in text(response)
    assert "At most 2 hands: the people in this class voting by hand" in text(response)
    ballot = item.ballot
    options = {o.code: o.pk for o in ballot.options.all()}
    voting.cast_vote(ballot, room["users"][0], {options["for"]: 1})
    assert "Voted on a device (or by proxy) 1" in text(
        client.get(url("meeting_run", society, meeting.pk)))

    def hands(**counts):
        return {f"tellers-{item.pk}-hands_{cls.pk}_{options[code]}": n
                for (cls, code), n in counts.items()}

    too_many = client.post(url("item_tellers", society, item.pk),
                           hands(**{}) | {f"tellers-{item.pk}-hands_{carers.pk}_"
                                          f"{options['for']}": 3})
    assert too_many.status_code == 200
    assert "The hands counted in one class (3) are more than the people voting by hand in " \
           "it (2). Count again." in text(too_many)
    assert not RoomCount.objects.exists()
    data = {f"tellers-{item.pk}-hands_{carers.pk}_{options['for']}": 1,
            f"tellers-{item.pk}-hands_{carers.pk}_{options['against']}": 1,
            f"tellers-{item.pk}-hands_{pas.pk}_{options['for']}": 1}
    response = client.post(url("item_tellers", society, item.pk), data, follow=True)
    assert "The hands counted on “Buy a minibus” are recorded." in text(response)
    assert "Hands counted by the tellers 3" in text(response)
    response = client.post(url("item_close_vote", society, item.pk), follow=True)
    assert "is closed. Declare the result" in text(response)
    response = client.post(url("item_declare", society, item.pk), follow=True)
    page = text(response)
    assert "is declared and published" in page
    # users 1 of 1 for (50%), carers 1 of 2 (25%), PAs 1 of 1 (25%): 87.5% for.
    assert "Carried : 87.5% for, weighted by class (needed: more than 50%)" in page
    assert "For 3" in page and "Against 1" in page
    html = response.content.decode()
    assert url("ballot_results", society, ballot.pk) in html
    assert url("meeting_screen", society, meeting.pk) in html


def test_a_teller_who_is_not_the_chair_counts_on_their_own_page(society, secretary, meeting,
                                                               room, classes, officer_for):
    scrutineer = PageCheckingClient()
    scrutineer.force_login(officer_for("scrutineer"))
    go_live(meeting, secretary)
    for member in room["users"]:
        services.check_in(meeting, member, by=secretary, by_hand=True)
    item = resolution(meeting)
    services.open_item_vote(item, by=secretary)
    assert scrutineer.get(url("meeting_run", society, meeting.pk)).status_code == 403
    dashboard = scrutineer.get(url("officer_dashboard", society)).content.decode()
    assert url("item_tellers", society, item.pk) in dashboard
    option = item.ballot.options.get(code="against")
    response = scrutineer.post(url("item_tellers", society, item.pk),
                               {f"tellers-{item.pk}-hands_{classes[0].pk}_{option.pk}": 2},
                               follow=True)
    assert response.redirect_chain[-1][0] == url("item_tellers", society, item.pk)
    assert "2 hands counted so far" in text(response)


def test_withdrawals_show_the_interests_of_people_present(client, society, secretary,
                                                          meeting, room):
    topic = interests.add_topic(society, name="Transport", by=secretary)
    driver = room["users"][0]
    interests.declare(society, driver.user, by=driver.user, topics=[topic],
                      interest_type="financial", description="My brother sells minibuses.")
    far_away = room["users"][1]
    interests.declare(society, far_away.user, by=far_away.user, topics=[topic],
                      interest_type="personal", description="I drive for another co-op.")
    item = resolution(meeting)
    item.topics.set([topic])
    go_live(meeting, secretary)
    for member in [driver, room["users"][2]]:
        services.check_in(meeting, member, by=secretary)
    page = text(client.get(url("meeting_run", society, meeting.pk)))
    assert f"{driver.full_name}: Transport: My brother sells minibuses." in page
    assert far_away.full_name not in page
    prefix = f"withdraw-{item.pk}"
    response = client.post(url("item_withdrawals", society, item.pk), {f"{prefix}-member": ""})
    assert_field_error(response, f"{prefix}-member", "Choose the member who withdrew.")
    response = client.post(url("item_withdrawals", society, item.pk), {
        f"{prefix}-member": driver.pk, f"{prefix}-reason": "Brother sells minibuses"},
        follow=True)
    assert f"{driver.full_name} withdrew from “Buy a minibus” and will not vote on it." in \
        text(response)
    assert f"Withdrew: {driver.full_name}: Brother sells minibuses" in text(response)
    assert Withdrawal.objects.get(item=item).member == driver


def test_elections_from_nominations_to_new_trustees(client, society, secretary, meeting, room,
                                                    classes):
    users = classes[0]
    type(users).objects.filter(pk=users.pk).update(board_seats=1)
    today = timezone.localdate()
    old = OfficerFactory(society=society, role="trustee", term_ends_on=today)
    response = client.post(url("meeting_elections", society, meeting.pk), {
        "nominations-close_date": day(2), "nominations-close_time": "17:00"}, follow=True)
    page = text(response)
    assert "Nominations are open for 1 class." in page
    assert f"{users.name}: 1 seat" in page and f"Retiring at this meeting {old.user}" in page
    contest = Contest.objects.get(meeting=meeting)
    candidate, seconder = room["users"][:2]
    nomination = elections.nominate(contest, proposer=candidate, candidate=candidate,
                                    statement="I will listen.")
    assert "Waiting for a seconder" in text(client.get(url("meeting_elections", society,
                                                           meeting.pk)))
    elections.second(nomination, seconder)
    Contest.objects.filter(pk=contest.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1))
    response = client.post(url("contest_start", society, contest.pk), {
        f"start-{contest.pk}-closes_date": day(1), f"start-{contest.pk}-closes_time": "12:00"},
        follow=True)
    assert f"the {users.name} candidates are elected unopposed" in text(response)
    too_soon = client.post(url("contest_appoint", society, contest.pk))
    assert "Trustees are appointed at the meeting." in text(too_soon)
    go_live(meeting, secretary)
    response = client.post(url("contest_appoint", society, contest.pk), follow=True)
    assert f"Appointed as trustees: {candidate.user}." in text(response)
    new = Officer.objects.get(society=society, user=candidate.user, role="trustee")
    assert new.term_ends_on.year == meeting.date.year + 3
    old.refresh_from_db()
    assert old.ended_on == meeting.date
    register = text(client.get(url("officers_register", society)))
    assert f"Current {new.term_ends_on:%-d %b %Y}" in register


def test_a_contested_election_needs_a_closing_time_in_the_future(client, society, secretary,
                                                                 meeting, room, classes):
    type(classes[0]).objects.filter(pk=classes[0].pk).update(board_seats=1)
    [contest] = elections.open_nominations(meeting, by=secretary,
                                           close_at=timezone.now() + timedelta(days=1))
    a, b, c = room["users"]
    for candidate, seconder in [(a, b), (b, c)]:
        elections.second(elections.nominate(contest, proposer=candidate, candidate=candidate),
                         seconder)
    Contest.objects.filter(pk=contest.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1))
    prefix = f"start-{contest.pk}"
    response = client.post(url("contest_start", society, contest.pk), {
        f"{prefix}-closes_date": day(-1), f"{prefix}-closes_time": "12:00"})
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode()
    response = client.post(url("contest_start", society, contest.pk), {
        f"{prefix}-closes_date": day(5), f"{prefix}-closes_time": "12:00"}, follow=True)
    assert "is open. Its members can vote now." in text(response)
    contest.refresh_from_db()
    assert contest.ballot.is_open
    assert url("ballot_manage", society, contest.ballot.pk) in response.content.decode()


def test_minutes_drafted_edited_approved_then_locked(client, society, secretary, meeting,
                                                     room):
    page = text(client.get(url("minutes_edit", society, meeting.pk)))
    assert "Minutes are drafted once the meeting has ended." in page
    go_live(meeting, secretary)
    services.check_in(meeting, room["users"][0], by=secretary)
    services.end_meeting(meeting, by=secretary)
    assert "Draft the minutes from the record" in text(
        client.get(url("minutes_edit", society, meeting.pk)))
    response = client.post(url("minutes_edit", society, meeting.pk), {"action": "draft"},
                           follow=True)
    assert "The minutes are drafted from the record." in text(response)
    assert "Minutes of the annual general meeting of Mutual Support" in text(response)
    empty = client.post(url("minutes_edit", society, meeting.pk), {"action": "save",
                                                                   "text": ""})
    assert_field_error(empty, "text", "The minutes cannot be empty.")
    client.post(url("minutes_edit", society, meeting.pk), {
        "action": "save", "text": "The members agreed to buy a minibus."})
    assert Minutes.objects.get(meeting=meeting).text == "The members agreed to buy a minibus.\n"

    later = services.create_meeting(society, by=secretary, kind="general", place="Hall",
                                    starts_at=timezone.now() + timedelta(days=20))
    services.send_notice(later, by=secretary)
    go_live(later, secretary)
    run = client.get(url("meeting_run", society, later.pk))
    assert f"The minutes of {meeting.title} are waiting for this meeting to approve them" in \
        text(run)
    minutes = Minutes.objects.get(meeting=meeting)
    response = client.post(url("minutes_approve", society, later.pk),
                           {"minutes": minutes.pk}, follow=True)
    assert "The minutes are approved and now locked." in text(response)
    locked = client.get(url("minutes_edit", society, meeting.pk))
    assert f"at {later.title}. Approved minutes are locked" in text(locked)
    assert "<textarea" not in locked.content.decode()
    refused = client.post(url("minutes_edit", society, meeting.pk), {
        "action": "save", "text": "Rewritten."})
    assert "These minutes were approved and are locked." in text(refused)
    again = client.post(url("minutes_approve", society, later.pk))
    assert "There are no minutes waiting for approval." in text(again)
