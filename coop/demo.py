"""Demo data: two societies with members (their shares paid another way), officers, pending
applications, applicants approved and waiting to pay, a former member owed their share money
back, and each society's own (Connect) Stripe account id."""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from coop.models import Society, User
from coop.services import appoint_officer, create_society

DEMO_SLUG = "mutual-support-demo"
SECOND_SLUG = "riverside-demo"
# Each demo society's own Stripe account (Connect). Used only with STRIPE_CONNECT on and a
# Stripe API that knows them (the tests' fake server); without Stripe keys nothing calls it.
DEMO_STRIPE_ACCOUNTS = {DEMO_SLUG: "acct_demo_mutual_support", SECOND_SLUG: "acct_demo_riverside"}
DEMO_PASSWORD = "coop-demo-2026"

FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ellen", "Farid", "Grace", "Harry", "Isla", "Jamal",
         "Kate", "Liam", "Maya", "Nasir", "Olivia", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Una", "Victor", "Wendy", "Xavier", "Yusuf", "Zara"]
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal",
        "Jones", "Khan", "Lewis", "Morgan", "Nolan", "Owen", "Patel", "Roberts", "Smith",
        "Taylor", "Williams"]
STREETS = ["Mill Lane", "Station Road", "Church Street", "Park Avenue", "High Street",
           "Victoria Road", "Green Lane", "Queen Street"]
TOWNS = [("Sheffield", "S1"), ("Leeds", "LS2"), ("Bradford", "BD1"), ("York", "YO1")]

LOGINS = [
    ("service user", "user@demo.coop"),
    ("carer", "carer@demo.coop"),
    ("personal assistant", "pa@demo.coop"),
    ("secretary", "secretary@demo.coop"),
    ("trustee (chair)", "trustee1@demo.coop"),
    ("trustee", "trustee2@demo.coop"),
    ("scrutineer", "scrutineer@demo.coop"),
    ("member of the second co-op", "river1@demo.coop"),
]


_HASHED = {}


def _user(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        # Hash once: every demo user shares the password, and hashing is slow on purpose.
        if "pw" not in _HASHED:
            _HASHED["pw"] = make_password(DEMO_PASSWORD)
        user.password = _HASHED["pw"]
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _details(rng: random.Random, name: str, email: str) -> dict:
    town, district = rng.choice(TOWNS)
    return {
        "full_name": name,
        "address": f"{rng.randint(1, 199)} {rng.choice(STREETS)}\n{town}",
        "postcode": f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}"
                    f"{rng.choice('LNPQRSTU')}",
        "email": email,
        "contact_by_email": rng.random() > 0.2,
        "contact_by_post": rng.random() < 0.3,
        "large_print": rng.random() < 0.1,
        "easy_read": rng.random() < 0.15,
    }


def _admit(society, user, member_class, details, *, by, days_ago: int, rng):
    from membership.services import apply_for_membership, approve_application
    from membership.shares import record_offline_payment

    application = apply_for_membership(society, user, member_class=member_class,
                                       confirmed_eligible=True,
                                       confirmed_not_in_other_class=True, **details)
    approve_application(application, by=by)
    payment = record_offline_payment(
        application=application, method=rng.choice(["cash", "cheque", "bank_transfer"]),
        amount=society.share_value, received_on=timezone.localdate() - timedelta(days=days_ago),
        by=by)
    return payment.member


def _leaver(society, *, by):
    """The longest-standing ordinary member resigned 40 days ago: after the 30-day notice their
    share money is due back, so the treasurer has a withdrawal to pay."""
    from membership.services import cease_membership

    member = (society.members.filter(email__startswith="member").order_by("admitted_on")
              .first())
    cease_membership(member, by=member.user, reason="resigned",
                     on=timezone.localdate() - timedelta(days=40))


def _long_gone(society, rng, *, by):
    """Two former members for retention to act on (`manage.py apply_retention --dry-run`):
    one who left 11 years ago (past the 10-year register period: anonymised) and one who left
    2 years ago (past the 1-year contact period: contact details removed)."""
    from membership.services import cease_membership

    today = timezone.localdate()
    for email, name, admitted_days, ceased_days in (
            ("former1@demo.coop", "Hilda Longgone", 16 * 365, 11 * 365 + 3),
            ("former2@demo.coop", "Owen Lastyear", 6 * 365, 2 * 365)):
        member = _admit(society, _user(email, name), society.member_classes.first(),
                        _details(rng, name, email), by=by, days_ago=admitted_days, rng=rng)
        cease_membership(member, by=member.user, reason="resigned",
                         on=today - timedelta(days=ceased_days))


