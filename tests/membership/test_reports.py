"""The treasurer's reports: payments by method and month (pandas groupby), approved applicants
who have not paid, share money owed back, their CSV downloads read back with pandas, and the
reconciliation page. Pages go through tests.coop.test_views.PageCheckingClient."""

import io
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from membership import reports, services, shares, stripe_payments
from membership.models import Application, Payment, StripeEvent
from tests.factories import ApplicationFactory, join
from tests.membership.test_shares_pages import set_rules
from tests.pages import PageCheckingClient, text

# Measured at 10 (session, user, society, roles, the viewer's entry, one query per report).
# A query per row passes this at 1 row and fails at 30.
REPORT_QUERY_BOUND = 12


@pytest.fixture
def client():
    return PageCheckingClient()


@pytest.fixture
def treasurer(officer_for):
    return officer_for("treasurer")


def url(name, society, *args):
    return reverse(name, args=[society.slug, *args])


def read_csv(response) -> pd.DataFrame:
    assert response["Content-Type"].startswith("text/csv")
    return pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


@pytest.fixture
def paid_months(society, secretary):
    """Joining payments in two months (two cash in March, a cheque in March, a bank transfer
    in April) and an extra share bought by card-free transfer in April."""
    set_rules(society, multiple_shares_allowed=True)
    march, april = date(2026, 3, 10), date(2026, 4, 2)
    join(society, by=secretary, received_on=march)
    join(society, by=secretary, received_on=march + timedelta(days=5))
    join(society, by=secretary, received_on=march, method="cheque")
    member = join(society, by=secretary, received_on=april, method="bank_transfer")
    shares.record_offline_payment(member=member, method="bank_transfer",
                                  amount=Decimal("4.00"), received_on=april, by=secretary)


# --- payments by method and month ---------------------------------------------------------------

def test_payments_by_month_groups_by_month_and_method(society, paid_months):
    frame = reports.payments_by_month(society)

    assert frame.to_dict("records") == [
        {"month": "2026-04", "method": "Bank transfer", "payments": 2, "amount": "5.00"},
        {"month": "2026-03", "method": "Cash", "payments": 2, "amount": "2.00"},
        {"month": "2026-03", "method": "Cheque", "payments": 1, "amount": "1.00"},
    ]
    assert reports.payment_totals(frame) == {"payments": 5, "amount": "8.00"}


def test_payments_by_month_leaves_out_unconfirmed_and_other_societies(society, other_society,
                                                                      paid_months, secretary):
    application = services.approve_application(ApplicationFactory(society=society),
                                               by=secretary)
    Payment.objects.create(society=society, application=application, method="card",
                           amount=Decimal("1.00"), reference="pending")
    join(other_society, by=secretary)

    frame = reports.payments_by_month(society)

    assert frame["payments"].sum() == 5
    assert "Card (online)" not in set(frame["method"])


def test_payments_by_month_card_counted_on_day_confirmed(society, secretary):
    application = services.approve_application(ApplicationFactory(society=society),
                                               by=secretary)
    Payment.objects.create(society=society, application=application, method="card",
                           amount=Decimal("1.00"), reference="x",
                           confirmed_at=timezone.make_aware(timezone.datetime(2026, 5, 31, 12)))

    assert reports.payments_by_month(society).to_dict("records") == [
        {"month": "2026-05", "method": "Card (online)", "payments": 1, "amount": "1.00"}]


def test_payments_by_month_empty(society):
    frame = reports.payments_by_month(society)

    assert frame.empty
    assert list(frame.columns) == list(reports.PAYMENT_COLUMNS)


def test_reports_page_shows_payments_table(client, society, paid_months, treasurer):
    client.force_login(treasurer)

    page = text(client.get(url("reports", society)))

    assert ("Month Method Payments Amount 2026-04 Bank transfer 2 £5.00 2026-03 Cash 2 £2.00 "
            "2026-03 Cheque 1 £1.00 Total 5 £8.00") in page


def test_payments_csv_read_back_with_pandas(client, society, paid_months, treasurer):
    client.force_login(treasurer)

    response = client.get(url("report_csv", society, "payments"))

    frame = read_csv(response)
    assert response["Content-Disposition"] == 'attachment; filename="mutual-payments.csv"'
    assert list(frame.columns) == ["Month", "Method", "Payments", "Amount (£)"]
    assert frame.values.tolist() == [["2026-04", "Bank transfer", "2", "5.00"],
                                     ["2026-03", "Cash", "2", "2.00"],
                                     ["2026-03", "Cheque", "1", "1.00"]]


