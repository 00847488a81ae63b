"""The demo's general meetings: what a visitor signing in as a demo login can do with them.

The demo is seeded once for the module (it takes seconds) inside a transaction rolled back
at the end; each test runs in its own savepoint, so what one test does is undone for the
next."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coop import demo
from coop.models import Officer, Society, User
from coop.notify import emails_muted
from meetings import demo as meetings_demo
from meetings import elections, minutes, selectors, services
from meetings.enums import MeetingKind, MeetingState
from meetings.models import Attendance, Contest, Meeting, Minutes, Proxy, Requisition
from voting import services as voting
from voting.enums import BallotState
from voting.models import RoomCount, Vote
from voting.selectors import results

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo on an empty database, once for the module."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            assert not Society.objects.exists()
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield Society.objects.get(slug=demo.DEMO_SLUG)
            transaction.set_rollback(True)


@pytest.fixture
def society(seeded, db):
    return seeded


def member(society, email):
    return society.members.get(user__email=email)


def meetings(society):
    """Last year's AGM, this year's (live) AGM and next month's general meeting."""
    last, live, later = Meeting.objects.filter(society=society).order_by("starts_at")
    return last, live, later


def resolution(meeting, title_start):
    return meeting.items.get(title__startswith=title_start)


# --- last year's AGM -------------------------------------------------------------------------

def test_last_agm_was_held_about_eleven_months_ago_with_valid_notice(society):
    last, _, _ = meetings(society)

    assert last.kind == MeetingKind.AGM and last.state == MeetingState.ENDED
    assert 300 <= (timezone.localdate() - last.date).days <= 366
    services.check_notice_period(last, sent_on=timezone.localdate(last.notice_sent_at))
    assert last.notice_sent_at < last.started_at < last.ended_at
    assert last.deliveries.exists()
    assert last.apologies.count() >= 1
    assert Proxy.objects.filter(meeting=last, revoked_at__isnull=True).count() == 1


def test_last_agm_approved_the_accounts_by_devices_proxy_and_hands(society):
    last, _, _ = meetings(society)
    accounts = resolution(last, "Approve the accounts")

    ballot = accounts.ballot
    assert ballot.state == BallotState.PUBLISHED
    assert ballot.resolution_kind == "ordinary"
    result = results(ballot)
    assert result.outcome.passed
    assert Vote.objects.filter(ballot=ballot).count() > 1  # devices and the directed proxy
    assert RoomCount.objects.filter(ballot=ballot).exists()  # the tellers' hands
    assert timezone.localdate(ballot.opened_at) == last.date


def test_last_agm_elected_each_class_and_the_trustees_have_terms(society):
    last, _, _ = meetings(society)
    contests = list(Contest.objects.filter(meeting=last).order_by("member_class__position"))

    assert [c.seats for c in contests] == [3, 2, 2]
    stv = [c for c in contests if c.ballot_id]
    unopposed = [c for c in contests if c.unopposed_at]
    assert stv and unopposed
    assert stv[0].ballot.certified_at is not None
    assert stv[0].ballot.state == BallotState.PUBLISHED
    for contest in contests:
        assert contest.appointed_at is not None
        elected = contest.nominations.filter(elected=True)
        assert elected.count() == contest.seats
        for nomination in elected:
            officer = Officer.objects.get(society=society, user=nomination.candidate.user,
                                          role="trustee", ended_on__isnull=True)
            assert officer.started_on == last.date
            assert officer.term_ends_on == last.date + relativedelta(years=3)
    assert stv[0].ballot.options.count() > stv[0].seats  # a real contest


def test_last_agm_minutes_are_drafted_and_wait_for_approval_at_the_live_agm(society):
    last, live, _ = meetings(society)
    secretary = User.objects.get(email="secretary@demo.coop")

    waiting = minutes.minutes_to_approve(live)
    assert waiting == last.minutes
    assert not waiting.is_locked
    assert "Approve the accounts" in waiting.text and "carried" in waiting.text
    assert "elected unopposed" in waiting.text and "Elected:" in waiting.text

    approved = minutes.approve_minutes(waiting, at_meeting=live, by=secretary)

    assert approved.is_locked and approved.approved_at_meeting == live


