"""The meetings API, first part: calling, changing and cancelling a meeting, its notice,
attendance and apologies, who may do what, and the schema. The agenda, proxies, nominations,
minutes and the chair's room actions are in test_meetings_room_api.py and
test_meetings_people_api.py."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS

from meetings import services
from meetings.models import Attendance, Meeting, NoticeDelivery
from tests.factories import MemberFactory, OfficerFactory, UserFactory

from .meeting_setup import (
    HALL,
    MEETINGS,
    called,
    client_for,
    draft,
    hold,
    later,
    live,
    ok,
    url,
)


@pytest.fixture
def board(secretary):
    return client_for(secretary)


@pytest.fixture
def alice(society):
    return MemberFactory(society=society, full_name="Alice Adams")


@pytest.fixture
def as_alice(alice):
    return client_for(alice.user)


# --- listing and reading ------------------------------------------------------------------------

def test_members_see_called_meetings_and_the_board_also_drafts(society, secretary, as_alice,
                                                               board):
    called(society, secretary, title="Summer general meeting")
    draft(society, secretary, title="Being prepared")

    seen_by_member = ok(as_alice.get(f"{MEETINGS}/"))["results"]
    seen_by_board = ok(board.get(f"{MEETINGS}/"))["results"]

    assert [m["title"] for m in seen_by_member] == ["Summer general meeting"]
    assert {m["title"] for m in seen_by_board} == {"Summer general meeting", "Being prepared"}
    assert seen_by_member[0]["state"] == "called"
    assert seen_by_member[0]["present"] == 0


def test_a_draft_is_not_found_for_a_member(society, secretary, as_alice):
    meeting = draft(society, secretary)

    response = as_alice.get(url(meeting))

    assert response.status_code == 404
    assert as_alice.get(url(meeting, "notice")).status_code == 404


def test_another_societys_meeting_is_not_found(society, other_society, secretary,
                                               outsider_officer):
    theirs = called(other_society, OfficerFactory(society=other_society).user)
    mine = called(society, secretary)
    board = client_for(secretary)

    # Through our society's address, their meeting does not exist.
    assert board.get(url(theirs)).status_code == 404
    assert board.post(url(theirs, "cancel"), {"reason": "No"}).status_code == 404
    # Their secretary cannot reach our society at all.
    assert client_for(outsider_officer).get(url(mine)).status_code == 404


def test_detail_shows_agenda_notice_quorum_and_your_own_part(society, secretary, alice,
                                                             as_alice):
    meeting = called(society, secretary, kind="agm", resolution="special")
    bob = MemberFactory(society=society, full_name="Bob Brown")
    services.appoint_proxy(meeting, alice, bob, instructions={})

    detail = ok(as_alice.get(url(meeting)))

    assert [i["kind"] for i in detail["agenda"]][:5] == [
        "apologies", "declarations", "minutes", "accounts", "election"]
    resolution = detail["agenda"][-1]["resolution"]
    assert resolution["resolution_kind"] == "special" and resolution["state"] == "draft"
    assert detail["notice"]["required"] == 14
    assert detail["notice"]["clear_days_given"] >= 14
    assert detail["notice"]["proxy_deadline"] == (
        timezone.localdate(meeting.starts_at) - timedelta(days=3)).isoformat()
    assert detail["quorum"] == {"required": 2, "present": 0, "proxies": 0,
                                "counts_proxies": True, "counted": 0, "quorate": False}
    you = detail["you"]
    assert you["member"] == alice.pk and you["present"] is False and you["apology"] is None
    assert you["proxy"]["holder"] == {"id": bob.pk, "full_name": "Bob Brown"}
    assert ok(client_for(bob.user).get(url(meeting)))["you"]["proxies_held"] == 1


def test_an_officer_who_is_not_a_member_has_no_part_of_their_own(society, secretary, board):
    meeting = called(society, secretary)

    you = ok(board.get(url(meeting)))["you"]

    assert you == {"member": None, "present": False, "online": None, "votes_by_hand": None,
                   "apology": None, "proxy": None, "proxies_held": 0}


def test_list_costs_the_same_at_one_meeting_and_many(society, secretary, board,
                                                     django_assert_max_num_queries):
    called(society, secretary)
    with django_assert_max_num_queries(12) as one:
        ok(board.get(f"{MEETINGS}/"))
    for days in range(21, 26):
        called(society, secretary, days=days)

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ok(board.get(f"{MEETINGS}/"))["results"]) == 6


# --- calling, changing, cancelling --------------------------------------------------------------

def test_the_board_calls_an_agm(society, board):
    body = ok(board.post(f"{MEETINGS}/", {"kind": "agm", "starts_at": later(),
                                          "place": HALL, "access_notes": "Step-free."},
                         format="json"), 201)

    assert body["state"] == "draft" and body["kind"] == "agm"
    assert body["title"].startswith("Annual general meeting")
    assert len(body["agenda"]) == 5
    assert Meeting.objects.get(pk=body["id"]).access_notes == "Step-free."


def test_calling_a_meeting_names_the_fields_that_are_wrong(board):
    missing = board.post(f"{MEETINGS}/", {"place": HALL}, format="json")
    past = board.post(f"{MEETINGS}/", {"kind": "general", "place": HALL,
                                       "starts_at": later(days=-1)}, format="json")
    nowhere = board.post(f"{MEETINGS}/", {"kind": "general", "starts_at": later()},
                         format="json")
    bad_kind = board.post(f"{MEETINGS}/", {"kind": "picnic", "starts_at": later(),
                                           "place": HALL}, format="json")

    assert ok(missing, 400) == {"kind": ["Choose the kind of meeting."],
                                "starts_at": ["Enter the date and time of the meeting."]}
    assert ok(past, 400) == {"starts_at": ["The meeting must start in the future."]}
    assert ok(nowhere, 400) == {"place": ["Give a place, an online link, or both."]}
    assert "kind" in ok(bad_kind, 400)


def test_a_member_cannot_call_a_meeting(as_alice):
    response = as_alice.post(f"{MEETINGS}/", {"kind": "general", "starts_at": later(),
                                              "place": HALL}, format="json")

    assert response.status_code == 403
    assert Meeting.objects.count() == 0


def test_the_board_changes_a_draft_but_not_once_notice_is_sent(society, secretary, board):
    meeting = draft(society, secretary)

    changed = ok(board.patch(url(meeting), {"place": "The Library"}, format="json"))
    bad_link = board.patch(url(meeting), {"online_link": "not a link"}, format="json")
    services.send_notice(meeting, by=secretary)
    too_late = board.patch(url(meeting), {"place": "Elsewhere"}, format="json")

    assert changed["place"] == "The Library"
    assert "online_link" in ok(bad_link, 400)
    assert too_late.status_code == 409
    assert "Cancel it and call a new one" in too_late.json()["detail"]
    assert Meeting.objects.get(pk=meeting.pk).place == "The Library"


def test_cancelling_needs_a_reason_and_happens_once(society, secretary, board):
    meeting = called(society, secretary)

    no_reason = board.post(url(meeting, "cancel"), {}, format="json")
    cancelled = board.post(url(meeting, "cancel"), {"reason": "The hall flooded."},
                           format="json")
    again = board.post(url(meeting, "cancel"), {"reason": "Still flooded."}, format="json")

    assert ok(no_reason, 400) == {"reason": ["Say why the meeting is cancelled."]}
    assert ok(cancelled)["state"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "The hall flooded."
    assert again.status_code == 409


# --- notice -------------------------------------------------------------------------------------

def test_notice_too_soon_says_the_earliest_valid_date(society, secretary, board):
    meeting = draft(society, secretary, days=10)

    status = ok(board.get(url(meeting, "notice")))
    refused = board.post(url(meeting, "notice"))

    earliest = timezone.localdate() + timedelta(days=15)
    assert status["clear_days_today"] == 9 and status["required"] == 14
    assert status["earliest_valid_date"] == earliest.isoformat()
    assert status["can_send"] is False
    assert f"{earliest:%-d %B %Y}" in status["cannot_send_because"]
    assert refused.status_code == 409
    assert f"{earliest:%-d %B %Y}" in refused.json()["detail"]
    assert NoticeDelivery.objects.count() == 0


def test_the_board_sends_notice_by_each_members_preference(society, secretary, board, alice):
    MemberFactory(society=society, contact_by_email=False, contact_by_post=True,
                  large_print=True)
    meeting = draft(society, secretary)

    before = ok(board.get(url(meeting, "notice")))
    sent = ok(board.post(url(meeting, "notice")))
    again = board.post(url(meeting, "notice"))
    deliveries = ok(board.get(url(meeting, "notice", "deliveries")))["results"]

    assert before["can_send"] is True and before["cannot_send_because"] == ""
    assert sent["sent_at"] is not None and sent["clear_days_given"] >= 14
    assert sent["deliveries"] == {"members": 2, "email": 1, "post": 1, "large_print": 1,
                                  "easy_read": 0}
    assert again.status_code == 409
    assert {(d["member"]["full_name"], d["method"]) for d in deliveries} >= {
        ("Alice Adams", "email")}
    assert all(d["sent_at"] for d in deliveries)


def test_members_see_the_notice_but_not_who_was_sent_it(society, secretary, as_alice):
    meeting = called(society, secretary)

    status = ok(as_alice.get(url(meeting, "notice")))

    assert status["deliveries"] is None and status["sent_at"] is not None
    assert as_alice.get(url(meeting, "notice", "deliveries")).status_code == 403
    assert as_alice.post(url(meeting, "notice")).status_code == 403


# --- attendance and apologies ------------------------------------------------------------------

def test_checking_in_waits_for_the_meeting_to_start(society, secretary, alice, as_alice):
    meeting = called(society, secretary)

    early = as_alice.post(url(meeting, "attendance"), {}, format="json")
    hold(meeting, secretary)
    checked_in = as_alice.post(url(meeting, "attendance"), {"by_hand": True}, format="json")
    twice = as_alice.post(url(meeting, "attendance"), {}, format="json")

    assert early.status_code == 409
    assert early.json()["detail"] == "You can check in once the meeting has started."
    body = ok(checked_in, 201)
    assert body["member"]["id"] == alice.pk and body["votes_by_hand"] is True
    assert body["marked_by_officer"] is False
    assert twice.status_code == 409
    assert ok(as_alice.get(url(meeting)))["quorum"]["present"] == 1


def test_online_check_in_needs_an_online_link(society, secretary, as_alice):
    meeting = live(society, secretary)

    response = as_alice.post(url(meeting, "attendance"), {"online": True}, format="json")

    assert ok(response, 400) == {"online": ["This meeting has no online link."]}


def test_the_board_marks_a_member_present_before_the_start(society, secretary, board, alice):
    meeting = called(society, secretary)

    body = ok(board.post(url(meeting, "attendance"), {"member": alice.pk}, format="json"), 201)

    assert body["marked_by_officer"] is True
    assert Attendance.objects.get(meeting=meeting).marked_by == secretary


def test_a_member_can_never_check_in_someone_else(society, secretary, alice, as_alice):
    meeting = live(society, secretary)
    bob = MemberFactory(society=society)

    other = as_alice.post(url(meeting, "attendance"), {"member": bob.pk}, format="json")
    themself = as_alice.post(url(meeting, "attendance"), {"member": alice.pk}, format="json")

    assert other.status_code == 403
    assert ok(themself, 201)["marked_by_officer"] is False
    assert list(Attendance.objects.values_list("member", flat=True)) == [alice.pk]


def test_marking_someone_of_another_society_is_a_field_error(society, secretary, board,
                                                            other_member):
    meeting = live(society, secretary)

    response = board.post(url(meeting, "attendance"), {"member": other_member.pk},
                          format="json")

    assert ok(response, 400) == {"member": ["Choose a member of this co-op."]}


def test_the_board_sees_everyone_present_and_a_member_only_themself(society, secretary, board,
                                                                    alice, as_alice):
    meeting = live(society, secretary)
    bob = MemberFactory(society=society, full_name="Bob Brown")
    for member in (alice, bob):
        services.check_in(meeting, member)

    everyone = ok(board.get(url(meeting, "attendance")))["results"]
    own = ok(as_alice.get(url(meeting, "attendance")))["results"]

    assert [a["member"]["full_name"] for a in everyone] == ["Alice Adams", "Bob Brown"]
    assert [a["member"]["id"] for a in own] == [alice.pk]


def test_the_attendance_list_costs_the_same_at_one_person_and_many(
        society, secretary, board, django_assert_max_num_queries):
    meeting = live(society, secretary)
    services.check_in(meeting, MemberFactory(society=society))
    with django_assert_max_num_queries(12) as one:
        ok(board.get(url(meeting, "attendance")))
    for _ in range(4):
        services.check_in(meeting, MemberFactory(society=society), by=secretary, by_hand=True)

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ok(board.get(url(meeting, "attendance")))["results"]) == 5

def test_apologies_for_yourself_or_by_the_board(society, secretary, board, alice, as_alice):
    meeting = called(society, secretary)
    bob, carol = MemberFactory(society=society), MemberFactory(society=society)

    own = as_alice.post(url(meeting, "apologies"), {}, format="json")
    twice = as_alice.post(url(meeting, "apologies"), {}, format="json")
    for_bob = as_alice.post(url(meeting, "apologies"), {"member": bob.pk}, format="json")
    by_board = board.post(url(meeting, "apologies"), {"member": carol.pk}, format="json")

    assert ok(own, 201)["member"]["id"] == alice.pk
    assert twice.status_code == 409
    assert for_bob.status_code == 403
    assert ok(by_board, 201)["recorded_by_officer"] is True
    assert len(ok(board.get(url(meeting, "apologies")))["results"]) == 2
    assert len(ok(as_alice.get(url(meeting, "apologies")))["results"]) == 1
    assert ok(as_alice.get(url(meeting)))["you"]["apology"] is not None


def test_no_apologies_from_someone_at_the_meeting(society, secretary, alice, as_alice):
    meeting = live(society, secretary)
    services.check_in(meeting, alice)

    response = as_alice.post(url(meeting, "apologies"), {}, format="json")

    assert response.status_code == 409
    assert "is at the meeting" in response.json()["detail"]


def test_an_officer_who_is_not_a_member_cannot_check_in(society, secretary, board):
    meeting = live(society, secretary)

    response = board.post(url(meeting, "attendance"), {}, format="json")

    assert response.status_code == 403


# --- who may do what ------------------------------------------------------------------------------

ENDPOINTS = {
    "list": ("get", ""),
    "call": ("post", ""),
    "detail": ("get", "{m}/"),
    "change": ("patch", "{m}/"),
    "notice": ("get", "{m}/notice/"),
    "deliveries": ("get", "{m}/notice/deliveries/"),
    "start": ("post", "{m}/start/"),
    "attendance": ("get", "{m}/attendance/"),
}
#                  list call detail change notice deliv start attend
TABLE = {
    "anonymous":  (401, 401, 401, 401, 401, 401, 401, 401),
    "outsider":   (404, 404, 404, 404, 404, 404, 404, 404),
    "member":     (200, 403, 200, 403, 200, 403, 403, 200),
    "treasurer":  (200, 403, 200, 403, 200, 403, 403, 200),
    "scrutineer": (200, 403, 200, 403, 200, 403, 403, 200),
    "trustee":    (200, 400, 200, 409, 200, 200, 403, 200),
    "chair":      (200, 400, 200, 409, 200, 200, 409, 200),
    "secretary":  (200, 400, 200, 409, 200, 200, 409, 200),
}
CASES = [(who, endpoint, expected) for who, row in TABLE.items()
         for endpoint, expected in zip(ENDPOINTS, row, strict=True)]


@pytest.mark.parametrize(("who", "endpoint", "expected"), CASES)
def test_permission_table(society, secretary, who, endpoint, expected):
    """On a called meeting: the board's writes reach the service (a 400 for an empty body,
    a 409 for a change after notice or a start days early); others are refused first."""
    meeting = called(society, secretary)
    method, path = ENDPOINTS[endpoint]
    client = client_for(None) if who == "anonymous" else client_for(
        UserFactory() if who == "outsider"
        else MemberFactory(society=society).user if who == "member"
        else OfficerFactory(society=society, role=who).user)

    response = getattr(client, method)(f"{MEETINGS}/{path.format(m=meeting.pk)}", {},
                                       format="json")

    assert response.status_code == expected, response.content


# --- the schema -----------------------------------------------------------------------------------

def test_schema_documents_the_meetings_api_without_warnings(tmp_path, api, db):
    GENERATOR_STATS.reset()
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]

    check_in = paths["/api/v1/societies/{slug}/meetings/{id}/attendance/"]["post"]
    appoint = paths["/api/v1/societies/{slug}/meetings/{meeting_id}/proxies/"]["post"]
    send = paths["/api/v1/societies/{slug}/meetings/{id}/notice/"]["post"]
    assert set(check_in["responses"]) == {"201", "400", "401", "403", "404", "409"}
    assert set(appoint["responses"]) == {"201", "400", "401", "403", "404", "409"}
    assert set(send["responses"]) == {"200", "401", "403", "404", "409"}
    for path in ["{id}/minutes/approve/", "{meeting_id}/agenda/{id}/tellers/",
                 "{meeting_id}/nominations/{id}/second/", "{meeting_id}/proxies/{id}/revoke/"]:
        assert f"/api/v1/societies/{{slug}}/meetings/{path}" in paths