# --- approved applicants who have not paid ------------------------------------------------------

@pytest.fixture
def awaiting(society, secretary):
    """Two approved applicants who have not paid (one reminded), one who has paid."""
    old = services.approve_application(
        ApplicationFactory(society=society, full_name="=Waiting Long"), by=secretary)
    Application.objects.filter(pk=old.pk).update(
        approved_at=timezone.now() - timedelta(days=20),
        payment_reminded_at=timezone.now() - timedelta(days=6))
    new = services.approve_application(
        ApplicationFactory(society=society, full_name="Just Approved"), by=secretary)
    join(society, by=secretary, full_name="Already Paid")
    return old, new


def test_outstanding_applications_on_page_with_links(client, society, awaiting, treasurer):
    old, new = awaiting
    client.force_login(treasurer)

    response = client.get(url("reports", society))

    page = text(response)
    assert page.index("=Waiting Long") < page.index("Just Approved")
    assert "Already Paid" not in page
    assert old.payment_reference in page and new.payment_reference in page
    html = response.content.decode()
    assert url("record_joining_payment", society, old.pk) in html
    assert url("record_joining_payment", society, new.pk) in html


def test_outstanding_csv_read_back_with_pandas(client, society, awaiting, treasurer):
    old, new = awaiting
    client.force_login(treasurer)

    frame = read_csv(client.get(url("report_csv", society, "outstanding")))

    today = timezone.localdate()
    assert list(frame.columns) == ["Name", "Class", "Reference", "Approved on", "Days waiting",
                                   "Reminder sent on"]
    assert frame.values.tolist() == [
        # A name that a spreadsheet would run as a formula is quoted.
        ["'=Waiting Long", "Service user", old.payment_reference,
         str(today - timedelta(days=20)), "20", str(today - timedelta(days=6))],
        ["Just Approved", "Service user", new.payment_reference, str(today), "0", ""],
    ]


# --- share money owed back ----------------------------------------------------------------------

def test_withdrawals_csv_read_back_with_pandas(client, society, secretary, treasurer):
    set_rules(society, withdrawal_notice_days=0)
    due = join(society, by=secretary, full_name="Due Now")
    services.cease_membership(due, by=due.user, reason="resigned")
    set_rules(society, withdrawal_notice_days=30)
    later = join(society, by=secretary, full_name="Due Later")
    services.cease_membership(later, by=later.user, reason="resigned")
    client.force_login(treasurer)

    frame = read_csv(client.get(url("report_csv", society, "withdrawals")))

    today = timezone.localdate()
    assert frame.to_dict("records") == [
        {"Membership number": "1", "Name": "Due Now", "Shares": "1", "Amount (£)": "1.00",
         "Requested on": str(today), "Due on": str(today), "Due now": "yes",
         "Paid by card": "no"},
        {"Membership number": "2", "Name": "Due Later", "Shares": "1", "Amount (£)": "1.00",
         "Requested on": str(today), "Due on": str(today + timedelta(days=30)),
         "Due now": "no", "Paid by card": "no"},
    ]
    assert "Due Now (no. 1) £1.00" in text(client.get(url("reports", society)))


def test_unknown_report_not_found(client, society, treasurer):
    client.force_login(treasurer)

    assert client.get(url("report_csv", society, "register")).status_code == 404


def test_reports_refused_to_scrutineer(client, society, officer_for, paid_months):
    client.force_login(officer_for("scrutineer"))

    assert client.get(url("reports", society)).status_code == 403
    assert client.get(url("report_csv", society, "payments")).status_code == 403


def test_reports_empty_say_so(client, society, treasurer):
    client.force_login(treasurer)

    page = text(client.get(url("reports", society)))

    assert "No payments have been received yet." in page
    assert "Everyone who has been approved has paid." in page
    assert "Nothing is owed." in page


# --- reconciliation -----------------------------------------------------------------------------

