"""Payments through the API: the officers who handle money list payments and record money
received another way, which admits an approved applicant or buys a member more shares."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from coop.models import AuditEntry
from membership import shares
from membership.enums import PaymentState
from membership.models import Member, Payment, ShareTransaction
from membership.selectors import PAYMENT_STATES
from tests.factories import ApplicationFactory, MemberFactory, OfficerFactory

PAYMENTS = "/api/v1/societies/mutual/payments/"
TODAY = timezone.localdate


@pytest.fixture
def treasurer(signed_in, officer_for):
    return signed_in(officer_for("treasurer"))


@pytest.fixture
def awaiting(society):
    return ApplicationFactory(society=society, full_name="Mary Seacole", approved=True)


def joining(for_application, **overrides):
    return {"application": for_application.pk, "method": "bank_transfer", "amount": "1.00",
            "received_on": TODAY().isoformat(), **overrides}


def rows():
    """Everything a payment writes, to check that a refused one writes nothing."""
    return (Payment.objects.count(), ShareTransaction.objects.count(), Member.objects.count(),
            AuditEntry.objects.count())


# --- recording a payment made another way ---------------------------------------------------

def test_record_joining_payment_admits_with_the_next_number(
        treasurer, society, awaiting, django_capture_on_commit_callbacks):
    MemberFactory.create_batch(2, society=society)

    with django_capture_on_commit_callbacks(execute=True):
        response = treasurer.post(PAYMENTS, joining(awaiting, reference=" BACS 991 ",
                                                    note="Seen on the statement"),
                                  format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["membership_number"] == 3
    assert (body["state"], body["method"], body["amount"]) == ("confirmed", "bank_transfer",
                                                               "1.00")
    assert (body["reference"], body["note"]) == ("BACS 991", "Seen on the statement")
    assert (body["application"], body["payer_name"], body["for_joining"]) == (
        awaiting.pk, "Mary Seacole", True)
    assert body["received_on"] == TODAY().isoformat()
    member = Member.objects.get(society=society, user=awaiting.user)
    assert (member.membership_number, member.shares_held, member.amount_paid) == (
        3, 1, Decimal("1.00"))
    assert Payment.objects.get(pk=body["id"]).member == member
    assert [m.subject for m in mail.outbox] == ["Welcome to Mutual Support"]


def test_record_joining_payment_without_reference_uses_the_applications(treasurer, awaiting):
    body = treasurer.post(PAYMENTS, joining(awaiting), format="json").json()

    assert body["reference"] == awaiting.payment_reference


def test_record_payment_is_audited_as_the_officer(signed_in, officer_for, awaiting):
    treasurer = officer_for("treasurer")

    body = signed_in(treasurer).post(PAYMENTS, joining(awaiting), format="json").json()

    assert body["recorded_by"] == str(treasurer)
    entry = AuditEntry.objects.get(action="membership.payment.recorded")
    assert (entry.actor, entry.object_id) == (treasurer, body["id"])
    assert entry.data["amount"] == "1.00" and entry.data["method"] == "bank_transfer"


def test_record_more_shares_for_a_member(treasurer, society, member):
    society.multiple_shares_allowed = True
    society.save()

    response = treasurer.post(PAYMENTS, {"member_number": member.membership_number,
                                         "method": "cheque", "amount": "25.00",
                                         "received_on": TODAY().isoformat()}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["membership_number"], body["for_joining"], body["application"]) == (
        member.membership_number, False, None)
    assert body["reference"] == f"M{member.membership_number}"
    member.refresh_from_db()
    assert (member.shares_held, member.amount_paid) == (26, Decimal("26.00"))


@pytest.mark.parametrize("change, field, message", [
    ({"amount": "2.00"}, "amount", "A joining share costs £1.00"),
    ({"amount": "0.00"}, "amount", "greater than or equal to 0.01"),
    ({"amount": "1.001"}, "amount", "decimal places"),
    ({"amount": "lots"}, "amount", "valid number"),
    ({"amount": "1" * 13}, "amount", "digits"),
    ({"method": "card"}, "method", "Stripe"),
    ({"method": "barter"}, "method", "not a valid choice"),
    ({"received_on": "tomorrow"}, "received_on", "Date has wrong format"),
    ({"reference": "x" * 41}, "reference", "40 characters"),
    ({"application": 10**20}, "application", "no application with that id"),
    ({"application": "ada"}, "application", "as its number"),
    ({"member_number": 10**20}, "member_number", "less than or equal to"),
])
def test_record_payment_bad_field_is_400_and_writes_nothing(treasurer, awaiting, change, field,
                                                            message):
    before = rows()

    response = treasurer.post(PAYMENTS, joining(awaiting, **change), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert rows() == before


def test_record_payment_dated_in_the_future_is_400(treasurer, awaiting):
    before = rows()

    response = treasurer.post(PAYMENTS, joining(
        awaiting, received_on=(TODAY() + timedelta(days=1)).isoformat()), format="json")

    assert response.status_code == 400
    assert response.json() == {"received_on": ["The date received cannot be in the future."]}
    assert rows() == before


@pytest.mark.parametrize("who", [{}, "both"])
def test_record_payment_must_say_who_paid(treasurer, awaiting, member, who):
    body = joining(awaiting)
    if who == "both":
        body["member_number"] = member.membership_number
    else:
        del body["application"]

    response = treasurer.post(PAYMENTS, body, format="json")

    assert response.status_code == 400
    assert "Say who paid" in response.json()["non_field_errors"][0]


def test_record_payment_for_an_application_elsewhere_is_400(treasurer, other_society):
    elsewhere = ApplicationFactory(society=other_society, approved=True)
    before = rows()

    response = treasurer.post(PAYMENTS, joining(elsewhere), format="json")

    assert response.status_code == 400
    assert response.json() == {"application": [
        "There is no application with that id in this co-op."]}
    assert rows() == before
    elsewhere.refresh_from_db()
    assert elsewhere.state == "approved"


def test_record_payment_for_an_unknown_member_number_is_400(treasurer, other_member):
    response = treasurer.post(PAYMENTS, {"member_number": other_member.membership_number + 50,
                                         "method": "cash", "amount": "1.00",
                                         "received_on": TODAY().isoformat()}, format="json")

    assert response.status_code == 400
    assert response.json() == {"member_number": ["No member of this co-op has that number."]}


def test_record_joining_payment_twice_is_400(treasurer, awaiting):
    treasurer.post(PAYMENTS, joining(awaiting), format="json")
    before = rows()

    response = treasurer.post(PAYMENTS, joining(awaiting), format="json")

    assert response.status_code == 400
    assert "Only an approved applicant" in response.json()["non_field_errors"][0]
    assert rows() == before


def test_record_joining_payment_before_approval_is_400(treasurer, society):
    pending = ApplicationFactory(society=society)

    response = treasurer.post(PAYMENTS, joining(pending), format="json")

    assert response.status_code == 400
    assert "waiting for a decision" in response.json()["non_field_errors"][0]
    assert not Member.objects.filter(user=pending.user).exists()


def test_record_more_shares_when_the_rules_allow_one_is_400(treasurer, member):
    before = rows()

    response = treasurer.post(PAYMENTS, {"member_number": member.membership_number,
                                         "method": "cash", "amount": "1.00",
                                         "received_on": TODAY().isoformat()}, format="json")

    assert response.status_code == 400
    assert "hold one share each" in response.json()["non_field_errors"][0]
    assert rows() == before


def test_record_payment_by_a_member_is_403(signed_in, member, awaiting):
    response = signed_in(member.user).post(PAYMENTS, joining(awaiting), format="json")

    assert response.status_code == 403
    assert not Payment.objects.filter(application=awaiting).exists()


def test_record_payment_by_another_societys_treasurer_is_404(signed_in, other_society,
                                                             awaiting):
    outsider = OfficerFactory(society=other_society, role="treasurer").user

    response = signed_in(outsider).post(PAYMENTS, joining(awaiting), format="json")

    assert response.status_code == 404
    assert not Payment.objects.filter(application=awaiting).exists()


# --- listing payments -----------------------------------------------------------------------

@pytest.fixture
def ledger(society, secretary, awaiting, member, other_member):
    """A joining payment by bank transfer, the member factory's payment (another way), a
    failed card payment, and a payment elsewhere."""
    shares.record_offline_payment(application=awaiting, method="bank_transfer",
                                  amount=Decimal("1.00"), received_on=TODAY(), by=secretary)
    card = ApplicationFactory(society=society, full_name="Card Payer", approved=True)
    Payment.objects.create(society=society, application=card, method="card",
                           amount=Decimal("1.00"), reference=card.payment_reference,
                           stripe_session_id="cs_test_1", failed_at=timezone.now())


def test_payments_list_shows_this_societys_payments_with_who_paid(treasurer, ledger, member):
    response = treasurer.get(PAYMENTS)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    rows = {r["payer_name"]: r for r in body["results"]}
    assert set(rows) == {"Mary Seacole", member.full_name, "Card Payer"}
    assert (rows["Card Payer"]["state"], rows["Card Payer"]["membership_number"]) == (
        "failed", None)
    assert rows["Mary Seacole"]["membership_number"] == 2
    assert rows[member.full_name]["method"] == "other"
    created = [r["created_at"] for r in body["results"]]
    assert created == sorted(created, reverse=True), "newest first"


@pytest.mark.parametrize("params, payers", [
    ({"method": "card"}, {"Card Payer"}),
    ({"method": "bank_transfer"}, {"Mary Seacole"}),
    ({"state": "failed"}, {"Card Payer"}),
    ({"state": "confirmed", "method": "card"}, set()),
    ({"state": "refunded"}, set()),
])
def test_payments_list_filters_by_method_and_state(treasurer, ledger, params, payers):
    body = treasurer.get(PAYMENTS, params).json()

    assert {r["payer_name"] for r in body["results"]} == payers


@pytest.mark.parametrize("params, field", [({"method": "gold"}, "method"),
                                           ({"state": "lost"}, "state")])
def test_payments_list_bad_filter_is_400(treasurer, params, field):
    response = treasurer.get(PAYMENTS, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("stamps", [(), ("confirmed_at",), ("failed_at",), ("held_at",),
                                    ("held_at", "confirmed_at"), ("confirmed_at", "refunded_at"),
                                    ("held_at", "refunded_at")])
def test_payments_state_filter_agrees_with_payment_state(member, stamps):
    payment = member.payments.get()
    Payment.objects.filter(pk=payment.pk).update(
        **{"confirmed_at": None, **dict.fromkeys(stamps, timezone.now())})
    payment.refresh_from_db()

    matching = [state for state, condition in PAYMENT_STATES.items()
                if Payment.objects.filter(condition, pk=payment.pk).exists()]

    assert matching == [payment.state]
    assert set(PAYMENT_STATES) == set(PaymentState.values)


def test_payments_list_is_paginated(treasurer, society):
    MemberFactory.create_batch(3, society=society)

    body = treasurer.get(PAYMENTS, {"limit": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert "offset=2" in body["next"]


def test_payments_list_member_is_403(signed_in, member):
    response = signed_in(member.user).get(PAYMENTS)

    assert response.status_code == 403
    assert member.full_name not in response.content.decode()


def test_payments_list_officer_of_another_society_is_404(signed_in, outsider_officer, member):
    response = signed_in(outsider_officer).get(PAYMENTS)

    assert response.status_code == 404
    assert member.full_name not in response.content.decode()


def test_payments_list_anonymous_is_401(api, member):
    assert api.get(PAYMENTS).status_code == 401


# Session, user, society, roles, count, page: the same for one payment or fifty.
PAYMENTS_QUERIES = 6


@pytest.mark.parametrize("how_many", [1, 50])
def test_payments_list_queries_do_not_grow(treasurer, society, secretary, how_many,
                                           django_assert_max_num_queries):
    MemberFactory.create_batch(how_many, society=society)
    shares.record_offline_payment(
        application=ApplicationFactory(society=society, approved=True), method="cash",
        amount=society.share_value, received_on=TODAY(), by=secretary)

    with django_assert_max_num_queries(PAYMENTS_QUERIES):
        response = treasurer.get(PAYMENTS)

    assert len(response.json()["results"]) == how_many + 1
