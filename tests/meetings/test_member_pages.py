"""The member's meeting pages: the notice, check-in, apologies, proxies (appointing,
cancelling, voting as a proxy), the results screen, nominations, minutes, requisitions, and
who may see and do what."""

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import elections, minutes, selectors, services
from meetings.models import Attendance, Meeting, Nomination, Proxy, Requisition
from tests.factories import MemberFactory, OfficerFactory, UserFactory
from tests.pages import PageCheckingClient, assert_field_error, text
from voting import services as voting
from voting.models import RollEntry

RESOLUTION = "That rule 5 is changed so that meetings may be held online."


@pytest.fixture
def client_for():
    def make(user):
        client = PageCheckingClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def classes(society):
    return list(society.member_classes.order_by("position"))


@pytest.fixture
def people(society, classes):
    """Two service users, a carer and a PA."""
    users, carers, pas = classes
    return [MemberFactory(society=society, member_class=c, full_name=n) for c, n in
            [(users, "Ada Users"), (users, "Bea Users"), (carers, "Cy Carer"), (pas, "Di Pa")]]


def call_meeting(society, by, *, days=20, resolution=True, **fields):
    meeting = services.create_meeting(
        society, by=by, kind=fields.pop("kind", "agm"),
        starts_at=timezone.now() + timedelta(days=days),
        place=fields.pop("place", "Community hall, 1 Mill Lane"),
        access_notes="Step-free entrance and a hearing loop.", **fields)
    if resolution:
        services.add_item(meeting, by=by, title="Change rule 5", description=RESOLUTION,
                          resolution_kind="special")
    services.send_notice(meeting, by=by)
    return meeting


def go_live(meeting, by):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    meeting.refresh_from_db()
    return services.start_meeting(meeting, by=by)


def resolution_of(meeting):
    return meeting.items.get(ballot__isnull=False)


def url(name, meeting, *more):
    return reverse(name, args=[meeting.society.slug, meeting.pk, *more])


@pytest.fixture
def meeting(society, secretary, people):
    return call_meeting(society, secretary)


# --- the notice ----------------------------------------------------------------------------------

def test_detail_shows_the_notice_and_proxy_deadline(client_for, meeting, people):
    page = client_for(people[0].user).get(url("meeting_detail", meeting))
    words = text(page)
    deadline = selectors.proxy_deadline(meeting)
    assert page.status_code == 200
    assert "Annual general meeting of Mutual Support" in words
    local = meeting.starts_at.astimezone(timezone.get_current_timezone())
    assert f"{local:%-I:%M} {'a.m.' if local.hour < 12 else 'p.m.'}" in words  # "7:44 p.m."
    assert "Community hall, 1 Mill Lane" in words and "Step-free entrance" in words
    business = words.index("The business of the meeting")
    order = [words.index(t, business) for t in ("Apologies for absence",
                                                  "Declarations of interest", "Accounts",
                                                  "Election of trustees", "Change rule 5")]
    assert order == sorted(order)
    assert "Special resolution" in words and RESOLUTION in words
    assert "passes with at least 75% of the votes cast for and against" in words
    assert f"by the end of {deadline:%A} {deadline.day} {deadline:%B %Y}" in words
    assert url("meeting_proxy", meeting) in page.content.decode()
    ics = client_for(people[0].user).get(url("meeting_ics", meeting))
    assert ics["Content-Type"].startswith("text/calendar")
    assert "attachment" in ics["Content-Disposition"] and b"BEGIN:VCALENDAR" in ics.content


def test_draft_meeting_is_not_found_for_members_but_seen_by_the_board(
        client_for, society, secretary, people):
    draft = services.create_meeting(society, by=secretary, kind="general", place="Hall",
                                    starts_at=timezone.now() + timedelta(days=30))
    member = client_for(people[0].user)
    assert member.get(url("meeting_detail", draft)).status_code == 404
    assert draft.title not in text(member.get(reverse("meetings_list", args=[society.slug])))
    board = client_for(secretary)
    assert "being prepared" in text(board.get(url("meeting_detail", draft)))
    listing = board.get(reverse("meetings_list", args=[society.slug])).content.decode()
    assert url("meeting_manage", draft) in listing and draft.title in listing