# --- this year's AGM, happening now ----------------------------------------------------------

def test_live_agm_started_minutes_ago_with_sixteen_days_notice_and_is_quorate(society):
    _, live, _ = meetings(society)

    assert live.state == MeetingState.LIVE
    assert timezone.now() - timedelta(hours=1) < live.started_at < timezone.now()
    assert (timezone.localdate() - timezone.localdate(live.notice_sent_at)).days == 16
    assert live.deliveries.count() >= society.members.current().count()
    quorum = selectors.quorum(live)
    assert quorum.is_quorate and quorum.present >= 10 and quorum.proxies == 2
    attendance = Attendance.objects.filter(meeting=live)
    assert attendance.filter(online=True).exists()
    assert attendance.filter(marked_by__isnull=False).exists()  # marked at the door
    assert attendance.filter(marked_by__isnull=True).exists()  # checked in themselves
    assert live.apologies.count() >= 2


def test_live_agm_has_special_resolution_open_with_votes_and_hands(society):
    _, live, _ = meetings(society)
    special = resolution(live, "Change the rules to allow hybrid board meetings")
    ordinary = live.items.filter(ballot__isnull=False).exclude(pk=special.pk).get()

    assert special.ballot.resolution_kind == "special"
    assert special.ballot.state == BallotState.OPEN
    assert results(special.ballot).voted > 0
    assert RoomCount.objects.filter(ballot=special.ballot).exists()
    assert ordinary.ballot.state == BallotState.DRAFT  # not opened yet
    assert ordinary.withdrawals.filter(member__user__email="trustee1@demo.coop").exists()


def test_live_agm_chair_can_close_and_declare_the_special_resolution(society):
    _, live, _ = meetings(society)
    special = resolution(live, "Change the rules to allow hybrid board meetings")
    chair = User.objects.get(email="trustee1@demo.coop")

    services.close_item_vote(special, by=chair)
    ballot = services.declare_result(special, by=chair)

    assert ballot.state == BallotState.PUBLISHED
    assert ballot.threshold_percent == society.special_resolution_percent
    assert results(ballot).outcome.passed is not None


def test_live_agm_demo_member_can_check_in_and_carer_can_vote_their_proxy(society):
    _, live, _ = meetings(society)
    special = resolution(live, "Change the rules to allow hybrid board meetings")
    carer = member(society, "carer@demo.coop")
    present = set(Attendance.objects.filter(meeting=live).values_list("member__user__email",
                                                                       flat=True))
    assert {"user@demo.coop", "pa@demo.coop"}.isdisjoint(present)
    assert "carer@demo.coop" in present

    services.check_in(live, member(society, "pa@demo.coop"), online=True)
    [appointer] = selectors.room(special).undirected_by_holder[carer.pk]
    absent = society.members.get(pk=appointer)
    for_option = special.ballot.options.get(code="for")
    receipt = services.cast_proxy_vote(special, carer, absent, {for_option.pk: 1})

    assert receipt
    assert selectors.quorum(live).present == len(present) + 1
    assert voting.roll_entry_for(special.ballot, carer).has_voted is False  # their own vote


def test_live_agm_election_open_for_service_users_others_unopposed_or_pending(society):
    _, live, _ = meetings(society)
    users, carers, pas = Contest.objects.filter(meeting=live).order_by(
        "member_class__position")

    assert users.ballot.state == BallotState.OPEN
    assert users.ballot.options.count() > users.seats
    for email in ("user@demo.coop", "trustee1@demo.coop"):
        entry = voting.roll_entry_for(users.ballot, member(society, email))
        assert entry is not None and not entry.has_voted
    assert results(users.ballot).voted > 0
    assert carers.unopposed_at and carers.appointed_at is None
    assert pas.ballot_id is None and pas.unopposed_at is None
    assert len(elections.valid_nominations(pas)) > pas.seats
    assert pas.nominations.filter(seconded_at__isnull=True).exists()  # one not seconded
    assert all(c.nominations_close_at < timezone.now() for c in (users, carers, pas))

    ranked = {o.pk: rank for rank, o in enumerate(users.ballot.options.all()[:2], 1)}
    assert voting.cast_vote(users.ballot, member(society, "user@demo.coop"), ranked)


