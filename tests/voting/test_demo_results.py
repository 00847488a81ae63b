"""The demo's published elections, counted by STV, as every kind of visitor sees them. The
trustee election for personal assistants draws lots, and its pages once answered 500."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from coop import demo
from coop.models import Society, User
from tests.pages import PageCheckingClient, text
from voting import selectors
from voting.enums import BallotKind, BallotState
from voting.models import Ballot

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PAGES = ["ballot_results", "ballot_results_csv", "ballot_certificate", "ballot_certificate_pdf"]
INSIDERS = ["user@demo.coop", "pa@demo.coop", "secretary@demo.coop", "trustee1@demo.coop",
            "scrutineer@demo.coop"]  # a member, a member of the class that voted, officers


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo on an empty database, once for the module."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            assert not Society.objects.exists()
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield Society.objects.get(slug=demo.DEMO_SLUG)
            transaction.set_rollback(True)


@pytest.fixture
def elections(seeded, db):
    """Every published election of the demo society."""
    ballots = [b for b in Ballot.objects.filter(society=seeded, kind=BallotKind.RANKED)
               if b.state == BallotState.PUBLISHED]
    assert ballots
    return ballots


def client(email=None):
    visitor = PageCheckingClient()
    if email:
        visitor.force_login(User.objects.get(email=email))
    return visitor


def url(name, ballot):
    return reverse(name, args=[ballot.society.slug, ballot.pk])


def test_the_personal_assistants_trustee_election_drew_lots(elections):
    (trustees,) = [b for b in elections
                   if b.title == "Elect two trustees for personal assistants"]

    assert selectors.count_election(trustees).ties_broken_by_lot


@pytest.mark.parametrize("email", INSIDERS)
def test_members_and_officers_see_every_published_election(elections, email):
    visitor = client(email)

    for ballot in elections:
        for name in PAGES:
            response = visitor.get(url(name, ballot))
            assert response.status_code == 200, (ballot.title, name)
        # The standard version (some demo logins chose easy read, which comes first for them).
        page = text(visitor.get(url("ballot_results", ballot) + "?view=standard"))
        assert "Elected to the" in page
        count = selectors.count_election(ballot)
        for tie in count.ties_broken_by_lot:
            assert f"the lot excluded {count.names[tie.chosen]}" in page or \
                f"the lot chose {count.names[tie.chosen]}'s" in page


def test_anonymous_visitors_are_sent_to_sign_in(elections):
    for ballot in elections:
        for name in PAGES:
            response = client().get(url(name, ballot))
            assert response.status_code == 302, (ballot.title, name)
            assert response["Location"].startswith(reverse("account_login"))


def test_a_member_of_the_other_demo_co_op_is_told_nothing_exists(elections):
    outsider = client("river1@demo.coop")

    for ballot in elections:
        for name in PAGES:
            assert outsider.get(url(name, ballot)).status_code == 404, (ballot.title, name)