# --- check-in and apologies ----------------------------------------------------------------------

def test_check_in_is_refused_before_the_start_with_a_clear_message(client_for, meeting, people):
    client = client_for(people[0].user)
    page = client.get(url("meeting_check_in", meeting))
    assert "You can check in once the meeting has started" in text(page)
    assert 'name="where"' not in page.content.decode()
    refused = client.post(url("meeting_check_in", meeting), {"where": "room", "how": "device"})
    assert refused.status_code == 200
    assert "There is a problem" in text(refused)
    assert "You can check in once the meeting has started." in text(refused)
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_check_in_while_live_records_where_and_how(client_for, meeting, people, secretary):
    go_live(meeting, secretary)
    client = client_for(people[0].user)
    form = text(client.get(url("meeting_check_in", meeting)))
    assert "I am in the room" in form and "I am online" not in form  # no link to join
    missing = client.post(url("meeting_check_in", meeting), {"where": "room"})
    assert_field_error(missing, "how", "Say how you will vote.")
    done = client.post(url("meeting_check_in", meeting), {"where": "room", "how": "hand"},
                       follow=True)
    assert "You are checked in" in text(done) and "show of hands" in text(done)
    attendance = Attendance.objects.get(meeting=meeting, member=people[0])
    assert attendance.votes_by_hand and not attendance.online and attendance.marked_by is None
    again = client.post(url("meeting_check_in", meeting), {"where": "room", "how": "device"})
    assert "You are checked in" in text(again)


def test_apologies_are_sent_once(client_for, meeting, people):
    client = client_for(people[1].user)
    assert client.get(url("meeting_apologies", meeting)).status_code == 405
    sent = client.post(url("meeting_apologies", meeting), follow=True)
    assert "Your apologies have been sent" in text(sent)
    assert "You have sent your apologies" in text(sent)
    twice = client.post(url("meeting_apologies", meeting), follow=True)
    assert "Apologies have already been recorded." in text(twice)


# --- proxies -------------------------------------------------------------------------------------

def test_proxy_form_appoints_with_directions(client_for, meeting, people):
    ada, bea = people[0], people[1]
    item = resolution_of(meeting)
    client = client_for(ada.user)
    form = client.get(url("meeting_proxy", meeting))
    html = form.content.decode()
    assert "Let my proxy decide" in text(form) and RESOLUTION in text(form)
    assert f'value="{ada.pk}"' not in html and f'value="{bea.pk}"' in html
    done = client.post(url("meeting_proxy", meeting),
                       {"holder": bea.pk, f"item_{item.pk}": "against"}, follow=True)
    assert "Bea Users is now your proxy" in text(done)
    assert "Your proxy is Bea Users" in text(done) and "“Change rule 5”: Vote against" in text(done)
    proxy = Proxy.objects.get(meeting=meeting, appointer=ada, revoked_at__isnull=True)
    assert proxy.holder == bea and proxy.instructions.get().direction == "against"
    changed = client.get(url("meeting_proxy", meeting))
    assert re.search(r'value="against"[^>]*checked|checked[^>]*value="against"',
                     changed.content.decode())


def test_proxy_form_errors_are_shown_next_to_the_holder(client_for, society, meeting, people):
    ada, bea, cy = people[0], people[1], people[2]
    item = f"item_{resolution_of(meeting).pk}"
    client = client_for(ada.user)
    mine = client.post(url("meeting_proxy", meeting), {"holder": ada.pk, item: "proxy"})
    assert_field_error(mine, "holder", "other than yourself")
    society.max_proxies_per_holder = 1
    society.save()
    services.appoint_proxy(meeting, cy, bea)
    full = client.post(url("meeting_proxy", meeting), {"holder": bea.pk, item: "proxy"})
    assert_field_error(full, "holder", "Bea Users already holds 1 proxies")
    assert not Proxy.objects.filter(appointer=ada).exists()


def test_proxy_after_the_deadline_is_refused(client_for, meeting, people):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + timedelta(days=1))
    meeting.refresh_from_db()
    client = client_for(people[0].user)
    assert "You cannot appoint a proxy for this meeting now" in text(
        client.get(url("meeting_proxy", meeting)))
    late = client.post(url("meeting_proxy", meeting),
                       {"holder": people[1].pk, f"item_{resolution_of(meeting).pk}": "proxy"})
    assert "The deadline for appointing a proxy was the end of" in text(late)
    assert "There is a problem" in text(late)
    assert not Proxy.objects.exists()


