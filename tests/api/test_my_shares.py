"""A member's own shares through the API: the ledger lines, their payments and any money owed
back, with the register's totals, which are always the ledger's sums."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from membership import services, shares
from membership.models import Payment
from tests.factories import ApplicationFactory, join

MY_SHARES = "/api/v1/societies/mutual/members/me/shares/"


@pytest.fixture
def joined(society, secretary):
    """A member who joined through the real flow, paying by cheque ten days ago."""
    return join(society, by=secretary, method="cheque",
                received_on=timezone.localdate() - timedelta(days=10))


def test_my_shares_shows_ledger_payments_and_totals(signed_in, joined, society):
    response = signed_in(joined.user).get(MY_SHARES)

    assert response.status_code == 200
    body = response.json()
    assert (body["membership_number"], body["shares_held"], body["amount_paid"],
            body["share_value"]) == (joined.membership_number, 1, "1.00", "1.00")
    [line] = body["ledger"]
    [payment] = body["payments"]
    assert (line["kind"], line["shares"], line["amount"]) == ("issue", 1, "1.00")
    assert line["on"] == joined.admitted_on.isoformat()
    assert line["payment"] == payment["id"]
    assert (payment["method"], payment["state"], payment["amount"]) == ("cheque", "confirmed",
                                                                        "1.00")
    assert payment["reference"] == joined.application.payment_reference
    assert body["withdrawals"] == []
    assert "note" not in payment and "recorded_by" not in payment


def test_my_shares_after_buying_more(signed_in, joined, society, secretary):
    society.multiple_shares_allowed = True
    society.save()
    shares.record_offline_payment(member=joined, method="cash", amount=Decimal("4.00"),
                                  received_on=timezone.localdate(), by=secretary)

    body = signed_in(joined.user).get(MY_SHARES).json()

    assert (body["shares_held"], body["amount_paid"]) == (5, "5.00")
    assert [(t["kind"], t["shares"]) for t in body["ledger"]] == [("issue", 1),
                                                                   ("additional_issue", 4)]
    assert len(body["payments"]) == 2
    assert sum(Decimal(t["amount"]) for t in body["ledger"]) == Decimal(body["amount_paid"])


def test_my_shares_former_member_sees_the_money_owed_back(signed_in, joined, society):
    services.cease_membership(joined, by=joined.user, reason="resigned")

    body = signed_in(joined.user).get(MY_SHARES).json()

    assert (body["shares_held"], body["amount_paid"]) == (0, "0.00")
    assert [t["kind"] for t in body["ledger"]] == ["issue", "withdrawal"]
    [owed] = body["withdrawals"]
    assert (owed["shares"], owed["amount"], owed["state"], owed["repayment_method"]) == (
        1, "1.00", "notice", None)
    assert owed["due_on"] == (timezone.localdate() + timedelta(days=30)).isoformat()


def test_my_shares_withdrawal_due_then_repaid(signed_in, joined, society, secretary):
    society.withdrawal_notice_days = 0
    society.save()
    services.cease_membership(joined, by=joined.user, reason="resigned")
    client = signed_in(joined.user)

    assert client.get(MY_SHARES).json()["withdrawals"][0]["state"] == "due"
    shares.record_withdrawal_repaid(joined.withdrawals.get(), by=secretary,
                                    method="bank_transfer", reference="BACS 12")

    owed = client.get(MY_SHARES).json()["withdrawals"][0]
    assert (owed["state"], owed["repayment_method"]) == ("repaid", "bank_transfer")
    assert owed["repaid_at"] is not None


def test_my_shares_cancelled_when_not_withdrawable(signed_in, joined, society):
    society.shares_withdrawable = False
    society.save()
    services.cease_membership(joined, by=joined.user, reason="resigned")

    body = signed_in(joined.user).get(MY_SHARES).json()

    assert [t["kind"] for t in body["ledger"]] == ["issue", "cancellation"]
    assert body["withdrawals"] == []


def test_my_shares_include_a_failed_card_attempt_before_joining(signed_in, joined):
    Payment.objects.create(society=joined.society, application=joined.application,
                           method="card", amount=Decimal("1.00"),
                           reference=joined.application.payment_reference,
                           stripe_session_id="cs_test_failed", failed_at=timezone.now())

    body = signed_in(joined.user).get(MY_SHARES).json()

    assert sorted((p["method"], p["state"]) for p in body["payments"]) == [
        ("card", "failed"), ("cheque", "confirmed")]


def test_my_shares_show_nothing_of_anyone_else(signed_in, joined, society, secretary):
    other = join(society, by=secretary, full_name="Someone Else", method="bank_transfer")
    ApplicationFactory(society=society, approved=True)

    body = signed_in(joined.user).get(MY_SHARES).json()

    assert len(body["payments"]) == len(body["ledger"]) == 1
    assert str(other.payments.get().pk) not in str(body)


def test_my_shares_without_an_entry_is_404(signed_in, user, society):
    assert signed_in(user).get(MY_SHARES).status_code == 404


def test_my_shares_approved_but_unpaid_applicant_is_404(signed_in, society):
    awaiting = ApplicationFactory(society=society, approved=True)

    assert signed_in(awaiting.user).get(MY_SHARES).status_code == 404


def test_my_shares_member_of_another_society_is_404(signed_in, other_member, society):
    assert signed_in(other_member.user).get(MY_SHARES).status_code == 404


def test_my_shares_anonymous_is_401(api, society):
    assert api.get(MY_SHARES).status_code == 401
