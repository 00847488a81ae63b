"""The Stripe webhook endpoint: real signed payloads posted to the real URL. Checkout sessions
come from the fake Stripe server (tests/membership/stripe_fake), so session ids, amounts and
metadata are what our own Checkout call asked Stripe for."""

import json
import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership.models import Application, Member, Payment, ShareTransaction, StripeEvent
from membership.shares import record_offline_payment
from membership.stripe_payments import held_payments, start_checkout
from tests.concurrency import needs_postgresql
from tests.factories import ApplicationFactory, SocietyFactory, UserFactory
from tests.membership import stripe_fake
from tests.membership.stripe_fake import WEBHOOK_SECRET, charge, event, signed

fake_stripe = stripe_fake.fake_stripe
webhook_secret = stripe_fake.webhook_secret

URL = "/stripe/webhook/"
COMPLETED = "checkout.session.completed"
SUCCEEDED = "checkout.session.async_payment_succeeded"
FAILED = "checkout.session.async_payment_failed"


@pytest.fixture
def pending(society, secretary, fake_stripe, webhook_secret):
    """An approved applicant who has been sent to Stripe Checkout."""
    application = ApplicationFactory(society=society, approved_at=timezone.now(),
                                     decided_by=secretary)
    start_checkout(application, success_url="https://coop.test/ok",
                   cancel_url="https://coop.test/no")
    return application.payments.get()


def post(client, payload: dict, **signing):
    body = json.dumps(payload)
    return client.post(URL, data=body, content_type="application/json",
                       headers=signed(body, **signing))


def snapshot():
    return {"events": StripeEvent.objects.count(), "members": Member.objects.count(),
            "shares": ShareTransaction.objects.count(), "audit": AuditEntry.objects.count(),
            "payments": list(Payment.objects.order_by("pk").values()),
            "applications": list(Application.objects.order_by("pk").values())}


def completed(fake, payment, **changes):
    return event(COMPLETED, fake.pay(payment.stripe_session_id) | changes)


# --- the happy path ---------------------------------------------------------------------------

def test_route_is_named():
    assert reverse("stripe_webhook") == URL


def test_completed_admits_applicant_and_issues_share(client, pending, fake_stripe,
                                                     django_capture_on_commit_callbacks):
    payload = completed(fake_stripe, pending)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, payload)

    assert response.status_code == 200
    assert response.json()["outcome"] == "confirmed: member no. 1 admitted"
    pending.refresh_from_db()
    member = Member.objects.get(application=pending.application)
    assert member.membership_number == 1
    assert member.admitted_on == timezone.localdate()
    assert (member.shares_held, member.amount_paid) == (1, Decimal("1.00"))
    [line] = member.share_transactions.all()
    assert (line.kind, line.shares, line.amount, line.payment) == ("issue", 1, Decimal("1.00"),
                                                                  pending)
    assert pending.state == "confirmed"
    assert pending.member == member
    assert pending.received_on == timezone.localdate()
    assert pending.stripe_payment_intent == payload["data"]["object"]["payment_intent"]
    assert pending.application.state == "admitted"
    assert [m.subject for m in mail.outbox] == [f"Welcome to {pending.society.name}"]


def test_completed_stores_event_and_audits(client, pending, fake_stripe):
    payload = completed(fake_stripe, pending)

    post(client, payload)

    stored = StripeEvent.objects.get()
    assert stored.id == payload["id"]
    assert stored.type == COMPLETED
    assert stored.payload == payload
    assert stored.processed_at is not None
    assert stored.outcome.startswith("confirmed")
    recorded = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"membership.payment.confirmed", "membership.member.admitted",
            "membership.shares.issue"} <= recorded


def test_replayed_event_changes_nothing(client, pending, fake_stripe,
                                        django_capture_on_commit_callbacks):
    payload = completed(fake_stripe, pending)
    post(client, payload)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, payload)

    assert response.status_code == 200
    assert response.json()["outcome"].startswith("confirmed")
    assert snapshot() == before
    assert callbacks == []


def test_second_event_for_a_confirmed_session_changes_nothing(client, pending, fake_stripe):
    post(client, completed(fake_stripe, pending))
    before = snapshot()

    response = post(client, event(SUCCEEDED, fake_stripe.sessions[pending.stripe_session_id]))

    assert response.json()["outcome"] == "nothing to do: already dealt with"
    after = snapshot()
    assert (after["members"], after["shares"], after["payments"]) == \
        (before["members"], before["shares"], before["payments"])


# --- refused deliveries -----------------------------------------------------------------------

def test_bad_signature_is_400_and_changes_nothing(client, pending, fake_stripe):
    payload = completed(fake_stripe, pending)
    before = snapshot()

    response = post(client, payload, secret="whsec_someone_else")

    assert response.status_code == 400
    assert snapshot() == before


