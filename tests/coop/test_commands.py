"""Management commands: create_society, seed_demo and demo_logins."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from coop import demo
from coop.models import AuditEntry, Officer, Society, User
from membership.models import Application, Member, Payment


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> dict:
    return {"societies": Society.objects.count(), "users": User.objects.count(),
            "members": Member.objects.count(), "applications": Application.objects.count(),
            "officers": Officer.objects.count(), "audit": AuditEntry.objects.count()}


# --- create_society -------------------------------------------------------------------------

def test_create_society_command_creates_society_with_classes(db):
    out, _ = run("create_society", "Mutual Support Co-op", "--slug", "mutual",
                 "--registration-number", "RS001234")

    society = Society.objects.get(slug="mutual")
    assert society.name == "Mutual Support Co-op"
    assert society.registration_number == "RS001234"
    assert "/s/mutual/" in out
    assert "Service user, Carer, Personal assistant" in out


def test_create_society_command_makes_slug_from_name(db):
    run("create_society", "Riverside Carers")

    assert Society.objects.filter(slug="riverside-carers").exists()


def test_create_society_command_duplicate_slug_errors_clearly(db):
    run("create_society", "Mutual Support Co-op", "--slug", "mutual")

    with pytest.raises(CommandError, match="“mutual” already exists"):
        run("create_society", "Another", "--slug", "mutual")
    assert Society.objects.count() == 1


# --- seed_demo ------------------------------------------------------------------------------

@pytest.fixture
def seeded(db, settings):
    """The demo, seeded once per test. A fast hasher keeps the demo's one password cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out, err = run("seed_demo")
    return out, err


def test_seed_demo_creates_demo_societies_members_officers_and_applications(seeded):
    society = Society.objects.get(slug=demo.DEMO_SLUG)

    assert society.name == "Mutual Support (demo)"
    members = Member.objects.filter(society=society)
    assert 35 <= members.count() <= 45
    by_class = {c.name: (c.weight, members.filter(member_class=c).count())
                for c in society.member_classes.all()}
    assert set(by_class) == {"Service user", "Carer", "Personal assistant"}
    assert [w for w, _ in by_class.values()] == [50, 25, 25]
    assert all(n > 0 for _, n in by_class.values())
    assert [m.membership_number for m in members.order_by("membership_number")] == list(
        range(1, members.count() + 1))

    current = Officer.objects.filter(society=society, ended_on__isnull=True)

    roles = {}
    for officer in current:
        roles.setdefault(officer.role, set()).add(officer.user.email)
    # The two named trustees, and those elected at last year's AGM with their terms.
    assert {"trustee1@demo.coop", "trustee2@demo.coop"} <= roles["trustee"]
    elected = current.filter(role="trustee", term_ends_on__isnull=False)
    assert elected.count() == len(roles["trustee"] - {"trustee2@demo.coop"}) >= 7
    assert roles["secretary"] == {"secretary@demo.coop"}
    assert roles["scrutineer"] == {"scrutineer@demo.coop"}
    assert roles["chair"] <= roles["trustee"]

    second = Society.objects.get(slug=demo.SECOND_SLUG)

    pending = [a for a in Application.objects.filter(society=society) if a.state == "pending"]
    assert 1 <= len(pending) <= 5
    assert 1 <= Member.objects.filter(society=second).count() < 20
    assert Officer.objects.filter(society=second, role="secretary").exists()


def test_seed_demo_shares_agree_with_the_ledger(seeded):
    society = Society.objects.get(slug=demo.DEMO_SLUG)
    members = Member.objects.filter(society=society)

    for member in members:
        ledger = member.share_transactions.aggregate(s=Sum("shares"), a=Sum("amount"))
        assert (member.shares_held, member.amount_paid) == (ledger["s"], ledger["a"])
    current = members.current()
    assert all(m.shares_held == 1 for m in current)
    assert Payment.objects.filter(society=society, confirmed_at__isnull=False).count() == (
        members.count())
    assert {p.method for p in Payment.objects.filter(society=society)} <= {
        "cash", "cheque", "bank_transfer"}
    leaver = members.former().get(ceased_on=timezone.localdate() - timedelta(days=40))
    [owed] = leaver.withdrawals.all()
    assert (leaver.shares_held, owed.amount, owed.is_due) == (0, society.share_value, True)
    awaiting = [a for a in society.applications.all() if a.state == "approved"]
    assert len(awaiting) == 2


def test_apply_retention_dry_run_on_the_demo_lists_the_right_people(seeded):
    out = StringIO()

    call_command("apply_retention", "--dry-run", "--society", demo.DEMO_SLUG, stdout=out)

    text = out.getvalue()
    anonymised = text.split("register entries anonymised: 1")[1].split("contact details")[0]
    assert "Hilda Longgone" in anonymised
    contact = text.split("contact details removed: 1")[1].split("declarations")[0]
    assert "Owen Lastyear" in contact
    leaver = Member.objects.former().get(ceased_on=timezone.localdate() - timedelta(days=40))
    assert leaver.full_name not in text, "left 40 days ago: nothing is due yet"
    assert Member.objects.filter(anonymised_at__isnull=False).count() == 0, "a dry run"


def test_seed_demo_logins_exist_and_can_sign_in(seeded):
    for _, email in demo.LOGINS:
        user = User.objects.get(email=email)
        assert user.check_password(demo.DEMO_PASSWORD), email
        assert user.emailaddress_set.filter(verified=True, primary=True).exists(), email
    assert not User.objects.filter(is_superuser=True).exclude(email="admin@demo.coop").exists()


def test_seed_demo_prints_nothing_harmful_and_twice_changes_nothing(seeded):
    out, err = seeded
    assert out.strip() == "Demo data created."
    assert err == ""
    assert demo.DEMO_PASSWORD not in out
    assert mail.outbox == []  # no welcome emails to made-up addresses
    before = counts()

    out, _ = run("seed_demo")

    assert "nothing changed" in out
    assert counts() == before
    verified, _ = run("verify_audit")
    assert "intact" in verified


def test_seed_demo_society_pages_render(seeded, client):
    """The demo is what people look at first: the secretary's main pages all open."""
    client.force_login(User.objects.get(email="secretary@demo.coop"))

    for path in ["/", f"/s/{demo.DEMO_SLUG}/", f"/s/{demo.DEMO_SLUG}/me/",
                 f"/s/{demo.DEMO_SLUG}/officers/", f"/s/{demo.DEMO_SLUG}/officers/register/",
                 f"/s/{demo.DEMO_SLUG}/officers/applications/",
                 f"/s/{demo.DEMO_SLUG}/officers/audit/"]:
        assert client.get(path).status_code == 200, path


# --- demo_logins ----------------------------------------------------------------------------

def test_demo_logins_prints_every_login(seeded):
    out, _ = run("demo_logins")

    for label, email in demo.LOGINS:
        assert email in out
        assert label in out
    assert "admin@demo.coop" in out
    assert demo.DEMO_PASSWORD in out


def test_demo_logins_without_demo_says_how_to_seed(db):
    out, _ = run("demo_logins")

    assert "seed_demo" in out
    assert "@demo.coop" not in out
