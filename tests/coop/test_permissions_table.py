"""Who may open which page of a society: one row per (method, page), one column per role.

OK = 200; LOG = 302 to the sign-in page; GO = 302 somewhere else (the page sends the person on,
e.g. a member opening "apply" goes to their membership); NO = 403; NF = 404.

Roles: anonymous; a current member; a former member; a member of another society ("outsider");
the secretary of another society ("out-sec"); the five officer roles of this society; and an
applicant whose application is approved and waiting for the share to be paid ("appl"). Officers
here are not members, so the member pages refuse them. The treasurer and the board record
payments; the scrutineer handles no money.

A refused request (LOG or NO) must also change nothing: the audit log stays as it was.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership import services
from membership.models import PayerNotice, Payment
from tests.factories import ApplicationFactory, MemberFactory, OfficerFactory
from tests.membership.test_shares_pages import set_rules
from tests.pages import PageCheckingClient

OK, LOG, GO, NO, NF = 200, "to sign-in", "elsewhere", 403, 404

ROLES = ["anonymous", "member", "former member", "outsider", "out-sec",
         "chair", "secretary", "treasurer", "trustee", "scrutineer", "applicant"]

# Row: (method, url name, expected status for each role in ROLES order).
TABLE = [
    #                                  anon mem  form outs osec chair secr treas trust scrut appl
    ("GET",  "society",                (OK,  OK,  OK,  OK,  OK,  OK,   OK,  OK,   OK,   OK,   OK)),
    ("GET",  "apply",                  (LOG, GO,  OK,  OK,  OK,  OK,   OK,  OK,   OK,   OK,   GO)),
    ("GET",  "application_sent",       (LOG, NF,  NF,  NF,  NF,  NF,   NF,  NF,   NF,   NF,   OK)),
    ("GET",  "pay",                    (LOG, GO,  NF,  NF,  NF,  NF,   NF,  NF,   NF,   NF,   OK)),
    ("GET",  "pay_done",               (LOG, GO,  NF,  NF,  NF,  NF,   NF,  NF,   NF,   NF,   OK)),
    ("GET",  "pay_cancelled",          (LOG, GO,  NF,  NF,  NF,  NF,   NF,  NF,   NF,   NF,   OK)),
    ("GET",  "my_membership",          (LOG, OK,  OK,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "edit_details",           (LOG, OK,  GO,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "change_class",           (LOG, OK,  GO,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "my_certificate",         (LOG, OK,  OK,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "resign",                 (LOG, OK,  GO,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "inspection_copy",        (LOG, OK,  NO,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "buy_shares",             (LOG, OK,  NF,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "buy_shares_done",        (LOG, NF,  NF,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "officer_dashboard",      (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   OK,   NO)),
    ("GET",  "applications",           (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   OK,   NO,   NO)),
    ("GET",  "application_detail",     (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   OK,   NO,   NO)),
    ("GET",  "record_joining_payment", (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "register",               (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "register_export",        (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "member_detail",          (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "record_member_payment",  (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "member_certificate",     (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "withdrawals",            (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "withdrawal_detail",      (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "reports",                (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "report_csv",             (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "reconciliation",         (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "payer_letters",          (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "card_account",           (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO,   NO)),
    ("GET",  "card_account_return",    (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO,   NO)),
    ("GET",  "card_account_refresh",   (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO,   NO)),
    ("GET",  "class_changes",          (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   OK,   NO,   NO)),
    ("GET",  "decide_class_change",    (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   OK,   NO,   NO)),
    ("GET",  "member_classes",         (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   NO,   NO,   NO)),
    ("GET",  "society_rules",          (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   NO,   NO,   NO)),
    ("GET",  "officers_register",      (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   OK,   NO)),
    ("GET",  "audit_log",              (LOG, NO,  NO,  NO,  NO,  OK,   OK,  OK,   OK,   NO,   NO)),
    ("GET",  "privacy_notice",         (OK,  OK,  OK,  OK,  OK,  OK,   OK,  OK,   OK,   OK,   OK)),
    ("GET",  "my_consents",            (LOG, OK,  NO,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("GET",  "edit_privacy_notice",    (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   NO,   NO,   NO)),
    ("GET",  "erasure_request",        (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   OK,   NO,   NO)),
    ("GET",  "subject_access_copy",    (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   OK,   NO,   NO)),
    # Writes. A refused write changes nothing (checked below).
    ("POST", "pay_by_card",            (LOG, GO,  NF,  NF,  NF,  NF,   NF,  NF,   NF,   NF,   GO)),
    ("POST", "application_detail",     (LOG, NO,  NO,  NO,  NO,  GO,   GO,  NO,   GO,   NO,   NO)),
    ("POST", "record_joining_payment", (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   GO,   NO,   NO)),
    ("POST", "decide_class_change",    (LOG, NO,  NO,  NO,  NO,  GO,   GO,  NO,   GO,   NO,   NO)),
    ("POST", "member_detail",          (LOG, NO,  NO,  NO,  NO,  GO,   GO,  NO,   GO,   NO,   NO)),
    ("POST", "record_member_payment",  (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   GO,   NO,   NO)),
    ("POST", "withdrawal_detail",      (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   GO,   NO,   NO)),
    ("POST", "refund_withdrawal",      (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   GO,   NO,   NO)),
    ("POST", "refund_held_payment",    (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   GO,   NO,   NO)),
    ("POST", "accept_held_payment",    (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   GO,   NO,   NO)),
    ("POST", "buy_shares",             (LOG, 400, NF,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
    ("POST", "payer_letter_posted",    (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   GO,   NO,   NO)),
    ("POST", "connect_card_account",   (LOG, NO,  NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO,   NO)),
    ("POST", "member_classes",         (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   NO,   NO,   NO)),
    ("POST", "society_rules",          (LOG, NO,  NO,  NO,  NO,  OK,   OK,  NO,   NO,   NO,   NO)),
    ("POST", "end_office",             (LOG, NO,  NO,  NO,  NO,  GO,   GO,  NO,   NO,   NO,   NO)),
    ("POST", "erasure_request",        (LOG, NO,  NO,  NO,  NO,  GO,   GO,  NO,   GO,   NO,   NO)),
    ("POST", "my_consents",            (LOG, GO,  NO,  NO,  NO,  NO,   NO,  NO,   NO,   NO,   NO)),
]

# What each write sends: enough to act when allowed.
POST_DATA = {
    "pay_by_card": {},
    "application_detail": {"approve": "1"},
    "record_joining_payment": {"method": "cash", "amount": "1.00", "received_on": "{today}"},
    "record_member_payment": {"method": "cheque", "amount": "2.00", "received_on": "{today}"},
    "withdrawal_detail": {"method": "bank_transfer", "reference": "BACS 1"},
    "refund_withdrawal": {},
    "refund_held_payment": {"note": "The payer asked for their money back"},
    "accept_held_payment": {"note": "Checked with the payer"},
    "decide_class_change": {"decision": "approve"},
    "member_detail": {"reason": "resigned", "on": "{today}"},
    "member_classes": {"add": "1", "new-name": ""},
    "society_rules": {"name": ""},
    "end_office": {},
    "erasure_request": {"record": "1", "record-received_on": "{today}"},
    "my_consents": {"news": "on"},
    "buy_shares": {"shares": "1"},
    "payer_letter_posted": {},
    "connect_card_account": {},
}

CASES = [
    pytest.param(role, method, name, expected, id=f"{method} {name} as {role}")
    for method, name, row in TABLE
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.fixture
def world(society, other_society):
    """A society with one of each kind of person, a pending application, an approved one
    waiting for payment, a pending request to change class, share money due back to the former
    member, a card payment held for an officer and an officer whose term can be ended. Members
    may buy more shares."""
    set_rules(society, multiple_shares_allowed=True, withdrawal_notice_days=0)
    member = MemberFactory(society=society)
    former = MemberFactory(society=society)
    services.cease_membership(former, by=former.user, reason="resigned")
    services.request_class_change(member, to_class=society.member_classes.get(name="Carer"),
                                  reason="I became a carer")
    officers = {role: OfficerFactory(society=society, role=role).user
                for role in ["chair", "secretary", "treasurer", "trustee", "scrutineer"]}
    approved = services.approve_application(ApplicationFactory(society=society),
                                            by=officers["secretary"])
    users = {
        "anonymous": None,
        "member": member.user,
        "former member": former.user,
        "outsider": MemberFactory(society=other_society).user,
        "out-sec": OfficerFactory(society=other_society, role="secretary").user,
        **officers,
        "applicant": approved.user,
    }
    held_for = services.approve_application(ApplicationFactory(society=society),
                                            by=officers["secretary"])
    held = Payment.objects.create(
        society=society, application=held_for, method="card", amount=society.share_value,
        reference=held_for.payment_reference, stripe_payment_intent="pi_test_held",
        held_at=timezone.now(), received_on=timezone.localdate(), held_reason="Checking")
    withdrawal = {"withdrawal_id": former.withdrawals.get().pk}
    letter = PayerNotice.objects.create(payment=held, channel="letter", subject="Refunded",
                                        body="We sent it back.", name=held_for.full_name)
    kwargs = {
        "application_detail": {"application_id": ApplicationFactory(society=society).pk},
        "record_joining_payment": {"application_id": approved.pk},
        "member_detail": {"number": member.membership_number},
        "record_member_payment": {"number": member.membership_number},
        "member_certificate": {"number": member.membership_number},
        "register_export": {"fmt": "csv"},
        "report_csv": {"report": "payments"},
        "withdrawal_detail": withdrawal,
        "refund_withdrawal": withdrawal,
        "refund_held_payment": {"payment_id": held.pk},
        "accept_held_payment": {"payment_id": held.pk},
        "decide_class_change": {"request_id": member.class_requests.get().pk},
        "erasure_request": {"number": former.membership_number},
        "subject_access_copy": {"number": former.membership_number},
        "end_office": {"officer_id": OfficerFactory(society=society, role="trustee").pk},
        "payer_letter_posted": {"notice_id": letter.pk},
    }
    return users, kwargs


@pytest.mark.parametrize("role, method, name, expected", CASES)
def test_permission_table(world, society, role, method, name, expected):
    users, kwargs = world
    client = PageCheckingClient()
    if users[role] is not None:
        client.force_login(users[role])
    url = reverse(name, kwargs={"slug": society.slug, **kwargs.get(name, {})})
    audit_before = AuditEntry.objects.count()

    if method == "GET":
        response = client.get(url)
    else:
        data = {k: v.format(today=timezone.localdate()) for k, v in POST_DATA[name].items()}
        response = client.post(url, data)

    login_url = reverse("account_login")
    if expected == LOG:
        assert response.status_code == 302
        assert response.url.startswith(login_url)
    elif expected == GO:
        assert response.status_code == 302
        assert not response.url.startswith(login_url)
    else:
        assert response.status_code == expected
    if expected in (LOG, NO):
        assert AuditEntry.objects.count() == audit_before


def test_permission_table_covers_every_society_page():
    """Every page under /s/<slug>/ is in the table, so a new page cannot skip it."""
    from coop import officer_urls
    from membership import officer_urls as membership_officer_urls
    from membership import urls as membership_urls

    names = {p.name for module in (membership_urls, officer_urls, membership_officer_urls)
             for p in module.urlpatterns if getattr(p, "name", None)}
    in_table = {name for _, name, _ in TABLE}

    assert names - in_table == set()


def test_permission_table_treasurer_post_to_member_detail_changes_nothing(world, society):
    """The treasurer sees the member's page but may not end a membership: the form is not
    offered and a crafted POST is refused."""
    users, kwargs = world
    client = PageCheckingClient()
    client.force_login(users["treasurer"])
    number = kwargs["member_detail"]["number"]

    client.post(reverse("member_detail", args=[society.slug, number]),
                {"reason": "resigned", "on": str(timezone.localdate())})

    assert society.members.get(membership_number=number).ceased_on is None


@pytest.mark.parametrize("role", ["chair", "trustee"])
def test_permission_only_secretary_records_death_or_expulsion(world, society, role):
    users, kwargs = world
    client = PageCheckingClient()
    client.force_login(users[role])
    number = kwargs["member_detail"]["number"]

    client.post(reverse("member_detail", args=[society.slug, number]),
                {"reason": "expelled", "on": str(timezone.localdate()), "note": "Board, 1 May"})

    assert society.members.get(membership_number=number).ceased_on is None