def test_tampered_body_is_400(client, pending, fake_stripe):
    payload = completed(fake_stripe, pending)
    header = signed(json.dumps(payload))
    payload["data"]["object"]["amount_total"] = 1

    response = client.post(URL, data=json.dumps(payload), content_type="application/json",
                           headers=header)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_missing_signature_is_400(client, pending, fake_stripe):
    response = client.post(URL, data=json.dumps(completed(fake_stripe, pending)),
                           content_type="application/json")

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_stale_timestamp_is_400(client, pending, fake_stripe):
    payload = completed(fake_stripe, pending)
    before = snapshot()

    response = post(client, payload, timestamp=int(time.time()) - 600)

    assert response.status_code == 400
    assert snapshot() == before


def test_no_webhook_secret_configured_is_503_and_changes_nothing(client, pending, fake_stripe,
                                                                 settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = completed(fake_stripe, pending)
    before = snapshot()

    response = post(client, payload, secret=WEBHOOK_SECRET)

    assert response.status_code == 503
    assert snapshot() == before


def test_signed_non_json_is_400(client, webhook_secret):
    response = client.post(URL, data="not json", content_type="application/json",
                           headers=signed("not json"))

    assert response.status_code == 400


def test_get_is_not_allowed(client, webhook_secret):
    assert client.get(URL).status_code == 405


# --- amounts and people that do not fit ---------------------------------------------------

def test_wrong_amount_is_held_not_admitted(client, pending, fake_stripe):
    response = post(client, completed(fake_stripe, pending, amount_total=50))

    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.state == "held"
    assert pending.held_reason == "£0.50 was paid, not the £1.00 expected."
    assert pending.confirmed_at is None
    assert pending.stripe_payment_intent.startswith("pi_test_")
    assert not Member.objects.exists()
    assert not ShareTransaction.objects.exists()
    assert Application.objects.get(pk=pending.application_id).state == "approved"
    entry = AuditEntry.objects.get(action="membership.payment.held")
    assert entry.object_id == str(pending.pk)
    assert response.json()["outcome"].startswith("held: ")
    assert list(held_payments(pending.society)) == [pending]


def test_wrong_currency_is_held(client, pending, fake_stripe):
    post(client, completed(fake_stripe, pending, currency="eur"))

    pending.refresh_from_db()
    assert pending.state == "held"
    assert pending.held_reason == ("The payment was in EUR, not in pounds (GBP); £1.00 was "
                                   "expected.")
    assert not Member.objects.exists()
    assert AuditEntry.objects.filter(action="membership.payment.held").count() == 1


def test_already_admitted_applicant_is_held(client, pending, fake_stripe, secretary):
    record_offline_payment(application=pending.application, method="cash",
                           amount=Decimal("1.00"), received_on=timezone.localdate(),
                           by=secretary)
    shares_before = ShareTransaction.objects.count()

    post(client, completed(fake_stripe, pending))

    pending.refresh_from_db()
    assert pending.state == "held"
    assert "already a member (no. 1)" in pending.held_reason
    assert Member.objects.count() == 1
    assert ShareTransaction.objects.count() == shares_before
    assert AuditEntry.objects.filter(action="membership.payment.held").exists()


def test_applicant_admitted_in_another_society_is_still_admitted_here(client, pending,
                                                                      fake_stripe):
    elsewhere = SocietyFactory()
    Member.objects.create(society=elsewhere, user=pending.application.user,
                          member_class=elsewhere.member_classes.first(), membership_number=1,
                          admitted_on=timezone.localdate(), full_name="A", address="B",
                          postcode="C")

    post(client, completed(fake_stripe, pending))

    pending.refresh_from_db()
    assert pending.state == "confirmed"


def test_unknown_session_is_200_and_changes_nothing_but_the_event(client, pending, society,
                                                                  fake_stripe):
    session = fake_stripe.pay(pending.stripe_session_id) | {"id": "cs_test_unknown"}
    before = snapshot()

    response = post(client, event(COMPLETED, session))

    assert response.status_code == 200
    assert response.json()["outcome"] == "unknown session"
    after = snapshot()
    assert after["payments"] == before["payments"]
    assert (after["members"], after["shares"]) == (before["members"], before["shares"])
    assert StripeEvent.objects.get().outcome == "unknown session"
    entry = AuditEntry.objects.get(action="membership.stripe.unmatched")
    assert entry.society == society


# --- payments that clear later ------------------------------------------------------------

def test_completed_unpaid_waits_then_async_success_admits(client, pending, fake_stripe):
    response = post(client, completed(fake_stripe, pending, payment_status="unpaid"))

    assert response.json()["outcome"].startswith("waiting")
    assert not Member.objects.exists()
    pending.refresh_from_db()
    assert pending.state == "pending"

    session = fake_stripe.pay(pending.stripe_session_id)
    response = post(client, event(SUCCEEDED, session))

    assert response.json()["outcome"] == "confirmed: member no. 1 admitted"
    assert Member.objects.get().shares_held == 1


def test_async_failure_marks_payment_failed_and_sends_nothing(
        client, pending, fake_stripe, django_capture_on_commit_callbacks):
    post(client, completed(fake_stripe, pending, payment_status="unpaid"))
    session = fake_stripe.pay(pending.stripe_session_id, payment_status="unpaid")

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event(FAILED, session))

    assert response.json()["outcome"] == "failed"
    pending.refresh_from_db()
    assert pending.state == "failed"
    assert pending.failed_at is not None
    assert not Member.objects.exists()
    assert mail.outbox == []
    assert AuditEntry.objects.filter(action="membership.payment.failed",
                                     object_id=str(pending.pk)).exists()


