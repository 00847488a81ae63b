"""The treasurer's reports as pandas frames: payments by method and month, approved applicants
who have not paid, and share money owed back. Pages show them as tables; `csv_frame()` gives
the same rows with readable column names for `exports.csv_response`.

Each report is one query; money stays Decimal and is written as exact text ("1.00")."""

from decimal import Decimal

import pandas as pd
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .enums import PaymentMethod
from .models import Payment, Withdrawal
from .selectors import awaiting_payment

PAYMENT_COLUMNS = {"month": "Month", "method": "Method", "payments": "Payments",
                   "amount": "Amount (£)"}
OUTSTANDING_COLUMNS = {"name": "Name", "member_class": "Class", "reference": "Reference",
                       "approved_on": "Approved on", "days_waiting": "Days waiting",
                       "reminded_on": "Reminder sent on"}
WITHDRAWAL_COLUMNS = {"membership_number": "Membership number", "name": "Name",
                      "shares": "Shares", "amount": "Amount (£)", "requested_on": "Requested on",
                      "due_on": "Due on", "due_now": "Due now", "by_card": "Paid by card"}
REPORTS = {"payments": PAYMENT_COLUMNS, "outstanding": OUTSTANDING_COLUMNS,
           "withdrawals": WITHDRAWAL_COLUMNS}


def money(value) -> str:
    # SQLite hands back Decimal("1") for 1.00; a report always shows pounds and pence.
    return f"{Decimal(value):.2f}"


def payments_by_month(society) -> pd.DataFrame:
    """Confirmed payments grouped by the month received and the method, newest month first.
    Card payments count from the day Stripe confirmed them."""
    rows = (Payment.objects.filter(society=society, confirmed_at__isnull=False)
            .annotate(day=Coalesce("received_on", TruncDate("confirmed_at")))
            .values_list("day", "method", "amount"))
    frame = pd.DataFrame.from_records(list(rows), columns=["day", "method", "amount"])
    frame["month"] = pd.to_datetime(frame["day"]).dt.strftime("%Y-%m")
    order = {m.value: i for i, m in enumerate(PaymentMethod)}
    grouped = (frame.groupby(["month", "method"], sort=False)
               .agg(payments=("amount", "size"), amount=("amount", "sum")).reset_index())
    grouped["order"] = grouped["method"].map(order)
    grouped = grouped.sort_values(["month", "order"], ascending=[False, True])
    grouped["method"] = grouped["method"].map(lambda m: PaymentMethod(m).label)
    grouped["amount"] = grouped["amount"].map(money)
    return grouped[list(PAYMENT_COLUMNS)].reset_index(drop=True)


def payment_totals(frame: pd.DataFrame) -> dict:
    return {"payments": int(frame["payments"].sum()),
            "amount": money(sum((Decimal(a) for a in frame["amount"]), Decimal("0")))}


def outstanding_frame(applications) -> pd.DataFrame:
    today = timezone.localdate()
    return pd.DataFrame.from_records(
        [{"name": a.full_name, "member_class": a.member_class.name,
          "reference": a.payment_reference,
          "approved_on": timezone.localdate(a.approved_at),
          "days_waiting": (today - timezone.localdate(a.approved_at)).days,
          "reminded_on": timezone.localdate(a.payment_reminded_at)
          if a.payment_reminded_at else None}
         for a in applications], columns=list(OUTSTANDING_COLUMNS))


def withdrawals_owed(society):
    """Share money not yet paid back, soonest due first."""
    return (Withdrawal.objects.filter(member__society=society, repaid_at__isnull=True)
            .select_related("member", "payment").order_by("due_on", "id"))


def withdrawals_repaid(society, *, limit: int = 50):
    return (Withdrawal.objects.filter(member__society=society, repaid_at__isnull=False)
            .select_related("member", "repaid_by").order_by("-repaid_at", "-id")[:limit])


def withdrawals_frame(withdrawals) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"membership_number": w.member.membership_number, "name": w.member.full_name,
          "shares": w.shares, "amount": money(w.amount), "requested_on": w.requested_on,
          "due_on": w.due_on, "due_now": "yes" if w.is_due else "no",
          "by_card": "yes" if w.payment_id else "no"}
         for w in withdrawals], columns=list(WITHDRAWAL_COLUMNS))


def report_frame(society, report: str) -> pd.DataFrame:
    """The named report (a key of REPORTS) with its internal column names."""
    if report == "payments":
        return payments_by_month(society)
    if report == "outstanding":
        return outstanding_frame(awaiting_payment(society))
    return withdrawals_frame(withdrawals_owed(society))


def csv_frame(frame: pd.DataFrame, report: str) -> pd.DataFrame:
    return frame.rename(columns=REPORTS[report])
