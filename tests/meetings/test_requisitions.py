"""Requisitions: members ask for a general meeting. It needs the lesser of 10% of the members
and 100 supporters; when it has them the secretary is emailed and must call the meeting."""

import pytest
from django.core import mail

from meetings import selectors, services
from meetings.enums import AgendaItemKind, MeetingKind
from meetings.models import RequisitionSupport
from meetings.services import MeetingError
from tests.factories import MemberFactory

from .conftest import days_ahead

PURPOSE = "To discuss the plan to close the Tuesday drop-in and hear members' views."


@pytest.fixture
def members(classes, make_members):
    """25 members: 10% is 2.5, so 3 supporters are needed."""
    users, carers, pas = classes
    return make_members(users, 12) + make_members(carers, 7) + make_members(pas, 6)


def test_twenty_five_members_need_three_supporters(society, members):
    requisition = services.start_requisition(society, members[0], purpose=PURPOSE)
    assert requisition.supporters_needed == 3
    # The member who starts it is its first supporter.
    assert list(requisition.supporters.values_list("member", flat=True)) == [members[0].pk]
    assert requisition.reached_at is None


def test_the_threshold_is_at_most_the_maximum(society, members, set_rules):
    set_rules(requisition_maximum=2)
    requisition = services.start_requisition(society, members[0], purpose=PURPOSE)
    assert requisition.supporters_needed == 2  # lesser of 3 (10% of 25) and 2


def test_the_threshold_follows_the_percentage(society, members, set_rules):
    set_rules(requisition_percent=20)
    assert services.start_requisition(society, members[0],
                                      purpose=PURPOSE).supporters_needed == 5


def test_reaching_the_threshold_emails_the_secretary(
        society, members, secretary, officer_for, django_capture_on_commit_callbacks):
    officer_for("treasurer")  # not told: only the secretary calls meetings
    requisition = services.start_requisition(society, members[0], purpose=PURPOSE)
    with django_capture_on_commit_callbacks(execute=True):
        services.support_requisition(requisition, members[1])
    requisition.refresh_from_db()
    assert requisition.reached_at is None and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.support_requisition(requisition, members[2])
    requisition.refresh_from_db()
    assert requisition.reached_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [secretary.email]
    assert message.subject == "Mutual Support: members have requisitioned a general meeting"
    assert PURPOSE in message.body


def test_more_support_after_reaching_it_sends_no_more_email(
        society, members, secretary, django_capture_on_commit_callbacks):
    requisition = services.start_requisition(society, members[0], purpose=PURPOSE)
    with django_capture_on_commit_callbacks(execute=True):
        for m in members[1:3]:
            services.support_requisition(requisition, m)
    reached = type(requisition).objects.get(pk=requisition.pk).reached_at
    with django_capture_on_commit_callbacks(execute=True):
        services.support_requisition(requisition, members[3])
    requisition.refresh_from_db()
    assert requisition.reached_at == reached
    assert len(mail.outbox) == 1
    assert requisition.supporters.count() == 4


def test_supporting_twice_is_refused(society, members):
    requisition = services.start_requisition(society, members[0], purpose=PURPOSE)
    with pytest.raises(MeetingError, match="already support this requisition"):
        services.support_requisition(requisition, members[0])
    services.support_requisition(requisition, members[1])
    with pytest.raises(MeetingError, match="already support this requisition"):
        services.support_requisition(requisition, members[1])
    assert RequisitionSupport.objects.filter(requisition=requisition).count() == 2


def test_only_current_members_of_this_co_op_support(society, members, other_society, resign):
    requisition = services.start_requisition(society, members[0], purpose=PURPOSE)
    with pytest.raises(MeetingError, match="Choose a member of this co-op"):
        services.support_requisition(requisition, MemberFactory(society=other_society))
    former = resign(members[1])
    with pytest.raises(MeetingError, match="You must be a current member"):
        services.support_requisition(requisition, former)


def test_a_requisition_says_what_the_meeting_is_for(society, members):
    with pytest.raises(MeetingError, match="Say what the meeting is for") as refused:
        services.start_requisition(society, members[0], purpose="  Meeting  ")
    assert refused.value.field == "purpose"


def test_a_meeting_is_called_from_a_requisition_with_enough_support(society, members,
                                                                    secretary):
    requisition = services.start_requisition(society, members[0], purpose=PURPOSE)
    with pytest.raises(MeetingError, match="does not have enough support yet"):
        services.create_meeting(society, by=secretary, kind=MeetingKind.GENERAL,
                                starts_at=days_ahead(20), place="Hall",
                                requisition=requisition)
    for m in members[1:3]:
        services.support_requisition(requisition, m)
    requisition.refresh_from_db()
    assert list(selectors.open_requisitions(society)) == [requisition]
    meeting = services.create_meeting(society, by=secretary, kind=MeetingKind.GENERAL,
                                      starts_at=days_ahead(20), place="Hall",
                                      requisition=requisition)
    business = meeting.items.get(kind=AgendaItemKind.OTHER)
    assert (business.title, business.description) == ("Business of the requisition", PURPOSE)
    assert [i.kind for i in meeting.items.order_by("position")] == [
        AgendaItemKind.APOLOGIES, AgendaItemKind.DECLARATIONS, AgendaItemKind.OTHER]
    assert not selectors.open_requisitions(society).exists()
    with pytest.raises(MeetingError, match="already been called for that requisition"):
        services.create_meeting(society, by=secretary, kind=MeetingKind.GENERAL,
                                starts_at=days_ahead(21), place="Hall",
                                requisition=requisition)
    assert services.send_notice(meeting, by=secretary) == 25


def test_another_co_ops_requisition_cannot_call_a_meeting(society, members, other_society,
                                                         secretary):
    theirs = [MemberFactory(society=other_society) for _ in range(3)]
    requisition = services.start_requisition(other_society, theirs[0], purpose=PURPOSE)
    assert requisition.reached_at is not None  # 3 members: the one who starts it is enough
    with pytest.raises(MeetingError, match="does not have enough support yet"):
        services.create_meeting(society, by=secretary, kind=MeetingKind.GENERAL,
                                starts_at=days_ahead(20), place="Hall",
                                requisition=requisition)
