"""Signed Stripe events that are not what Stripe documents, and events that match no payment.
The signature proves who sent an event, not its shape: each is refused or stored without
effect, never a 500, and an event matches a payment only by its exact session id, in the
society the session was made for."""

import json
from datetime import date

import pytest

from coop.models import AuditEntry
from membership.models import Payment, StripeEvent
from membership.shares import record_offline_payment
from tests.factories import ApplicationFactory
from tests.membership import stripe_fake
from tests.membership.stripe_fake import charge, event, signed

webhook_secret = stripe_fake.webhook_secret
URL = "/stripe/webhook/"


def post_body(client, body: str):
    return client.post(URL, data=body, content_type="application/json", headers=signed(body))


@pytest.mark.parametrize("body", ["[]", '"a string"', "7", "null", "[" * 50_000 + "]" * 50_000])
def test_a_signed_body_that_is_not_an_event_is_a_400(client, db, webhook_secret, body):
    response = post_body(client, body)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize("refunds", ["not a list", {"data": "x"}, {"data": [7]},
                                     {"data": {"id": "re_1"}}])
def test_a_refund_event_of_the_wrong_shape_changes_nothing(client, society, webhook_secret,
                                                           refunds):
    payment = Payment.objects.create(society=society, method="card", amount=1, currency="GBP",
                                     reference="MUTUAL-1", stripe_payment_intent="pi_1",
                                     application=ApplicationFactory(society=society))
    payload = event("charge.refunded", charge("pi_1") | {"refunds": refunds})

    response = post_body(client, json.dumps(payload))

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.refunded_at is None
    assert StripeEvent.objects.get().outcome.startswith("refused")


@pytest.fixture
def cheque_elsewhere(other_society, officer_for):
    """A payment made another way in another co-op: it has no Checkout session id."""
    treasurer = officer_for("treasurer", other_society)
    application = ApplicationFactory(society=other_society, approved=True)
    payment = record_offline_payment(application=application, method="cheque",
                                     amount=other_society.share_value,
                                     received_on=date.today(), by=treasurer)
    assert payment.stripe_session_id in (None, "")
    return payment


@pytest.mark.parametrize("session_id", [None, "", 0, ["cs_1"]])
def test_a_completed_session_without_an_id_matches_no_payment(client, society, webhook_secret,
                                                              cheque_elsewhere, session_id):
    audit_before = set(AuditEntry.objects.filter(object_id=str(cheque_elsewhere.pk))
                       .values_list("pk", flat=True))
    session = {"id": session_id, "object": "checkout.session", "payment_status": "paid",
               "amount_total": 100, "currency": "gbp",
               "metadata": {"society": cheque_elsewhere.society.slug}}

    response = post_body(client, json.dumps(event("checkout.session.completed", session)))

    assert response.status_code == 200
    assert response.json()["outcome"] == "unknown session"
    after = set(AuditEntry.objects.filter(object_id=str(cheque_elsewhere.pk))
                .values_list("pk", flat=True))
    assert after == audit_before


def test_a_session_made_for_another_society_matches_nothing(client, society, other_society,
                                                            webhook_secret):
    payment = Payment.objects.create(society=society, method="card", amount=1, currency="GBP",
                                     reference="MUTUAL-2", stripe_session_id="cs_ours",
                                     application=ApplicationFactory(society=society,
                                                                    approved=True))
    session = {"id": "cs_ours", "object": "checkout.session", "payment_status": "paid",
               "amount_total": 100, "currency": "gbp",
               "metadata": {"society": other_society.slug}}

    response = post_body(client, json.dumps(event("checkout.session.completed", session)))

    assert response.json()["outcome"] == "unknown session"
    payment.refresh_from_db()
    assert payment.confirmed_at is None and payment.held_at is None
