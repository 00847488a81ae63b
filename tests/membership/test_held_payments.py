"""Officers resolving a held card payment from the reconciliation page: refund it to the card
or accept it as the joining share, each with a note. Stripe is the fake HTTP server in
tests/membership/stripe_fake; pages go through tests.coop.test_views.PageCheckingClient."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership import services, stripe_payments
from membership.models import Payment, ShareTransaction
from membership.services import MembershipError
from membership.stripe_payments import (
    accept_held_payment,
    held_payments,
    process_event,
    refund_held_payment,
    start_checkout,
)
from tests.factories import ApplicationFactory, MemberFactory
from tests.membership import stripe_fake
from tests.pages import PageCheckingClient, text

fake_stripe = stripe_fake.fake_stripe

REFUNDS = "/v1/refunds"
URLS = {"success_url": "https://coop.test/s/mutual/pay/done/",
        "cancel_url": "https://coop.test/s/mutual/pay/"}
NOTE = "Spoke to the payer on the phone"


@pytest.fixture
def client():
    return PageCheckingClient()


@pytest.fixture
def treasurer(officer_for):
    return officer_for("treasurer")


@pytest.fixture
def applicant(society, secretary):
    return services.approve_application(ApplicationFactory(society=society,
                                                           full_name="Held Payer"),
                                        by=secretary)


def held_by_webhook(fake, application, **session_changes):
    """Checkout, then Stripe reports the session paid but with `session_changes` (a wrong
    amount or currency): the webhook holds the payment."""
    start_checkout(application, **URLS)
    payment = application.payments.get()
    session = fake.pay(payment.stripe_session_id)
    session.update(session_changes)
    process_event(stripe_fake.event("checkout.session.completed", session))
    payment.refresh_from_db()
    assert payment.state == "held"
    return payment


def held_directly(application, *, amount="1.00", currency="GBP"):
    """A held card payment for the right amount (for example, one the officer has checked in
    Stripe's dashboard)."""
    return Payment.objects.create(
        society=application.society, application=application, method="card",
        amount=Decimal(amount), currency=currency, reference=application.payment_reference,
        stripe_payment_intent="pi_test_checked", held_at=timezone.now(),
        received_on=timezone.localdate(), held_reason="Stripe says no payment was needed.")


def snapshot(payment):
    """Everything a resolution could write: to check that a refused one wrote nothing."""
    payment = Payment.objects.get(pk=payment.pk)
    return (payment.confirmed_at, payment.refunded_at, payment.refund_reference,
            payment.member_id, AuditEntry.objects.count(), ShareTransaction.objects.count(),
            payment.society.members.count())


def url(name, payment):
    return reverse(name, args=[payment.society.slug, payment.pk])


# --- refunding --------------------------------------------------------------------------------

def test_refund_sends_the_whole_payment_back_and_marks_it_refunded(
        society, applicant, treasurer, fake_stripe):
    payment = held_by_webhook(fake_stripe, applicant, amount_total=500)

    refund_held_payment(payment, by=treasurer, note=NOTE)

    [sent] = fake_stripe.posts_to(REFUNDS)
    assert sent.form["payment_intent"] == payment.stripe_payment_intent
    assert sent.form["amount"] == "500"  # what the card was charged, not the £1 expected
    assert sent.idempotency_key == f"refund-held-{payment.pk}"
    payment.refresh_from_db()
    assert payment.state == "refunded"
    assert payment.refund_reference in fake_stripe.refunds
    assert payment.confirmed_at is None
    entry = AuditEntry.objects.get(action="membership.payment.held_refunded")
    assert entry.actor == treasurer
    assert entry.data["note"] == NOTE
    assert list(held_payments(society)) == []
    assert society.members.count() == 0


def test_refund_of_the_expected_amount_sends_its_pence(applicant, treasurer, fake_stripe):
    payment = held_directly(applicant)

    refund_held_payment(payment, by=treasurer, note=NOTE)

    [sent] = fake_stripe.posts_to(REFUNDS)
    assert (sent.form["payment_intent"], sent.form["amount"]) == ("pi_test_checked", "100")


def test_refund_from_the_page(client, society, applicant, treasurer, fake_stripe):
    payment = held_by_webhook(fake_stripe, applicant, amount_total=500)
    client.force_login(treasurer)

    response = client.post(url("refund_held_payment", payment), {"note": NOTE}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("reconciliation", args=[society.slug])
    assert "has been refunded in full to the card" in text(response)
    assert "No payments are held." in text(response)
    assert Payment.objects.get(pk=payment.pk).state == "refunded"


def test_refund_stripe_error_writes_nothing(client, applicant, treasurer, fake_stripe):
    payment = held_by_webhook(fake_stripe, applicant, amount_total=500)
    before = snapshot(payment)
    fake_stripe.fail_next()

    with pytest.raises(MembershipError, match="Card refunds are not working"):
        refund_held_payment(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before
    fake_stripe.fail_next()
    client.force_login(treasurer)
    response = client.post(url("refund_held_payment", payment), {"note": NOTE}, follow=True)
    assert "Card refunds are not working" in text(response)
    assert snapshot(payment) == before


def test_refund_without_a_payment_intent_refused(applicant, treasurer, fake_stripe):
    payment = held_directly(applicant)
    payment.stripe_payment_intent = None
    payment.save(update_fields=["stripe_payment_intent"])
    before = snapshot(payment)

    with pytest.raises(MembershipError, match="no card payment in Stripe"):
        refund_held_payment(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before
    assert fake_stripe.requests == []


def test_refund_without_stripe_configured_refused(applicant, treasurer, settings):
    settings.STRIPE_SECRET_KEY = ""
    payment = held_directly(applicant)
    before = snapshot(payment)

    with pytest.raises(MembershipError, match="not available"):
        refund_held_payment(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before


# --- accepting --------------------------------------------------------------------------------

def test_accept_admits_the_applicant_with_a_number_and_one_share(
        client, society, applicant, treasurer):
    payment = held_directly(applicant)
    client.force_login(treasurer)

    response = client.post(url("accept_held_payment", payment), {"note": NOTE}, follow=True)

    member = society.members.get()
    assert member.membership_number is not None
    assert member.user == applicant.user
    assert f"now member number {member.membership_number}" in text(response)
    assert "No payments are held." in text(response)
    assert (member.shares_held, member.amount_paid) == (1, Decimal("1.00"))
    [line] = ShareTransaction.objects.filter(member=member)
    assert (line.kind, line.shares, line.payment_id) == ("issue", 1, payment.pk)
    payment.refresh_from_db()
    assert payment.state == "confirmed"
    assert payment.member == member
    entry = AuditEntry.objects.get(action="membership.payment.held_accepted")
    assert entry.actor == treasurer
    assert entry.data["note"] == NOTE
    register = text(client.get(reverse("member_detail",
                                       args=[society.slug, member.membership_number])))
    assert "Held Payer" in register


def test_accept_refused_when_the_amount_is_wrong(client, applicant, treasurer, fake_stripe):
    payment = held_by_webhook(fake_stripe, applicant, amount_total=500)
    before = snapshot(payment)

    with pytest.raises(MembershipError, match=r"£5.00 was paid.*refund it"):
        accept_held_payment(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before
    client.force_login(treasurer)
    response = client.post(url("accept_held_payment", payment), {"note": NOTE}, follow=True)
    assert "£5.00 was paid, but a share costs £1.00" in text(response)
    assert snapshot(payment) == before


def test_accept_refused_when_the_recorded_amount_is_wrong(applicant, treasurer):
    payment = held_directly(applicant, amount="5.00")
    before = snapshot(payment)

    with pytest.raises(MembershipError, match="a share costs £1.00"):
        accept_held_payment(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before


def test_accept_refused_for_another_currency(applicant, treasurer, fake_stripe):
    payment = held_by_webhook(fake_stripe, applicant, currency="eur")
    before = snapshot(payment)

    with pytest.raises(MembershipError, match="EUR, not in pounds"):
        accept_held_payment(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before


def test_accept_refused_when_already_a_member(society, applicant, treasurer):
    payment = held_directly(applicant)
    MemberFactory(society=society, user=applicant.user)
    before = snapshot(payment)

    with pytest.raises(MembershipError, match="already a member"):
        accept_held_payment(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before


def test_accept_refused_when_the_application_was_withdrawn(applicant, treasurer):
    payment = held_directly(applicant)
    applicant.withdrawn_at, applicant.approved_at = timezone.now(), None
    applicant.save(update_fields=["withdrawn_at", "approved_at"])
    before = snapshot(payment)

    with pytest.raises(MembershipError, match="no longer waiting for payment"):
        accept_held_payment(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before


# --- the note ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["refund_held_payment", "accept_held_payment"])
def test_note_required_on_the_page(client, applicant, treasurer, fake_stripe, name):
    payment = held_directly(applicant)
    before = snapshot(payment)
    client.force_login(treasurer)

    response = client.post(url(name, payment), {"note": "  "})

    assert response.status_code == 200
    assert "Error: Write a note saying why you decided this." in text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert snapshot(payment) == before
    assert fake_stripe.requests == []


@pytest.mark.parametrize("decide", [refund_held_payment, accept_held_payment])
def test_note_required_by_the_service(applicant, treasurer, fake_stripe, decide):
    payment = held_directly(applicant)
    before = snapshot(payment)

    with pytest.raises(MembershipError, match="Write a note"):
        decide(payment, by=treasurer, note="")

    assert snapshot(payment) == before
    assert fake_stripe.requests == []


# --- once only --------------------------------------------------------------------------------

def test_a_refunded_payment_cannot_be_refunded_or_accepted(applicant, treasurer, fake_stripe):
    payment = held_directly(applicant)
    refund_held_payment(payment, by=treasurer, note=NOTE)
    before = snapshot(payment)

    for decide in (refund_held_payment, accept_held_payment):
        with pytest.raises(MembershipError, match="already been refunded"):
            decide(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before
    assert len(fake_stripe.posts_to(REFUNDS)) == 1


def test_an_accepted_payment_cannot_be_accepted_or_refunded(applicant, treasurer, fake_stripe):
    payment = held_directly(applicant)
    accept_held_payment(payment, by=treasurer, note=NOTE)
    before = snapshot(payment)

    for decide in (accept_held_payment, refund_held_payment):
        with pytest.raises(MembershipError, match="already been accepted"):
            decide(payment, by=treasurer, note=NOTE)

    assert snapshot(payment) == before
    assert fake_stripe.posts_to(REFUNDS) == []


def test_a_payment_that_is_not_held_cannot_be_resolved(applicant, treasurer, fake_stripe):
    start_checkout(applicant, **URLS)
    payment = applicant.payments.get()  # pending: the person has not paid yet

    for decide in (accept_held_payment, refund_held_payment):
        with pytest.raises(MembershipError, match="not held"):
            decide(payment, by=treasurer, note=NOTE)

    assert fake_stripe.posts_to(REFUNDS) == []


# --- who may ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["refund_held_payment", "accept_held_payment"])
@pytest.mark.parametrize("who", ["member", "scrutineer"])
def test_members_and_scrutineer_refused(client, society, applicant, officer_for, fake_stripe,
                                        name, who):
    payment = held_directly(applicant)
    user = MemberFactory(society=society).user if who == "member" else officer_for(who)
    before = snapshot(payment)
    client.force_login(user)

    response = client.post(url(name, payment), {"note": NOTE})

    assert response.status_code == 403
    assert snapshot(payment) == before
    assert fake_stripe.requests == []


@pytest.mark.parametrize("name", ["refund_held_payment", "accept_held_payment"])
def test_another_societys_payment_not_found(client, society, other_society, officer_for,
                                            treasurer, name, fake_stripe):
    other = services.approve_application(ApplicationFactory(society=other_society),
                                         by=officer_for("secretary", other_society))
    payment = held_directly(other)
    client.force_login(treasurer)

    response = client.post(reverse(name, args=[society.slug, payment.pk]), {"note": NOTE})

    assert response.status_code == 404
    assert Payment.objects.get(pk=payment.pk).state == "held"


# --- the page ---------------------------------------------------------------------------------

def test_reconciliation_offers_both_decisions_with_labelled_notes(client, society, applicant,
                                                                  treasurer):
    payment = held_directly(applicant)
    client.force_login(treasurer)

    response = client.get(reverse("reconciliation", args=[society.slug]))

    html = response.content.decode()
    for action in ("refund", "accept"):
        assert f'<label for="{action}-{payment.pk}-note" class="label">' in html
        assert f'id="{action}-{payment.pk}-note"' in html
    assert f'action="{url("refund_held_payment", payment)}"' in html
    assert f'action="{url("accept_held_payment", payment)}"' in html
    page = text(response)
    assert "Refund to the card" in page and "Accept the payment" in page
    assert stripe_payments.NOTE_REQUIRED not in page
