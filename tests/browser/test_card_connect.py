"""Card payments on a society's own Stripe account, in a real browser with the keyboard alone
and axe-core on every page: the treasurer's Connect onboarding round trip (through the fake
Stripe server's onboarding page and back), and a member buying extra shares by card (the fake
server's Checkout page stands in for Stripe's: it pays, Stripe's signed event reaches the
Connect webhook, and the browser comes back to the site)."""

import json
import urllib.request
from decimal import Decimal

import pytest

from membership.models import StripeAccount
from tests.browser.keys import button, main_text, tab_to
from tests.browser.test_accessibility import visit
from tests.factories import MemberFactory
from tests.membership import stripe_fake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

fake_stripe = stripe_fake.fake_stripe
connect_webhook_secret = stripe_fake.connect_webhook_secret


@pytest.fixture
def connect(settings, fake_stripe, connect_webhook_secret):
    """Connect on, and the fake's pages standing in for Stripe's in the forms' CSP (Chromium
    refuses a form's redirect to a site `form-action` does not list)."""
    settings.STRIPE_CONNECT = True
    csp = {**settings.SECURE_CSP}
    csp["form-action"] = [*csp["form-action"], fake_stripe.url]
    settings.SECURE_CSP = csp
    return fake_stripe


def test_treasurer_connects_the_societys_stripe_account_by_keyboard(
        page, sign_in, assert_accessible, society, officer_for, connect):
    sign_in(page.context, officer_for("treasurer"))
    visit(page, f"/s/{society.slug}/officers/")
    tab_to(page, lambda el: el["text"] == "Card payments: your Stripe account",
           "the card payments link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{society.slug}/officers/card-payments/")
    assert "Not connected yet" in main_text(page)
    assert_accessible(page, "card payments, not connected")

    tab_to(page, button("Connect a Stripe account"), "the connect button")
    with page.expect_navigation(url=f"**/s/{society.slug}/officers/card-payments/"):
        page.keyboard.press("Enter")  # to Stripe's onboarding (the fake's), and back
    shown = main_text(page)
    assert "Your Stripe account is connected. Card payments are ready." in shown
    assert "Ready: members can pay by card" in shown
    account = StripeAccount.objects.get(society=society)
    assert account.charges_enabled and account.account_id in connect.accounts
    assert_accessible(page, "card payments, connected and ready")


def test_member_buys_an_extra_share_by_keyboard(page, sign_in, assert_accessible, society,
                                                connect, live_server):
    type(society).objects.filter(pk=society.pk).update(multiple_shares_allowed=True,
                                                       max_holding=Decimal("10"))
    account = connect.add_account()
    StripeAccount.objects.create(society=society, account_id=account, charges_enabled=True)
    member = MemberFactory(society=society)

    def send_event(paid: dict) -> None:
        """Stripe sends the signed event to the Connect webhook once the member has paid."""
        body = json.dumps(stripe_fake.event("checkout.session.completed", paid,
                                            account=account))
        request = urllib.request.Request(
            f"{live_server.url}/stripe/connect/webhook/", data=body.encode(), method="POST",
            headers={"Content-Type": "application/json",
                     **stripe_fake.signed(body, secret=stripe_fake.CONNECT_WEBHOOK_SECRET)})
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200

    connect.checkout_base, connect.on_paid = connect.url, send_event
    sign_in(page.context, member.user)
    visit(page, f"/s/{society.slug}/me/")
    tab_to(page, lambda el: el["text"] == "Buy more shares", "the buy more shares link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{society.slug}/me/shares/")
    assert_accessible(page, "buy more shares")

    tab_to(page, lambda el: el["id"] == "id_shares", "the number of shares")
    page.keyboard.type("20")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "the most one person may hold" in main_text(page)
    assert_accessible(page, "buy more shares, with an error")

    tab_to(page, lambda el: el["id"] == "id_shares", "the number of shares")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to(page, button("Continue to pay by card"), "the pay button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{society.slug}/me/shares/done/")
    assert "You now hold 3 shares, £3.00 in all" in main_text(page)
    assert_accessible(page, "new shares confirmed")
    member.refresh_from_db()
    assert (member.shares_held, member.amount_paid) == (3, Decimal("3.00"))
    assert connect.posts_to("/v1/checkout/sessions")[0].stripe_account == account
