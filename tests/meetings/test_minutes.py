"""Minutes: a draft built from the meeting's record (attendance and quorum, apologies,
declarations and withdrawals, each resolution with its result, the election results), edited
by the secretary, approved at a later meeting while it is happening, and then locked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coop.enums import OfficerRole
from meetings import elections, minutes, services
from meetings.models import Contest, Meeting, Minutes
from meetings.services import MeetingError
from membership.models import MemberClass
from tests.factories import MemberFactory, OfficerFactory
from voting import services as voting
from voting.models import Ballot

from .conftest import days_ahead, fresh, options_of


@pytest.fixture
def people(society, classes):
    users, carers, pas = classes
    names = {users: "Ann Bea Cal Dee Eve Fay", carers: "Cat Dan Ed", pas: "Pat Quin Rae"}
    return {name: MemberFactory(society=society, member_class=cls, full_name=name)
            for cls, line in names.items() for name in line.split()}


@pytest.fixture
def held(society, classes, people, called_meeting, go_live, chair, secretary, officer_for):
    """An AGM that happened: apologies from Eve and Fay, Ed represented by Dan's proxy,
    Ann, Bea, Cal, Dee, Cat, Dan, Pat and Quin present; Cal withdrew from the resolution,
    which was carried; Pat was elected unopposed for the PAs' seat; a trustee retired."""
    p, pas = people, classes[2]
    MemberClass.objects.filter(pk=pas.pk).update(board_seats=1)
    retiring = OfficerFactory(society=society, role=OfficerRole.TRUSTEE,
                              term_ends_on=timezone.localdate() - timedelta(days=1),
                              user__display_name="Rita Retiring")
    (contest,) = elections.open_nominations(called_meeting, by=secretary,
                                            close_at=timezone.now() + timedelta(days=1))
    nomination = elections.nominate(contest, proposer=p["Pat"], candidate=p["Pat"])
    elections.second(nomination, p["Quin"])
    Contest.objects.filter(pk=contest.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1))
    services.record_apology(called_meeting, p["Eve"])
    services.record_apology(called_meeting, p["Fay"], by=secretary)
    services.appoint_proxy(called_meeting, p["Ed"], p["Dan"])
    go_live(called_meeting)
    for name in "Ann Bea Cal Dee Cat Dan Pat Quin".split():
        services.check_in(called_meeting, p[name], by=chair)
    item = fresh(called_meeting.resolution)
    services.record_withdrawal(item, p["Cal"], by=chair, reason="Employs a PA")
    o = options_of(services.open_item_vote(item, by=chair))
    ballot = item.ballot
    for name, choice in [("Ann", "for"), ("Bea", "for"), ("Dee", "against"), ("Cat", "for"),
                         ("Pat", "for"), ("Quin", "abstain")]:
        voting.cast_vote(ballot, p[name], {o[choice]: 1})
    services.cast_proxy_vote(item, p["Dan"], p["Ed"], {o["against"]: 1})
    services.close_item_vote(item, by=chair)
    services.declare_result(item, by=chair)
    contest = fresh(contest)
    elections.start_election(contest, by=secretary, closes_at=timezone.now())
    called_meeting.retiring = retiring
    called_meeting.contest = contest
    return called_meeting


def _ended(meeting, chair):
    services.end_meeting(meeting, by=chair)
    meeting.refresh_from_db()
    return meeting


def test_the_draft_records_attendance_quorum_and_apologies(held, chair):
    text = minutes.draft_text(_ended(held, chair))
    local = timezone.localtime(held.starts_at)
    assert text.startswith("Minutes of the annual general meeting of Mutual Support\n")
    noon = "a.m." if local.hour < 12 else "p.m."
    assert (f"Held on {local:%A %-d %B %Y} at {local:%-I:%M} {noon} at Community Hall, "
            f"1 Mill Lane.") in text
    # 12 members: the quorum is 2.
    assert ("8 members were present, and 1 more was represented by proxy (1 proxy "
            "appointed). The quorum was 2; the meeting was quorate.") in text
    assert "Present: Ann, Bea, Cal, Cat, Dan, Dee, Pat, Quin.\n" in text
    assert "Apologies\nEve, Fay.\n" in text


def test_the_draft_records_declarations_resolutions_and_results(held, chair):
    text = minutes.draft_text(_ended(held, chair))
    title = "Pay personal assistants the real living wage"
    assert f"Declared and withdrew: Cal ({title}: Employs a PA)." in text
    assert ("Resolution: That the co-op pays every personal assistant at least the real "
            "living wage.\nCal declared an interest and withdrew (Employs a PA).\n") in text
    # Fewer than 5 voted in every class, so the minutes, which every member reads, give the
    # outcome without the figures (voting.disclosure): with them, the carers' two votes
    # would be the totals less the other classes' shares.
    assert ("The ordinary resolution was carried (it needed more than 50% of the votes for "
            "and against, weighted by class). The figures are not given, to keep a small "
            "group's votes secret.\n") in text
    assert "70.8%" not in text