def _populate(society, rng, plan, named, *, prefix, admin):
    """plan: list of (class, count). named: {class index: [(email, name)]} admitted first."""
    classes = list(society.member_classes.all())
    n = 0
    for class_index, count in plan:
        fixed = named.get(class_index, [])
        for i in range(count):
            if i < len(fixed):
                email, name = fixed[i]
            else:
                n += 1
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                email = f"{prefix}{n}@demo.coop"
            user = _user(email, name)
            _admit(society, user, classes[class_index], _details(rng, name, email), by=admin,
                   days_ago=rng.randint(10, 900), rng=rng)


@transaction.atomic
def seed() -> bool:
    """Create the demo once. Returns False when it was already there (nothing changes)."""
    if Society.objects.filter(slug=DEMO_SLUG).exists():
        return False
    rng = random.Random(2026)
    admin = _user("admin@demo.coop", "Platform admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()

    society = create_society(name="Mutual Support (demo)", slug=DEMO_SLUG,
                             registration_number="RS009999", by=admin,
                             address="1 Mill Lane\nSheffield S1 2AB",
                             contact_email="secretary@demo.coop")
    named = {
        0: [("user@demo.coop", "Alex Morgan"), ("trustee1@demo.coop", "Jo Patel")],
        1: [("carer@demo.coop", "Sam Evans"), ("secretary@demo.coop", "Ruth Hughes")],
        2: [("pa@demo.coop", "Priya Khan"), ("trustee2@demo.coop", "Tom Lewis")],
    }
    _populate(society, rng, [(0, 20), (1, 10), (2, 10)], named, prefix="member", admin=admin)
    today = timezone.localdate()
    for email, role in [("secretary@demo.coop", "secretary"), ("trustee1@demo.coop", "chair"),
                        ("trustee1@demo.coop", "trustee"), ("trustee2@demo.coop", "trustee")]:
        appoint_officer(society, user=User.objects.get(email=email), role=role,
                        started_on=today - timedelta(days=400), by=admin,
                        sees_access_needs=role == "secretary")
    scrutineer = _user("scrutineer@demo.coop", "Pat Reid")
    appoint_officer(society, user=scrutineer, role="scrutineer", by=admin)

    from membership.services import apply_for_membership, approve_application

    classes = list(society.member_classes.all())
    for i, class_index in enumerate([0, 1, 2, 1, 2]):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = f"applicant{i + 1}@demo.coop"
        application = apply_for_membership(
            society, _user(email, name), member_class=classes[class_index],
            confirmed_eligible=True, confirmed_not_in_other_class=True,
            **_details(rng, name, email))
        if i >= 3:  # approved, and the treasurer is waiting for their share money
            approve_application(application, by=admin)
    _leaver(society, by=admin)
    _long_gone(society, rng, by=admin)
    from membership.interests import demo as interests_demo
    from voting import demo as voting_demo

    interests_demo.seed(society, users={u.email: u for u in User.objects.filter(
        email__in=[e for _, e in LOGINS])})

    voting_demo.seed(society, secretary=User.objects.get(email="secretary@demo.coop"),
                     scrutineer=scrutineer, spare_emails={e for _, e in LOGINS})
    from surplus import demo as surplus_demo

    surplus_demo.seed(society, treasurer_or_secretary=User.objects.get(
        email="secretary@demo.coop"), scrutineer=scrutineer, spare_emails={e for _, e in LOGINS})
    from meetings import demo as meetings_demo

    meetings_demo.seed(society, users={u.email: u for u in User.objects.filter(
        email__in=[e for _, e in LOGINS])})

    second = create_society(name="Riverside Carers Co-op (demo)", slug=SECOND_SLUG, by=admin)
    _populate(second, rng, [(0, 3), (1, 3), (2, 2)],
              {0: [("river1@demo.coop", "Dana Frost")]}, prefix="riverside", admin=admin)
    appoint_officer(second, user=User.objects.get(email="river1@demo.coop"), role="secretary",
                    by=admin)
    from membership.stripe_payments.connect import record_connected_account

    for demo in (society, second):
        record_connected_account(demo, account_id=DEMO_STRIPE_ACCOUNTS[demo.slug], by=admin,
                                 ready=True)
    return True
