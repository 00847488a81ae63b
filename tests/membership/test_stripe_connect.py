"""Stripe Connect: each society's card money on its own connected account. The treasurer's
onboarding through the pages, direct charges and refunds carrying the society's
`Stripe-Account`, the Connect webhook routing each event by its `account`, and that nothing
of one society can touch another's money or records. Stripe is the fake HTTP server in
tests/membership/stripe_fake; payloads are signed with the real `stripe` library."""

import json
import urllib.error
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership import services
from membership.models import Member, Payment, ShareTransaction, StripeAccount, StripeEvent
from membership.stripe_payments import (
    UNKNOWN_ACCOUNT,
    UNKNOWN_SESSION,
    card_payments_enabled,
    refund_held_payment,
    start_checkout,
    unmatched_stripe_payments,
)
from tests.factories import ApplicationFactory, OfficerFactory
from tests.membership import stripe_fake
from tests.membership.stripe_fake import CONNECT_WEBHOOK_SECRET, event, signed
from tests.pages import PageCheckingClient, text

fake_stripe = stripe_fake.fake_stripe
connect_webhook_secret = stripe_fake.connect_webhook_secret
webhook_secret = stripe_fake.webhook_secret

CONNECT_URL = "/stripe/connect/webhook/"
COMPLETED = "checkout.session.completed"
URLS = {"success_url": "https://coop.test/ok", "cancel_url": "https://coop.test/no"}


@pytest.fixture
def connect(settings, fake_stripe, connect_webhook_secret):
    settings.STRIPE_CONNECT = True
    return fake_stripe


def connected(fake, society) -> str:
    """The society has onboarded its own Stripe account, ready for charges."""
    account_id = fake.add_account()
    StripeAccount.objects.create(society=society, account_id=account_id,
                                 charges_enabled=True, details_submitted=True)
    return account_id


@pytest.fixture
def society_a(society, connect):
    return society, connected(connect, society)


@pytest.fixture
def society_b(other_society, connect):
    return other_society, connected(connect, other_society)


def approved_in(society):
    secretary = OfficerFactory(society=society, role="secretary").user
    return services.approve_application(ApplicationFactory(society=society), by=secretary)


def checkout(application) -> Payment:
    start_checkout(application, **URLS)
    return application.payments.get()


def post_connect(payload: dict, *, secret: str = CONNECT_WEBHOOK_SECRET):
    body = json.dumps(payload)
    return Client().post(CONNECT_URL, data=body, content_type="application/json",
                         headers=signed(body, secret=secret))


def paid_event(fake, payment, *, account: str, **changes) -> dict:
    return event(COMPLETED, fake.pay(payment.stripe_session_id) | changes, account=account)


# --- onboarding through the pages ---------------------------------------------------------------