def test_success_after_failure_is_held(client, pending, fake_stripe):
    post(client, event(FAILED, fake_stripe.pay(pending.stripe_session_id, payment_status="unpaid")))

    post(client, event(SUCCEEDED, fake_stripe.pay(pending.stripe_session_id)))

    pending.refresh_from_db()
    assert pending.failed_at is not None and pending.held_at is not None
    assert "failed, and later that it was paid" in pending.held_reason
    assert not Member.objects.exists()


# --- refunds made in Stripe -----------------------------------------------------------------

def test_charge_refunded_marks_payment_refunded_once(client, pending, fake_stripe):
    post(client, completed(fake_stripe, pending))
    pending.refresh_from_db()
    refunded = charge(pending.stripe_payment_intent)

    response = post(client, event("charge.refunded", refunded))

    assert response.json()["outcome"] == "refunded"
    pending.refresh_from_db()
    assert pending.refunded_at is not None
    assert pending.refund_reference == refunded["id"]
    first_refund = pending.refunded_at
    assert AuditEntry.objects.filter(action="membership.payment.refunded").count() == 1

    response = post(client, event("charge.refunded", refunded))

    assert response.json()["outcome"] == "nothing to do: already refunded"
    pending.refresh_from_db()
    assert pending.refunded_at == first_refund
    assert AuditEntry.objects.filter(action="membership.payment.refunded").count() == 1


def test_charge_partly_refunded_is_left_for_an_officer(client, pending, fake_stripe):
    post(client, completed(fake_stripe, pending))
    pending.refresh_from_db()

    response = post(client, event("charge.refunded",
                                  charge(pending.stripe_payment_intent, refunded=False)))

    assert response.json()["outcome"] == ("partly refunded in Stripe (£0.50): left for an "
                                          "officer")
    pending.refresh_from_db()
    assert pending.refunded_at is None


def test_charge_refunded_for_unknown_payment_is_200(client, db, webhook_secret):
    response = post(client, event("charge.refunded", charge("pi_test_nobody")))

    assert response.status_code == 200
    assert response.json()["outcome"] == "unknown payment"
    assert not Payment.objects.exists()


def test_other_event_types_are_stored_and_ignored(client, db, webhook_secret):
    payload = event("customer.created", {"id": "cus_test_1", "object": "customer"})

    response = post(client, payload)

    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored (customer.created)"
    assert AuditEntry.objects.filter(action="membership.stripe.ignored").count() == 1


# --- two deliveries of one event at the same moment ----------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_delivery_issues_one_share(fake_stripe, webhook_secret):
    needs_postgresql("Two deliveries racing")
    society = SocietyFactory(slug="race")
    secretary = UserFactory()
    application = ApplicationFactory(society=society, approved_at=timezone.now(),
                                     decided_by=secretary)
    start_checkout(application, success_url="https://coop.test/ok",
                   cancel_url="https://coop.test/no")
    payment = application.payments.get()
    body = json.dumps(event(COMPLETED, fake_stripe.pay(payment.stripe_session_id)))
    deliveries = 4
    barrier = threading.Barrier(deliveries)
    responses, errors = [], []

    def deliver_once():
        try:
            barrier.wait()
            response = Client().post(URL, data=body, content_type="application/json",
                                     headers=signed(body))
            responses.append((response.status_code, response.json()["outcome"]))
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver_once) for _ in range(deliveries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert responses == [(200, "confirmed: member no. 1 admitted")] * deliveries
    assert StripeEvent.objects.count() == 1
    assert Member.objects.filter(society=society).count() == 1
    assert ShareTransaction.objects.filter(payment=payment).count() == 1
    assert Member.objects.get(society=society).shares_held == 1
    assert AuditEntry.objects.filter(action="membership.payment.confirmed").count() == 1