@pytest.fixture
def card_trouble(society, other_society, secretary):
    """A held card payment, a confirmed card payment with no share, and a Stripe session for
    this society that matches no payment (plus one for another society)."""
    held_for = services.approve_application(
        ApplicationFactory(society=society, full_name="Held Payer"), by=secretary)
    Payment.objects.create(society=society, application=held_for, method="card",
                           amount=Decimal("5.00"), reference=held_for.payment_reference,
                           held_at=timezone.now(), received_on=timezone.localdate(),
                           held_reason="The amount paid is not the £1.00 expected.")
    orphan_for = services.approve_application(
        ApplicationFactory(society=society, full_name="Orphan Payer"), by=secretary)
    Payment.objects.create(society=society, application=orphan_for, method="card",
                           amount=Decimal("1.00"), reference="ORPHAN-1",
                           confirmed_at=timezone.now())
    for slug, session in [(society.slug, "cs_test_nobody"), (other_society.slug, "cs_other")]:
        StripeEvent.objects.create(
            id=f"evt_{uuid.uuid4().hex[:12]}", type="checkout.session.completed",
            outcome=stripe_payments.UNKNOWN_SESSION, processed_at=timezone.now(),
            payload={"data": {"object": {
                "id": session, "amount_total": 250, "customer_email": "who@example.org",
                "metadata": {"society": slug, "reference": "MYSTERY-9"}}}})


def test_reconciliation_lists_held_unmatched_and_unknown(client, society, card_trouble,
                                                         treasurer):
    client.force_login(treasurer)

    page = text(client.get(url("reconciliation", society)))

    assert "Held Payer £5.00" in page
    assert "The amount paid is not the £1.00 expected." in page
    assert "Orphan Payer £1.00 ORPHAN-1" in page
    assert "cs_test_nobody £2.50 who@example.org MYSTERY-9" in page
    assert "cs_other" not in page


def test_reconciliation_empty_says_so(client, society, treasurer):
    client.force_login(treasurer)

    page = text(client.get(url("reconciliation", society)))

    assert "No payments are held." in page
    assert "Every confirmed card payment has its share." in page


# --- query counts ---------------------------------------------------------------------------

@pytest.fixture
def rows(society, secretary):
    """make(count): `count` payments, approved applicants waiting and withdrawals owed."""

    def make(count):
        for i in range(count):
            join(society, by=secretary, received_on=date(2025, 1 + i % 12, 1),
                 method=["cash", "cheque", "bank_transfer"][i % 3])
            services.approve_application(ApplicationFactory(society=society), by=secretary)
        for member in society.members.all()[:count]:
            services.cease_membership(member, by=member.user, reason="resigned")

    return make


@pytest.mark.parametrize("count", [1, 30])
def test_reports_page_query_count_constant(client, society, treasurer, rows, count,
                                           django_assert_max_num_queries):
    rows(count)
    client.force_login(treasurer)

    with django_assert_max_num_queries(REPORT_QUERY_BOUND):
        response = client.get(url("reports", society))

    assert text(response).count("Record a payment") == count


@pytest.mark.parametrize("report", list(reports.REPORTS))
@pytest.mark.parametrize("count", [1, 30])
def test_report_csv_query_count_constant(client, society, treasurer, rows, count, report,
                                         django_assert_max_num_queries):
    rows(count)
    client.force_login(treasurer)

    with django_assert_max_num_queries(REPORT_QUERY_BOUND):
        response = client.get(url("report_csv", society, report))

    # Payments fall in 12 (month, method) pairs at most; the other reports have a row each.
    assert len(read_csv(response)) == (min(count, 12) if report == "payments" else count)


@pytest.mark.parametrize("count", [1, 30])
def test_reconciliation_query_count_constant(client, society, secretary, treasurer, count,
                                             django_assert_max_num_queries):
    for i in range(count):
        application = services.approve_application(ApplicationFactory(society=society),
                                                   by=secretary)
        Payment.objects.create(society=society, application=application, method="card",
                               amount=Decimal("2.00"), reference=f"H{i}",
                               held_at=timezone.now(), held_reason="Wrong amount")
        StripeEvent.objects.create(
            id=f"evt_{i}", type="checkout.session.completed",
            outcome=stripe_payments.UNKNOWN_SESSION,
            payload={"data": {"object": {"id": f"cs_{i}", "amount_total": 100,
                                         "metadata": {"society": society.slug}}}})
    client.force_login(treasurer)

    with django_assert_max_num_queries(REPORT_QUERY_BOUND):
        response = client.get(url("reconciliation", society))

    assert text(response).count("Wrong amount") == count