def test_revoking_a_proxy(client_for, meeting, people):
    services.appoint_proxy(meeting, people[0], people[1])
    client = client_for(people[0].user)
    assert client.get(url("meeting_proxy_revoke", meeting)).status_code == 405
    done = client.post(url("meeting_proxy_revoke", meeting), follow=True)
    assert "Your proxy (Bea Users) is cancelled" in text(done)
    assert Proxy.objects.get().revoked_at is not None
    assert "Appoint a proxy" in text(done)


def test_a_holder_votes_for_undirected_proxies_and_sees_receipts_once(
        client_for, meeting, people, secretary):
    ada, bea, cy, di = people
    item = resolution_of(meeting)
    services.appoint_proxy(meeting, bea, ada)  # undirected
    services.appoint_proxy(meeting, cy, ada, instructions={item.pk: "for"})  # directed
    go_live(meeting, secretary)
    services.check_in(meeting, ada, by=secretary)
    services.check_in(meeting, di, by=secretary)
    ballot = services.open_item_vote(item, by=secretary)
    client = client_for(ada.user)
    detail = client.get(url("meeting_detail", meeting))
    assert "vote for the 1 member whose proxy you hold" in text(detail)
    assert reverse("ballot_detail", args=[meeting.society.slug, ballot.pk]) in \
        detail.content.decode()
    page = client.get(url("meeting_proxy_votes", meeting, item.pk))
    assert "Vote for Bea Users" in text(page) and "Vote for Cy Carer" not in text(page)
    empty = client.post(url("meeting_proxy_votes", meeting, item.pk), {})
    assert "Choose how to vote for at least one member." in text(empty)
    against = ballot.options.get(code="against").pk
    cast = client.post(url("meeting_proxy_votes", meeting, item.pk),
                       {f"for_{bea.pk}": against}, follow=True)
    words = text(cast)
    assert "Votes cast for 1 member" in words and "Receipt code" in words
    assert re.search(r"Bea Users [A-Z0-9-]{8,}", words)
    assert RollEntry.objects.get(ballot=ballot, member=bea).has_voted
    again = text(client.get(url("meeting_proxy_votes", meeting, item.pk)))
    assert "Receipt code" not in again and "nobody left for you to vote for" in again


# --- the screen in the room ----------------------------------------------------------------------

def test_screen_shows_weighted_percentages_and_hands(client_for, meeting, people, secretary):
    ada, bea, cy, di = people
    item = resolution_of(meeting)
    go_live(meeting, secretary)
    services.check_in(meeting, ada, by=secretary)
    services.check_in(meeting, cy, by=secretary)
    services.check_in(meeting, di, by=secretary, by_hand=True)
    client = client_for(bea.user)
    assert "No vote has been taken yet" in text(client.get(url("meeting_screen", meeting)))
    ballot = services.open_item_vote(item, by=secretary)
    options = {o.code: o.pk for o in ballot.options.all()}
    voting.cast_vote(ballot, ada, {options["for"]: 1})
    voting.cast_vote(ballot, cy, {options["against"]: 1})
    services.enter_teller_counts(item, {di.member_class_id: {options["for"]: 1}},
                                 by=secretary)
    page = client_for(secretary).get(url("meeting_screen", meeting))
    words = text(page)
    # The officers running the vote see the count. Users 50% all for, carers 25% all
    # against, PAs 25% all for (one hand).
    assert "75.0% For" in words and "25.0% Against" in words
    assert "For 2 1 75.0%" in words and "Against 1 0 25.0%" in words
    assert "Quorate: 3 counted of 2 needed" in words and "Refresh" in words
    assert "meetings-screen.js" in page.content.decode()
    # One vote in each class: the figures would say how each of them voted, so members see
    # only how many have voted (voting.disclosure).
    words = text(client.get(url("meeting_screen", meeting)))
    assert "Hidden to keep a small group's votes secret" in words and "75.0%" not in words
    assert "3 of the" in words
    services.close_item_vote(item, by=secretary)
    closed = text(client.get(url("meeting_screen", meeting)))
    assert "The chair will declare the result" in closed and "75.0%" not in closed
    services.declare_result(item, by=secretary)
    declared = text(client.get(url("meeting_screen", meeting)))
    assert "The resolution is carried." in declared and "75.0%" not in declared
    assert "75.0% For" in text(client_for(secretary).get(url("meeting_screen", meeting)))