def test_the_draft_gives_the_figures_when_no_class_is_small(held, chair):
    Ballot.objects.filter(pk=held.resolution.ballot_id).update(breakdown_minimum=1)
    text = minutes.draft_text(_ended(held, chair))
    # Users 2 for, 1 against (Ann, Bea; Dee); carers 1 for, 1 against (Cat; Ed by proxy);
    # PAs 1 for (Pat; Quin abstained): 0.5 x 2/3 + 0.25 x 1/2 + 0.25 x 1 = 70.8%.
    assert ("The ordinary resolution was carried: 70.8% for, weighted by class (it needed "
            "more than 50%). For 4, against 2, abstained 1, in the room and by proxy.\n") in text


def test_the_draft_records_the_election(held, chair, secretary):
    elections.appoint_elected(held.contest, by=secretary)
    text = minutes.draft_text(_ended(held, chair))
    assert "5. Election of trustees\nPersonal assistant (1 seat): elected unopposed: Pat." \
        in text


def test_the_draft_names_the_trustees_who_retired(held, chair, secretary):
    elections.appoint_elected(held.contest, by=secretary)
    text = minutes.draft_text(_ended(held, chair))
    assert "Retiring at this meeting: Rita Retiring." in text


def test_minutes_are_drafted_once_after_the_meeting_ends(held, chair):
    with pytest.raises(MeetingError, match="once the meeting has ended"):
        minutes.draft_minutes(held, by=chair)
    drafted = minutes.draft_minutes(_ended(held, chair), by=chair)
    assert drafted.text == minutes.draft_text(held) and not drafted.is_locked
    with pytest.raises(MeetingError, match="already been drafted"):
        minutes.draft_minutes(held, by=chair)


def test_the_secretary_edits_the_draft(held, chair, secretary):
    drafted = minutes.draft_minutes(_ended(held, chair), by=chair)
    edited = minutes.edit_minutes(drafted, by=secretary, text="  The meeting agreed.  ")
    assert fresh(edited).text == "The meeting agreed.\n"
    assert fresh(edited).edited_by == secretary and fresh(edited).edited_at
    with pytest.raises(MeetingError, match="cannot be empty"):
        minutes.edit_minutes(drafted, by=secretary, text="   ")


# --- approval ----------------------------------------------------------------------------------

@pytest.fixture
def next_meeting(call_meeting):
    meeting, _ = call_meeting(title="General meeting in the spring", kind="general")
    return meeting


def test_approved_at_the_next_live_meeting_and_then_locked(held, chair, secretary,
                                                          next_meeting, go_live):
    drafted = minutes.draft_minutes(_ended(held, chair), by=chair)
    with pytest.raises(MeetingError, match="while that meeting is happening"):
        minutes.approve_minutes(drafted, at_meeting=next_meeting, by=chair)
    go_live(next_meeting)
    assert minutes.minutes_to_approve(next_meeting) == drafted
    approved = minutes.approve_minutes(drafted, at_meeting=next_meeting, by=chair)
    approved = fresh(approved)
    assert approved.is_locked and approved.approved_at_meeting == next_meeting
    assert approved.approved_by == chair
    assert minutes.minutes_to_approve(next_meeting) is None
    with pytest.raises(MeetingError, match="approved and are locked"):
        minutes.edit_minutes(approved, by=secretary, text="Changed afterwards.")
    with pytest.raises(MeetingError, match="already been approved"):
        minutes.approve_minutes(approved, at_meeting=next_meeting, by=chair)
    approved.text = "Changed behind the service's back."
    with pytest.raises(PermissionError, match="locked"):
        approved.save()
    with pytest.raises(PermissionError):
        approved.delete()
    assert fresh(approved).text == drafted.text


def test_minutes_are_not_approved_at_an_earlier_meeting(called_meeting, call_meeting,
                                                        go_live, chair):
    earlier = called_meeting
    later, _ = call_meeting(kind="general")
    go_live(earlier)
    go_live(later)  # both happening; the later started after
    drafted = minutes.draft_minutes(_ended(later, chair), by=chair)
    with pytest.raises(MeetingError, match="approved at a later meeting") as refused:
        minutes.approve_minutes(drafted, at_meeting=earlier, by=chair)
    assert refused.value.field == "at_meeting"
    assert not fresh(drafted).is_locked


def test_minutes_are_not_approved_at_another_co_ops_meeting(held, chair, other_society,
                                                            secretary):
    drafted = minutes.draft_minutes(_ended(held, chair), by=chair)
    theirs = services.create_meeting(other_society, by=secretary, kind="agm",
                                     starts_at=days_ahead(20), place="Their hall")
    services.send_notice(theirs, by=secretary)
    Meeting.objects.filter(pk=theirs.pk).update(starts_at=timezone.now())
    services.start_meeting(fresh(theirs), by=secretary)
    with pytest.raises(MeetingError, match="approved at a later meeting of the co-op"):
        minutes.approve_minutes(drafted, at_meeting=fresh(theirs), by=chair)
    assert not Minutes.objects.filter(approved_at__isnull=False).exists()
