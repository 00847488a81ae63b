from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from coop.models import AuditEntry
from membership import shares
from membership.models import Application, Member
from tests.factories import ApplicationFactory, MemberFactory

APPLICATIONS = "/api/v1/societies/mutual/applications/"
PAYMENTS = "/api/v1/societies/mutual/payments/"


def application_body(society, **overrides):
    return {
        "member_class": society.member_classes.get(name="Carer").pk,
        "full_name": "Rosa Parks",
        "address": "1 High Street\nManchester",
        "postcode": "M1 1AA",
        "email": "rosa@example.org",
        "access_needs": "Large print papers",
        "confirmed_eligible": True,
        "confirmed_not_in_other_class": True,
        **overrides,
    }


@pytest.fixture
def pending(society):
    return ApplicationFactory(society=society, full_name="Ada Lovelace")


@pytest.fixture
def board(signed_in, secretary):
    return signed_in(secretary)


def test_apply_by_anyone_signed_in_creates_a_pending_application(signed_in, user, society):
    response = signed_in(user).post(APPLICATIONS, application_body(society), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "pending"
    assert body["member_class"]["name"] == "Carer"
    application = Application.objects.get(pk=body["id"])
    assert (application.user, application.society) == (user, society)
    assert application.access_needs == "Large print papers"
    assert AuditEntry.objects.filter(action="membership.application.submitted",
                                     object_id=str(application.pk)).exists()


def test_apply_missing_name_is_400_with_field_error(signed_in, user, society):
    body = application_body(society)
    del body["full_name"]

    response = signed_in(user).post(APPLICATIONS, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"full_name": ["Enter your full name."]}
    assert not Application.objects.exists()


def test_apply_class_of_another_society_is_400(signed_in, user, society, other_society):
    body = application_body(society, member_class=other_society.member_classes.first().pk)

    response = signed_in(user).post(APPLICATIONS, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"member_class": ["Choose one of this co-op's member classes."]}


def test_apply_without_confirming_eligibility_is_400(signed_in, user, society):
    body = application_body(society, confirmed_eligible=False)

    response = signed_in(user).post(APPLICATIONS, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"confirmed_eligible": [
        "Confirm that you meet the eligibility for this class."]}


def test_apply_twice_is_400(signed_in, user, society):
    client = signed_in(user)
    client.post(APPLICATIONS, application_body(society), format="json")

    response = client.post(APPLICATIONS, application_body(society), format="json")

    assert response.status_code == 400
    assert "already applied" in response.json()["non_field_errors"][0]
    assert Application.objects.count() == 1


def test_apply_when_already_a_member_is_400(signed_in, member, society):
    response = signed_in(member.user).post(APPLICATIONS, application_body(society),
                                           format="json")

    assert response.status_code == 400
    assert "already a member" in response.json()["non_field_errors"][0]


def test_apply_with_broken_json_is_400(signed_in, user, society):
    response = signed_in(user).post(APPLICATIONS, '{"full_name": ',
                                    content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_apply_to_unknown_society_is_404(signed_in, user, society):
    response = signed_in(user).post("/api/v1/societies/nowhere/applications/",
                                    application_body(society), format="json")

    assert response.status_code == 404


def test_apply_anonymous_is_401(api, society):
    response = api.post(APPLICATIONS, application_body(society), format="json")

    assert response.status_code == 401
    assert not Application.objects.exists()


@pytest.fixture
def awaiting(society):
    """Approved and waiting for the share to be paid."""
    return ApplicationFactory(society=society, full_name="Mary Seacole", approved=True)


def test_applications_list_shows_pending_only_to_the_board(board, pending, awaiting, society):
    decided = ApplicationFactory(society=society, full_name="Old Decision")
    decided.rejected_at = decided.submitted_at
    decided.save()

    response = board.get(APPLICATIONS)

    assert response.status_code == 200
    assert [a["full_name"] for a in response.json()["results"]] == ["Ada Lovelace"]
    assert response.json()["results"][0]["state"] == "pending"


def test_applications_list_approved_shows_who_owes_a_payment(board, pending, awaiting, society,
                                                             secretary):
    paid = ApplicationFactory(society=society, full_name="Paid Already", approved=True)
    shares.record_offline_payment(application=paid, method="cash", amount=society.share_value,
                                  received_on=timezone.localdate(), by=secretary)

    response = board.get(APPLICATIONS, {"state": "approved"})

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["full_name"], row["state"]) == (awaiting.pk, "Mary Seacole",
                                                           "approved")
    assert row["payment_reference"] == awaiting.payment_reference == f"MUTUAL-{awaiting.pk:05d}"
    assert row["approved_at"] is not None


def test_applications_list_open_shows_pending_and_approved(board, pending, awaiting):
    response = board.get(APPLICATIONS, {"state": "open"})

    assert [(a["full_name"], a["state"]) for a in response.json()["results"]] == [
        ("Ada Lovelace", "pending"), ("Mary Seacole", "approved")]


def test_applications_list_treasurer_sees_only_who_owes_a_payment(signed_in, officer_for,
                                                                  pending, awaiting):
    client = signed_in(officer_for("treasurer"))

    owed = client.get(APPLICATIONS, {"state": "approved"})
    undecided = client.get(APPLICATIONS)

    assert owed.status_code == 200
    assert [a["full_name"] for a in owed.json()["results"]] == ["Mary Seacole"]
    assert undecided.status_code == 403
    assert "Ada Lovelace" not in undecided.content.decode()
    assert client.get(APPLICATIONS, {"state": "open"}).status_code == 403


def test_applications_list_unknown_state_is_400(board, pending):
    response = board.get(APPLICATIONS, {"state": "admitted"})

    assert response.status_code == 400
    assert list(response.json()) == ["state"]


@pytest.mark.parametrize("how_many", [1, 30])
def test_applications_list_queries_do_not_grow(board, society, how_many,
                                               django_assert_max_num_queries):
    ApplicationFactory.create_batch(how_many, society=society, approved=True)

    # Session, user, society, roles, count, page.
    with django_assert_max_num_queries(6):
        response = board.get(APPLICATIONS, {"state": "approved"})

    assert len(response.json()["results"]) == how_many


def test_applications_list_member_is_403(signed_in, member, pending):
    response = signed_in(member.user).get(APPLICATIONS)

    assert response.status_code == 403
    assert "Ada Lovelace" not in response.content.decode()


def test_applications_list_officer_of_another_society_is_404(signed_in, outsider_officer,
                                                            pending):
    assert signed_in(outsider_officer).get(APPLICATIONS).status_code == 404


def test_application_detail_shows_everything_to_the_board(board, pending):
    response = board.get(f"{APPLICATIONS}{pending.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["account_email"] == pending.user.email
    assert body["payment_reference"] == pending.payment_reference
    assert (body["approved_at"], body["admitted_at"]) == (None, None)


def test_application_detail_is_not_for_the_treasurer(signed_in, officer_for, awaiting):
    """It holds access needs, which the treasurer does not see."""
    response = signed_in(officer_for("treasurer")).get(f"{APPLICATIONS}{awaiting.pk}/")

    assert response.status_code == 403


def test_application_of_another_society_is_404(board, other_society):
    elsewhere = ApplicationFactory(society=other_society)

    assert board.get(f"{APPLICATIONS}{elsewhere.pk}/").status_code == 404
    response = board.post(f"{APPLICATIONS}{elsewhere.pk}/approve/", {}, format="json")
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == "pending"


def test_application_huge_id_is_404(board):
    assert board.get(f"{APPLICATIONS}99999999999999999999999/").status_code == 404


def test_approve_asks_the_applicant_to_pay_and_admits_no_one_yet(
        board, society, secretary, pending, django_capture_on_commit_callbacks):
    MemberFactory.create_batch(2, society=society)

    with django_capture_on_commit_callbacks(execute=True):
        response = board.post(f"{APPLICATIONS}{pending.pk}/approve/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["state"], body["full_name"]) == (pending.pk, "approved",
                                                              "Ada Lovelace")
    assert body["approved_at"] is not None and body["admitted_at"] is None
    assert body["payment_reference"] == pending.payment_reference
    assert "membership_number" not in body
    assert not Member.objects.filter(society=society, user=pending.user).exists()
    assert AuditEntry.objects.filter(action="membership.application.approved",
                                     actor=secretary).exists()
    assert not AuditEntry.objects.filter(action="membership.member.admitted").exists()
    [message] = mail.outbox
    assert message.to == [pending.user.email]
    assert pending.payment_reference in message.body


def test_approve_then_record_payment_admits_with_the_next_number(board, society, pending):
    MemberFactory.create_batch(2, society=society)
    board.post(f"{APPLICATIONS}{pending.pk}/approve/", {}, format="json")

    response = board.post(PAYMENTS, {"application": pending.pk, "method": "cash",
                                     "amount": "1.00",
                                     "received_on": timezone.localdate().isoformat()},
                          format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["membership_number"] == 3
    member = Member.objects.get(society=society, user=pending.user)
    assert (member.membership_number, member.full_name) == (3, "Ada Lovelace")
    assert (member.shares_held, member.amount_paid) == (1, Decimal("1.00"))
    assert board.get(f"{APPLICATIONS}{pending.pk}/").json()["state"] == "admitted"


def test_approve_with_share_paid_is_400_and_approves_nothing(board, pending):
    """Approval used to record the share as paid; now that is a payment of its own."""
    response = board.post(f"{APPLICATIONS}{pending.pk}/approve/", {"share_paid": True},
                          format="json")

    assert response.status_code == 400
    assert "POST payments/" in response.json()["share_paid"][0]
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_approve_twice_is_400(board, pending):
    board.post(f"{APPLICATIONS}{pending.pk}/approve/", {}, format="json")

    response = board.post(f"{APPLICATIONS}{pending.pk}/approve/", {}, format="json")

    assert response.status_code == 400
    assert "already been decided" in response.json()["non_field_errors"][0]
    assert not Member.objects.filter(user=pending.user).exists()


def test_approve_by_a_member_is_403(signed_in, member, pending):
    response = signed_in(member.user).post(f"{APPLICATIONS}{pending.pk}/approve/", {},
                                           format="json")

    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_approve_by_the_treasurer_is_403(signed_in, officer_for, pending):
    """The treasurer reads the register but does not admit members."""
    response = signed_in(officer_for("treasurer")).post(
        f"{APPLICATIONS}{pending.pk}/approve/", {}, format="json")

    assert response.status_code == 403


def test_reject_records_the_reason(board, pending):
    response = board.post(f"{APPLICATIONS}{pending.pk}/reject/",
                          {"reason": "You do not live in our area."}, format="json")

    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    pending.refresh_from_db()
    assert pending.rejection_reason == "You do not live in our area."


@pytest.mark.parametrize("body", [{}, {"reason": "   "}])
def test_reject_without_reason_is_400(board, pending, body):
    response = board.post(f"{APPLICATIONS}{pending.pk}/reject/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"reason": ["Give a reason. The applicant will be told it."]}
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_reject_after_approval_is_400(board, pending):
    board.post(f"{APPLICATIONS}{pending.pk}/approve/", {}, format="json")

    response = board.post(f"{APPLICATIONS}{pending.pk}/reject/", {"reason": "Changed mind"},
                          format="json")

    assert response.status_code == 400


def test_classes_lists_what_an_applicant_chooses_from(signed_in, user, society):
    response = signed_in(user).get(f"/api/v1/societies/{society.slug}/classes/")

    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["Service user", "Carer",
                                                     "Personal assistant"]
    assert [c["weight"] for c in response.json()] == [50, 25, 25]


def test_classes_then_apply_through_the_api_alone(signed_in, user, society):
    client = signed_in(user)
    carer = next(c for c in client.get(f"/api/v1/societies/{society.slug}/classes/").json()
                 if c["name"] == "Carer")

    response = client.post(f"/api/v1/societies/{society.slug}/applications/", {
        "member_class": carer["id"], "full_name": "Kim Lee", "address": "2 Park Row",
        "postcode": "LS1 1AA", "email": "kim@example.org", "confirmed_eligible": True,
        "confirmed_not_in_other_class": True}, format="json")

    assert response.status_code == 201, response.json()
    assert society.applications.get().member_class.name == "Carer"


def test_classes_unknown_society_is_404(signed_in, user):
    assert signed_in(user).get("/api/v1/societies/nope/classes/").status_code == 404


def test_classes_anonymous_is_401(api, society):
    assert api.get(f"/api/v1/societies/{society.slug}/classes/").status_code == 401