def follow_onboarding(link: str) -> str:
    """The treasurer's browser on Stripe's onboarding pages: finish, and be sent back."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        urllib.request.build_opener(NoRedirect).open(link)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302
        return answer.headers["Location"]
    raise AssertionError("Stripe's onboarding page did not send the treasurer back")


def test_treasurer_connects_the_society_account_and_comes_back_ready(society, connect,
                                                                     officer_for):
    treasurer = officer_for("treasurer")
    client = PageCheckingClient()
    client.force_login(treasurer)
    page = reverse("card_account", args=[society.slug])
    assert "Not connected yet" in text(client.get(page))

    link = client.post(reverse("connect_card_account", args=[society.slug])).url
    account = StripeAccount.objects.get(society=society)
    assert link == f"{connect.url}/setup/{account.account_id}"
    assert not account.charges_enabled and not card_payments_enabled(society)
    created = connect.posts_to("/v1/accounts")
    assert len(created) == 1 and created[0].stripe_account is None
    assert created[0].form["metadata[society]"] == society.slug

    back = follow_onboarding(link)
    assert back == f"http://testserver/s/{society.slug}/officers/card-payments/return/"
    shown = text(client.get(back, follow=True))
    assert "Your Stripe account is connected. Card payments are ready." in shown
    assert "Ready: members can pay by card" in shown
    account.refresh_from_db()
    assert account.charges_enabled and card_payments_enabled(society)
    actions = set(AuditEntry.objects.filter(society=society).values_list("action", flat=True))
    assert {"membership.stripe_account.created", "membership.stripe_account.onboarding_started",
            "membership.stripe_account.updated"} <= actions


def test_second_onboarding_click_reuses_the_account(society, connect, officer_for):
    client = PageCheckingClient()
    client.force_login(officer_for("treasurer"))
    for _ in range(2):
        client.post(reverse("connect_card_account", args=[society.slug]))
    assert StripeAccount.objects.filter(society=society).count() == 1
    assert len(connect.accounts) == 1
    assert len(connect.posts_to("/v1/account_links")) == 2


def test_returning_before_stripe_is_done_says_not_ready(society, connect, officer_for):
    client = PageCheckingClient()
    client.force_login(officer_for("treasurer"))
    client.post(reverse("connect_card_account", args=[society.slug]))
    shown = text(client.get(reverse("card_account_return", args=[society.slug]), follow=True))
    assert "card payments are not ready" in shown
    assert "Continue on Stripe" in shown


def test_members_and_other_societies_officers_cannot_onboard(society, other_society, connect,
                                                            member):
    outsider = OfficerFactory(society=other_society, role="treasurer").user
    for user in (member.user, outsider):
        client = PageCheckingClient()
        client.force_login(user)
        assert client.get(reverse("card_account", args=[society.slug])).status_code == 403
        assert client.post(reverse("connect_card_account",
                                   args=[society.slug])).status_code == 403
    assert not connect.requests and not StripeAccount.objects.exists()


def test_single_key_site_has_nothing_to_connect(society, fake_stripe, officer_for):
    client = PageCheckingClient()
    client.force_login(officer_for("treasurer"))
    assert "nothing to connect" in text(client.get(reverse("card_account",
                                                           args=[society.slug])))
    shown = text(client.post(reverse("connect_card_account", args=[society.slug]),
                             follow=True))
    assert "not switched on" in shown
    assert not fake_stripe.requests


# --- direct charges on the society's own account ------------------------------------------------

def test_checkout_is_made_on_the_societys_account(society_a, society_b, connect):
    (a, account_a), (b, account_b) = society_a, society_b
    pay_a, pay_b = checkout(approved_in(a)), checkout(approved_in(b))
    assert (pay_a.stripe_account, pay_b.stripe_account) == (account_a, account_b)
    assert connect.account_of_session(pay_a.stripe_session_id) == account_a
    assert connect.account_of_session(pay_b.stripe_session_id) == account_b
    sessions = connect.posts_to("/v1/checkout/sessions")
    assert [r.stripe_account for r in sessions] == [account_a, account_b]


def test_without_a_ready_account_there_is_no_card_payment(society, connect):
    assert not card_payments_enabled(society)
    with pytest.raises(services.MembershipError):
        checkout(approved_in(society))
    assert not connect.requests and not Payment.objects.exists()


def test_single_key_site_charges_on_its_own_account(society, fake_stripe, webhook_secret):
    """STRIPE_CONNECT off: an account row (say, left from a trial) changes nothing."""
    StripeAccount.objects.create(society=society, account_id=fake_stripe.add_account(),
                                 charges_enabled=True)
    payment = checkout(approved_in(society))
    assert payment.stripe_account == ""
    assert fake_stripe.posts_to("/v1/checkout/sessions")[0].stripe_account is None


# --- the Connect webhook ------------------------------------------------------------------------

def test_connect_event_admits_the_owning_societys_applicant(society_a, connect):
    a, account_a = society_a
    payment = checkout(approved_in(a))
    response = post_connect(paid_event(connect, payment, account=account_a))
    assert response.status_code == 200, response.content
    payment.refresh_from_db()
    assert payment.state == "confirmed"
    member = Member.objects.get(society=a)
    assert member.shares_held == 1
    assert StripeEvent.objects.get().account == account_a


def test_event_for_b_never_changes_a_even_with_a_matching_session(society_a, society_b,
                                                                  connect, webhook_secret):
    (a, _), (b, account_b) = society_a, society_b
    payment = checkout(approved_in(a))
    paid = connect.pay(payment.stripe_session_id)
    before = list(Payment.objects.values())
    # The same session id arriving on B's account, and on the platform's own endpoint.
    response = post_connect(event(COMPLETED, paid, account=account_b))
    assert response.json()["outcome"] == UNKNOWN_SESSION
    body = json.dumps(event(COMPLETED, paid))
    platform = Client().post("/stripe/webhook/", data=body, content_type="application/json",
                             headers=signed(body))
    assert platform.json()["outcome"] == UNKNOWN_SESSION
    assert list(Payment.objects.values()) == before
    assert not Member.objects.exists() and not ShareTransaction.objects.exists()
    # B's officers see B's stray payment; A's see none of it.
    assert unmatched_stripe_payments(b).events.count() == 1
    assert not unmatched_stripe_payments(a).events.exists()
    entry = AuditEntry.objects.get(action="membership.stripe.unmatched",
                                   data__event=response.json()["id"])
    assert entry.society == b


def test_charge_refunded_on_b_never_refunds_as_payment(society_a, society_b, connect):
    (a, account_a), (_, account_b) = society_a, society_b
    payment = checkout(approved_in(a))
    post_connect(paid_event(connect, payment, account=account_a))
    payment.refresh_from_db()
    charge = stripe_fake.charge(payment.stripe_payment_intent)
    assert post_connect(event("charge.refunded", charge, account=account_b)).json()[
        "outcome"] == "unknown payment"
    payment.refresh_from_db()
    assert payment.refunded_at is None
    post_connect(event("charge.refunded", charge, account=account_a))
    payment.refresh_from_db()
    assert payment.refunded_at is not None


def test_event_for_an_account_no_society_owns_changes_nothing_and_is_recorded(society_a,
                                                                              connect):
    a, _ = society_a
    payment = checkout(approved_in(a))
    stranger = connect.add_account()
    response = post_connect(paid_event(connect, payment, account=stranger))
    assert response.status_code == 200
    assert response.json()["outcome"] == UNKNOWN_ACCOUNT
    payment.refresh_from_db()
    assert payment.state == "pending" and not Member.objects.exists()
    stored = StripeEvent.objects.get()
    assert (stored.account, stored.outcome) == (stranger, UNKNOWN_ACCOUNT)
    entry = AuditEntry.objects.get(action="membership.stripe.unknown_account")
    assert entry.society is None and entry.data["account"] == stranger


def test_account_updated_keeps_readiness_true_to_stripe(society_a, society_b, connect):
    (a, account_a), (b, account_b) = society_a, society_b
    off = dict(connect.accounts[account_a], charges_enabled=False)
    response = post_connect(event("account.updated", off, account=account_a))
    assert response.json()["outcome"] == "card payments not ready"
    assert not card_payments_enabled(a) and card_payments_enabled(b)
    with pytest.raises(services.MembershipError):
        checkout(approved_in(a))
    # An event claiming to be about A's account but sent for B's changes neither.
    post_connect(event("account.updated", off | {"id": account_b}, account=account_a))
    assert card_payments_enabled(b)
    post_connect(event("account.updated", connect.accounts[account_a], account=account_a))
    assert card_payments_enabled(a)
    assert AuditEntry.objects.filter(action="membership.stripe_account.updated",
                                     society=a).count() == 2


def test_connect_endpoint_refuses_bad_signatures_and_events_without_an_account(
        society_a, connect, settings):
    a, account_a = society_a
    payment = checkout(approved_in(a))
    payload = paid_event(connect, payment, account=account_a)
    assert post_connect(payload, secret=stripe_fake.WEBHOOK_SECRET).status_code == 400
    no_account = {k: v for k, v in payload.items() if k != "account"}
    assert post_connect(no_account).status_code == 400
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = ""
    assert post_connect(payload).status_code == 503
    assert not StripeEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.state == "pending"


# --- refunds on the account the money was taken on ----------------------------------------------

def test_refund_for_a_is_made_on_as_account(society_a, society_b, connect, officer_for):
    (a, account_a), _ = society_a, society_b
    payment = checkout(approved_in(a))
    post_connect(paid_event(connect, payment, account=account_a, amount_total=500))
    payment.refresh_from_db()
    assert payment.state == "held"
    refund_held_payment(payment, by=officer_for("treasurer"), note="Paid £5, not £1")
    refunds = connect.posts_to("/v1/refunds")
    assert [r.stripe_account for r in refunds] == [account_a]
    assert refunds[0].form["amount"] == "500"
    payment.refresh_from_db()
    assert payment.state == "refunded"


def test_fake_stripe_refuses_a_refund_on_the_wrong_account(society_a, society_b, connect):
    """The fake behaves as Stripe: A's payment is not found on B's account, so the test
    above would fail if the refund went to the wrong account."""
    import stripe
    (a, _), (_, account_b) = society_a, society_b
    payment = checkout(approved_in(a))
    intent = connect.pay(payment.stripe_session_id)["payment_intent"]
    client = stripe.StripeClient(stripe_fake.SECRET_KEY, base_addresses={"api": connect.url},
                                 max_network_retries=0)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"payment_intent": intent, "amount": 100},
                                 options={"stripe_account": account_b})


def test_withdrawal_refund_goes_to_the_account_the_card_was_charged_on(society_a, connect,
                                                                        officer_for):
    from membership.stripe_payments import refund_withdrawal
    a, account_a = society_a
    payment = checkout(approved_in(a))
    post_connect(paid_event(connect, payment, account=account_a))
    type(a).objects.filter(pk=a.pk).update(withdrawal_notice_days=0)
    member = Member.objects.get(society=a)
    secretary = officer_for("secretary")
    services.cease_membership(member, by=secretary, reason="resigned",
                              on=timezone.localdate())
    withdrawal = member.withdrawals.get()
    refund_withdrawal(withdrawal, by=secretary)
    assert [r.stripe_account for r in connect.posts_to("/v1/refunds")] == [account_a]


# --- the demo: two societies, each on its own account -------------------------------------------

def test_demo_societies_each_take_card_money_into_their_own_account(db, connect, settings):
    """The seeded demo with Connect on and the fake server knowing the demo's accounts: each
    society's approved applicant pays into that society's account, and an event for one
    society's account cannot admit the other's applicant."""
    from coop import demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.seed()
    payments = {}
    for slug, account_id in demo.DEMO_STRIPE_ACCOUNTS.items():
        connect.add_account(account_id)
        society = StripeAccount.objects.get(account_id=account_id).society
        assert society.slug == slug and card_payments_enabled(society)
        approved = society.applications.filter(approved_at__isnull=False,
                                               admitted_at__isnull=True).first() \
            or approved_in(society)
        payments[slug] = checkout(approved)
    first, second = (payments[slug] for slug in (demo.DEMO_SLUG, demo.SECOND_SLUG))
    assert connect.account_of_session(first.stripe_session_id) == "acct_demo_mutual_support"
    assert connect.account_of_session(second.stripe_session_id) == "acct_demo_riverside"

    crossed = post_connect(event(COMPLETED, connect.pay(first.stripe_session_id),
                                 account="acct_demo_riverside"))
    assert crossed.json()["outcome"] == UNKNOWN_SESSION
    first.refresh_from_db()
    assert first.state == "pending"
    for payment in (first, second):
        post_connect(event(COMPLETED, connect.pay(payment.stripe_session_id),
                           account=payment.stripe_account))
        payment.refresh_from_db()
        assert payment.state == "confirmed"
        assert payment.member.society_id == payment.society_id