# --- nominations ---------------------------------------------------------------------------------

def test_nominate_second_accept_and_withdraw(client_for, society, meeting, people, classes,
                                             secretary):
    ada, bea, cy, di = people
    classes[0].board_seats = 2
    classes[0].save()
    contest = elections.open_nominations(meeting, by=secretary,
                                         close_at=timezone.now() + timedelta(days=5))[0]
    eve = MemberFactory(society=society, member_class=classes[0], full_name="Eve Users")
    new = reverse("nomination_new", args=[society.slug, meeting.pk, contest.pk])
    mine = client_for(ada.user).post(new, {"who": "self", "statement": "I use care daily."},
                                     follow=True)
    assert "Ada Users is nominated" in text(mine)
    other = client_for(bea.user).post(new, {"who": "other", "statement": ""})
    assert_field_error(other, "candidate", "Choose the member you are nominating.")
    wrong_class = client_for(di.user).post(new, {"candidate": cy.pk})
    assert_field_error(wrong_class, "candidate", "Choose a current member of the Service user")
    client_for(bea.user).post(new, {"who": "other", "candidate": eve.pk})
    ada_nom = Nomination.objects.get(candidate=ada)
    eve_nom = Nomination.objects.get(candidate=eve)
    page = text(client_for(cy.user).get(url("meeting_nominations", meeting)))
    assert "Service user: 2 seats" in page and "No valid nominations yet" in page
    assert "Needs a seconder" in page and "has not agreed to stand yet" in page
    second = reverse("nomination_second", args=[society.slug, ada_nom.pk])
    assert client_for(cy.user).get(second).status_code == 405
    seconded = client_for(cy.user).post(second, follow=True)
    assert "You have seconded the nomination of Ada Users" in text(seconded)
    assert "I use care daily." in text(seconded)
    accept = reverse("nomination_accept", args=[society.slug, eve_nom.pk])
    assert client_for(bea.user).get(accept).status_code == 403
    blank = client_for(eve.user).post(accept, {"statement": ""})
    assert_field_error(blank, "statement", "Write your statement.")
    client_for(eve.user).post(accept, {"statement": "I want better rotas."})
    eve_nom.refresh_from_db()
    assert eve_nom.accepted_at and eve_nom.statement == "I want better rotas."
    withdrawn = client_for(eve.user).post(
        reverse("nomination_withdraw", args=[society.slug, eve_nom.pk]), follow=True)
    assert "The nomination of Eve Users is withdrawn" in text(withdrawn)
    assert "Eve Users" not in text(client_for(cy.user).get(url("meeting_nominations", meeting)))


# --- requisitions --------------------------------------------------------------------------------

def test_a_requisition_reaching_its_threshold(client_for, society, people, secretary,
                                              django_capture_on_commit_callbacks):
    society.requisition_percent = 50  # of the four members
    society.save()
    listing = reverse("requisitions", args=[society.slug])
    short = client_for(people[0].user).post(reverse("requisition_new", args=[society.slug]),
                                            {"purpose": "Rotas"})
    assert_field_error(short, "purpose", "Say what the meeting is for")
    started = client_for(people[0].user).post(
        reverse("requisition_new", args=[society.slug]),
        {"purpose": "To decide whether to raise PA pay this year."}, follow=True)
    assert "It needs 2 members in all" in text(started)
    assert "Supported by 1 of the 2 members needed" in text(started)
    requisition = Requisition.objects.get()
    support = reverse("requisition_support", args=[society.slug, requisition.pk])
    assert client_for(people[1].user).get(support).status_code == 405
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client_for(people[1].user).post(support, follow=True)
    assert "Enough members now support it" in text(done) and "2 of the 2" in text(done)
    assert "Enough support" in text(done) and "You support this" in text(done)
    assert [m.to for m in mail.outbox] == [[secretary.email]]
    twice = client_for(people[1].user).post(support, follow=True)
    assert "You already support this requisition." in text(twice)
    assert listing == done.redirect_chain[-1][0]