# --- next month's meeting, a requisition, a new AGM --------------------------------------------

def test_general_meeting_next_month_takes_proxies_and_demo_logins_have_none(society):
    _, _, later = meetings(society)
    user, carer = member(society, "user@demo.coop"), member(society, "carer@demo.coop")

    assert later.kind == MeetingKind.GENERAL and later.state == MeetingState.CALLED
    assert 30 <= (later.date - timezone.localdate()).days <= 34
    assert timezone.localdate(later.notice_sent_at) == timezone.localdate()
    assert selectors.proxy_deadline(later) > timezone.localdate()
    assert later.items.filter(ballot__resolution_kind="ordinary").exists()
    logins = [e for _, e in demo.LOGINS]
    assert not Proxy.objects.filter(meeting=later, appointer__user__email__in=logins).exists()
    assert Proxy.objects.filter(meeting=later).exists()

    proxy = services.appoint_proxy(later, user, carer)

    assert selectors.proxy_of(later, user) == proxy


def test_requisition_has_support_below_its_threshold(society):
    [requisition] = Requisition.objects.filter(society=society)

    assert 1 < requisition.supporters.count() < requisition.supporters_needed
    assert requisition.reached_at is None


def test_secretary_can_call_a_new_agm_seventeen_days_ahead_with_valid_notice(society):
    """Some demo members get letters, which count as delivered 48 hours after posting."""
    secretary = User.objects.get(email="secretary@demo.coop")
    meeting = services.create_meeting(
        society, by=secretary, kind=MeetingKind.AGM,
        starts_at=timezone.now() + timedelta(days=17), place="Mill Lane Community Centre")

    services.check_notice_period(meeting)
    with emails_muted():
        sent = services.send_notice(meeting, by=secretary)

    assert sent == society.members.current().count()


def test_demo_logins_still_sign_in_and_seeding_again_changes_nothing(society, settings,
                                                                     client):
    settings.PASSWORD_HASHERS = FAST_HASHER
    for _, email in demo.LOGINS:
        user = User.objects.get(email=email)
        assert user.check_password(demo.DEMO_PASSWORD), email
        response = client.post("/accounts/login/", {"login": email,
                                                    "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302 and "/accounts/" not in response.url, email
        client.logout()
    before = Meeting.objects.count(), Vote.objects.count(), Minutes.objects.count()
    users = {u.email: u for u in User.objects.filter(email__in=[e for _, e in demo.LOGINS])}

    assert meetings_demo.seed(society, users=users) is False
    assert (Meeting.objects.count(), Vote.objects.count(), Minutes.objects.count()) == before


def test_demo_meeting_pages_open_for_the_secretary_and_a_member(society, client):
    last, live, later = meetings(society)
    slug = society.slug
    special = resolution(live, "Change the rules to allow hybrid board meetings")
    carer = User.objects.get(email="carer@demo.coop")
    pages = {
        "secretary@demo.coop": [
            reverse("meetings_list", args=[slug]),
            *[reverse(name, args=[slug, m.pk]) for m in (last, live, later)
              for name in ("meeting_detail", "meeting_manage", "meeting_deliveries")],
            reverse("meeting_run", args=[slug, live.pk]),
            reverse("meeting_attendance", args=[slug, live.pk]),
            reverse("meeting_elections", args=[slug, live.pk]),
            reverse("minutes_edit", args=[slug, last.pk]),
            reverse("meeting_minutes", args=[slug, last.pk]),
            reverse("requisitions", args=[slug]),
        ],
        "user@demo.coop": [
            reverse("meetings_list", args=[slug]),
            reverse("meeting_detail", args=[slug, live.pk]),
            reverse("meeting_check_in", args=[slug, live.pk]),
            reverse("meeting_screen", args=[slug, live.pk]),
            reverse("meeting_nominations", args=[slug, live.pk]),
            reverse("meeting_proxy", args=[slug, later.pk]),
            reverse("requisitions", args=[slug]),
        ],
        carer.email: [reverse("meeting_proxy_votes", args=[slug, live.pk, special.pk])],
    }
    for email, paths in pages.items():
        client.force_login(User.objects.get(email=email))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (email, path)
    assert "Vote for" in response.content.decode()  # the carer's undirected proxy
