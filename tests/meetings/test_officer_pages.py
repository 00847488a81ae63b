"""The board's meeting pages through the test client: calling a meeting, its agenda, the notice
(clear days, who gets it how, the record and the letters), attendance and the quorum, the AGM
warning and requisitions on the officers' dashboard, and trustees' terms on the register.

The chair's panel, elections and minutes are in test_officer_run.py. The client is
tests.pages.PageCheckingClient: every page is also checked for its Content Security Policy,
inline code and broken aria-describedby."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from coop.models import Officer, Society
from meetings import services
from meetings.models import Attendance, Meeting, NoticeDelivery
from membership.interests import services as interests
from tests.factories import MemberFactory, OfficerFactory
from tests.pages import PageCheckingClient, assert_field_error, text


@pytest.fixture
def client(secretary):
    client = PageCheckingClient()
    client.force_login(secretary)
    return client


def url(name, society, *args):
    return reverse(name, args=[society.slug, *args])


def day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def members(society, n, **extra):
    return [MemberFactory(society=society, **extra) for _ in range(n)]


def call(society, by, *, days=20, kind="agm", **fields):
    return services.create_meeting(society, by=by, kind=kind, place="Community hall",
                                   starts_at=timezone.now() + timedelta(days=days), **fields)


@pytest.fixture
def called(society, secretary):
    """An AGM in 20 days with a special resolution, notice sent to 3 members (one by post)."""
    members(society, 2)
    MemberFactory(society=society, contact_by_post=True, large_print=True,
                  full_name="Pat Postwell", address="1 Letter Lane\nLeeds", postcode="LS1 1AA")
    meeting = call(society, secretary)
    services.add_item(meeting, by=secretary, title="Change rule 12",
                      description="That rule 12 is changed.", resolution_kind="special")
    services.send_notice(meeting, by=secretary)
    return meeting


# --- calling a meeting -------------------------------------------------------------------------

def test_new_agm_starts_with_the_standard_items(client, society):
    response = client.post(url("meeting_new", society), {
        "kind": "agm", "date": day(30), "time": "18:30", "place": "Community hall",
        "access_notes": "Step-free entrance on Mill Lane."}, follow=True)
    meeting = Meeting.objects.get(society=society)
    assert response.redirect_chain[-1][0] == url("meeting_manage", society, meeting.pk)
    page = text(response)
    assert "has been set up" in page and "Being prepared" in page
    for title in ["Apologies for absence", "Declarations of interest",
                  "Minutes of the last general meeting", "Accounts for the year",
                  "Election of trustees"]:
        assert title in page
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "18:30"
    assert "Step-free entrance" in page


def test_new_meeting_in_the_past_is_refused_next_to_the_date(client, society):
    response = client.post(url("meeting_new", society), {
        "kind": "general", "date": day(-1), "time": "18:00", "place": "Hall"})
    assert response.status_code == 200
    assert_field_error(response, "date", "The meeting must start in the future.")
    assert not Meeting.objects.exists()


def test_new_meeting_needs_a_place_or_a_link(client, society):
    response = client.post(url("meeting_new", society), {
        "kind": "general", "date": day(30), "time": "18:00"})
    assert_field_error(response, "place", "Give a place, an online link, or both.")


def test_a_reached_requisition_prefills_the_meeting(client, society):
    starter = members(society, 3)[0]
    requisition = services.start_requisition(society, starter,
                                             purpose="To discuss the new PA pay rates.")
    assert requisition.reached_at
    page = client.get(url("meeting_new", society) + f"?requisition={requisition.pk}")
    assert "To discuss the new PA pay rates." in text(page)
    response = client.post(url("meeting_new", society), {
        "requisition": requisition.pk, "kind": "general", "date": day(30), "time": "18:00",
        "place": "Hall"}, follow=True)
    meeting = Meeting.objects.get(society=society)
    assert meeting.requisition == requisition
    assert "Business of the requisition" in text(response)


def test_edit_is_refused_once_notice_is_sent(client, society, called):
    page = client.get(url("meeting_edit", society, called.pk))
    assert "its time and place cannot change" in text(page)
    response = client.post(url("meeting_edit", society, called.pk), {
        "date": day(40), "time": "18:00", "place": "Elsewhere"})
    assert "its time and place cannot change" in text(response)
    called.refresh_from_db()
    assert called.place == "Community hall"


def test_cancel_needs_a_reason(client, society, called):
    response = client.post(url("meeting_cancel", society, called.pk), {"reason": ""})
    assert_field_error(response, "reason", "Say why the meeting is cancelled.")
    response = client.post(url("meeting_cancel", society, called.pk),
                           {"reason": "The hall flooded."}, follow=True)
    assert "has been cancelled" in text(response) and "The hall flooded." in text(response)


# --- the agenda --------------------------------------------------------------------------------

def test_add_a_special_resolution_with_topics(client, society, secretary):
    meeting = call(society, secretary)
    pay = interests.add_topic(society, name="PA pay rates", by=secretary)
    old = interests.add_topic(society, name="Old topic", by=secretary)
    interests.retire_topic(old, by=secretary)
    form = text(client.get(url("item_new", society, meeting.pk)))
    assert "PA pay rates" in form and "Old topic" not in form
    response = client.post(url("item_new", society, meeting.pk), {
        "title": "Raise PA pay", "description": "That PA pay rises by 5%.", "kind": "other",
        "topics": [pay.pk], "resolution": "special"}, follow=True)
    page = text(response)
    assert "has been added to the agenda as item 6" in page
    assert "Special resolution, passed by at least 75% of the votes: “That PA pay rises by " \
           "5%.”" in page
    assert "Touches: PA pay rates" in page
    item = meeting.items.get(title="Raise PA pay")
    assert item.ballot.resolution_kind == "special"


def test_a_resolution_needs_its_words(client, society, secretary):
    meeting = call(society, secretary)
    response = client.post(url("item_new", society, meeting.pk), {
        "title": "Raise PA pay", "description": "", "kind": "other", "resolution": "ordinary"})
    assert_field_error(response, "description", "Give the exact words of the resolution.")


def test_move_and_take_off_agenda_items(client, society, secretary):
    meeting = call(society, secretary)
    first = meeting.items.get(position=1)
    assert client.get(url("item_move", society, first.pk)).status_code == 405
    client.post(url("item_move", society, first.pk), {"direction": "down"})
    assert list(meeting.items.order_by("position").values_list("title", flat=True))[:2] == [
        "Declarations of interest", "Apologies for absence"]
    response = client.post(url("item_withdraw", society, first.pk), follow=True)
    assert "has been taken off the agenda" in text(response)
    assert "Apologies for absence Taken off the agenda" in text(response)


# --- notice ------------------------------------------------------------------------------------

def test_notice_refused_with_too_few_clear_days_then_sent(client, society, secretary):
    members(society, 2)
    MemberFactory(society=society, contact_by_email=False, contact_by_post=True)
    meeting = call(society, secretary, days=5)
    # The letter counts as delivered 48 hours after posting: clear days count from then.
    earliest = (timezone.localdate() + timedelta(days=17)).strftime("%A %-d %B %Y")
    page = text(client.get(url("meeting_send_notice", society, meeting.pk)))
    assert "3 members will get notice: 2 by email (with a calendar invitation) and 1 by " \
           "letter" in page
    assert "gives 2 clear days" in page and "That is not enough" in page
    assert "a letter counts as delivered 48 hours after posting" in page
    assert earliest in page
    response = client.post(url("meeting_send_notice", society, meeting.pk))
    assert response.status_code == 200
    assert f"The earliest date this meeting can be held is {earliest}" in text(response)
    assert not NoticeDelivery.objects.exists()
    client.post(url("meeting_edit", society, meeting.pk), {
        "date": day(20), "time": "18:00", "title": meeting.title, "place": "Community hall"})
    assert "Enough notice" in text(client.get(url("meeting_send_notice", society, meeting.pk)))
    response = client.post(url("meeting_send_notice", society, meeting.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("meeting_deliveries", society, meeting.pk)
    assert "Notice has been sent to 3 members" in text(response)
    meeting.refresh_from_db()
    assert meeting.notice_sent_by == secretary


def test_the_notice_page_shows_what_members_get(client, society, secretary):
    meeting = call(society, secretary, access_notes="Hearing loop in the main hall.")
    services.add_item(meeting, by=secretary, title="Change rule 12",
                      description="That rule 12 is changed.", resolution_kind="special")
    page = text(client.get(url("meeting_send_notice", society, meeting.pk)))
    assert "Hearing loop in the main hall." in page
    assert "pass this special resolution: “That rule 12 is changed.”" in page
    assert "appoint another member as their proxy" in page


def test_deliveries_record_and_the_post_list(client, society, called, secretary):
    response = client.get(url("meeting_deliveries", society, called.pk))
    page = text(response)
    assert "to 3 members: 3 by email and 1 by post" in page
    assert "Pat Postwell" in page and "1 Letter Lane" in page and "Letter by post" in page
    html = response.content.decode()
    letters = url("meeting_letters_pdf", society, called.pk)
    assert f'href="{letters}"' in html and f'href="{letters}?large=1"' in html
    manage = text(client.get(url("meeting_manage", society, called.pk)))
    assert f"by {secretary}" in manage and "Notice sent" in manage


def test_letters_pdf(client, society, called):
    response = client.get(url("meeting_letters_pdf", society, called.pk) + "?large=1")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- attendance --------------------------------------------------------------------------------

def test_attendance_marking_and_the_quorum(client, society, called):
    present, by_hand, sorry = called.society.members.order_by("full_name")[:3]
    page = text(client.get(url("meeting_attendance", society, called.pk)))
    assert "Needed 2" in page and "Quorate No" in page
    client.post(url("meeting_attendance", society, called.pk),
                {"member": present.pk, "action": "present"})
    client.post(url("meeting_attendance", society, called.pk),
                {"member": by_hand.pk, "action": "present", "by_hand": "on"})
    response = client.post(url("meeting_attendance", society, called.pk),
                           {"member": sorry.pk, "action": "apologies"}, follow=True)
    page = text(response)
    assert f"Apologies from {sorry.full_name} are recorded." in page
    assert "Members present 2" in page and "Quorate Yes" in page
    assert "Present , votes by hand" in page and "Apologies" in page
    assert Attendance.objects.get(member=by_hand).votes_by_hand
    again = client.post(url("meeting_attendance", society, called.pk),
                        {"member": present.pk, "action": "present"})
    assert again.status_code == 200
    assert f"{present.full_name} is already checked in." in text(again)


def test_attendance_cannot_mark_another_coops_member(client, society, called, other_society):
    stranger = MemberFactory(society=other_society)
    response = client.post(url("meeting_attendance", society, called.pk),
                           {"member": stranger.pk, "action": "present"})
    assert response.status_code == 200 and "Choose a member of this co-op." in text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("count", [5, 50])
def test_manage_and_attendance_query_counts(client, society, secretary, count,
                                            django_assert_max_num_queries):
    members(society, count)
    meeting = call(society, secretary)
    services.send_notice(meeting, by=secretary)
    for member in society.members.all()[:count // 2]:
        services.check_in(meeting, member, by=secretary)
    with django_assert_max_num_queries(14):
        client.get(url("meeting_manage", society, meeting.pk))
    with django_assert_max_num_queries(13):
        response = client.get(url("meeting_attendance", society, meeting.pk))
    assert f"Members present {count // 2}" in text(response)


# --- the dashboard and the register of officers ------------------------------------------------

def _year_end(society, months_ago: int):
    end = timezone.localdate() - relativedelta(months=months_ago)
    Society.objects.filter(pk=society.pk).update(financial_year_end_month=end.month,
                                                 financial_year_end_day=min(end.day, 28))


def test_dashboard_warns_the_agm_is_due(client, society):
    _year_end(society, 5)
    response = client.get(url("officer_dashboard", society))
    assert "The AGM is due by" in text(response) and "within 6 months of the year end" in \
        text(response)
    assert f'href="{url("meeting_new", society)}"' in response.content.decode()


def test_dashboard_warns_the_agm_is_overdue(client, society):
    _year_end(society, 7)
    assert "The AGM is overdue" in text(client.get(url("officer_dashboard", society)))


def test_dashboard_quiet_once_the_agm_is_called(client, society, secretary):
    _year_end(society, 5)
    services.send_notice(call(society, secretary), by=secretary)
    assert "The AGM is" not in text(client.get(url("officer_dashboard", society)))


def test_dashboard_tells_officers_to_call_a_requisitioned_meeting(client, society):
    starter = members(society, 3)[0]
    requisition = services.start_requisition(society, starter,
                                             purpose="To discuss the new PA pay rates.")
    response = client.get(url("officer_dashboard", society))
    assert "Members have requisitioned a general meeting: you must call it" in text(response)
    link = f'{url("meeting_new", society)}?requisition={requisition.pk}'
    assert f'href="{link}"' in response.content.decode()


def test_officers_page_shows_terms_and_who_retires(client, society, secretary):
    today = timezone.localdate()
    retiring = OfficerFactory(society=society, role="trustee",
                              started_on=today - relativedelta(years=3),
                              term_ends_on=today + timedelta(days=5))
    staying = OfficerFactory(society=society, role="trustee",
                             term_ends_on=today + relativedelta(years=2))
    OfficerFactory(society=society, role="treasurer", started_on=today - timedelta(days=400),
                   ended_on=today - timedelta(days=30))
    meeting = call(society, secretary, title="AGM 2027")
    services.send_notice(meeting, by=secretary)
    page = text(client.get(url("officers_register", society)))
    assert f"{retiring.user} Trustee" in page
    assert f"{(today + timedelta(days=5)):%-d %b %Y} Retiring at AGM 2027" in page
    assert f"Current {staying.term_ends_on:%-d %b %Y}" in page
    assert page.count("Retiring at") == 1
    ended, started = today - timedelta(days=30), today - timedelta(days=400)
    assert f"Treasurer {started:%-d %b %Y} {ended:%-d %b %Y} No set term" in page
    assert Officer.objects.filter(society=society).count() == 4