# --- minutes -------------------------------------------------------------------------------------

def test_minutes_are_shown_to_members_only_once_approved(client_for, society, meeting, people,
                                                         secretary):
    go_live(meeting, secretary)
    services.end_meeting(meeting, by=secretary)
    draft = minutes.draft_minutes(meeting, by=secretary)
    member = client_for(people[0].user)
    hidden = text(member.get(url("meeting_minutes", meeting)))
    assert "published here once a later general meeting has approved them" in hidden
    assert "Attendance and quorum" not in hidden
    assert member.get(url("meeting_minutes_pdf", meeting)).status_code == 404
    board = text(client_for(secretary).get(url("meeting_minutes", meeting)))
    assert "Draft" in board and "Attendance and quorum" in board
    later = call_meeting(society, secretary, resolution=False)
    go_live(later, secretary)
    minutes.approve_minutes(draft, at_meeting=later, by=secretary)
    shown = member.get(url("meeting_minutes", meeting))
    assert "Attendance and quorum" in text(shown) and "Draft" not in text(shown)
    assert f"Approved at {later.title}" in text(shown)
    assert url("meeting_minutes", meeting) in member.get(url("meeting_detail", meeting)) \
        .content.decode()
    pdf = member.get(url("meeting_minutes_pdf", meeting))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


# --- who may see and do what ---------------------------------------------------------------------

def test_another_societys_meeting_is_not_found_and_outsiders_are_refused(
        client_for, society, other_society, meeting, people):
    theirs = call_meeting(other_society, OfficerFactory(society=other_society).user)
    client = client_for(people[0].user)
    for name in ("meeting_detail", "meeting_screen", "meeting_minutes", "meeting_proxy"):
        assert client.get(reverse(name, args=[society.slug, theirs.pk])).status_code == 404
    assert client.get(url("meeting_detail", theirs)).status_code == 403
    outsider = client_for(UserFactory())
    for path in (reverse("meetings_list", args=[society.slug]), url("meeting_detail", meeting),
                 url("meeting_check_in", meeting), reverse("requisitions", args=[society.slug])):
        assert outsider.get(path).status_code == 403


def test_officers_who_are_not_members_may_read_but_not_act(client_for, society, people):
    year_end = timezone.localdate() - relativedelta(months=5)  # so the AGM is due in ~a month
    society.financial_year_end_month, society.financial_year_end_day = year_end.month, 28
    society.save()
    member = text(client_for(people[0].user).get(reverse("meetings_list", args=[society.slug])))
    treasurer = client_for(OfficerFactory(society=society, role="treasurer").user)
    warned = text(treasurer.get(reverse("meetings_list", args=[society.slug])))
    assert "The annual general meeting is due by" in warned and "due by" not in member
    meeting = call_meeting(society, OfficerFactory(society=society).user)
    for name in ("meeting_detail", "meeting_screen", "meeting_minutes"):
        assert treasurer.get(url(name, meeting)).status_code == 200
    assert treasurer.get(url("meeting_check_in", meeting)).status_code == 403
    assert treasurer.post(url("meeting_apologies", meeting)).status_code == 403
    former = MemberFactory(society=society, ceased_on=timezone.localdate(),
                           cessation_reason="resigned")
    assert client_for(former.user).get(url("meeting_detail", meeting)).status_code == 403


@pytest.mark.parametrize("count", [1, 20])
def test_meetings_list_queries_do_not_grow(client_for, society, secretary, people, count,
                                           django_assert_max_num_queries):
    for _ in range(count):
        call_meeting(society, secretary, resolution=False)
    services.appoint_proxy(Meeting.objects.first(), people[0], people[1])
    for user, most in ((people[0].user, 10), (secretary, 9)):
        client = client_for(user)
        with django_assert_max_num_queries(most):
            page = client.get(reverse("meetings_list", args=[society.slug]))
        cards = re.findall(r'<h3><a href="/s/mutual/meetings/\d+/">', page.content.decode())
        assert page.status_code == 200 and len(cards) == count
    assert "Your proxy: Bea Users" in text(client_for(people[0].user).get(
        reverse("meetings_list", args=[society.slug])))
