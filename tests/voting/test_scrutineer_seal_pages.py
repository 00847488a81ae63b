"""The scrutineer's seal through the pages: the board asks for it on the draft, the page says
the ballot waits for the scrutineer, the scrutineer sets the passphrase (errors next to the
fields), the results page says live figures are not available, and after close the scrutineer
opens the votes (a wrong passphrase is refused with nothing changed)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, assert_field_error, text
from voting import services
from voting.models import Ballot, Envelope, Vote

from .conftest import option

PASSPHRASE = "otter lantern biscuit rain"


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


def signed_in(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


@pytest.fixture
def draft(society, secretary):
    return services.create_ballot(society, by=secretary, title="New kettle", summary="Which?",
                                  kind="choice", options=["Red", "Blue"], scrutineer_seal=True)


def url(name, ballot):
    return reverse(name, args=[ballot.society.slug, ballot.pk])


def test_the_manage_page_says_the_ballot_waits_for_the_passphrase(draft, secretary):
    page = signed_in(secretary).get(url("ballot_manage", draft))
    assert "Waiting for the scrutineer to set the passphrase" in text(page)
    opened = signed_in(secretary).post(url("ballot_open", draft), {
        "open-closes_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")})
    assert "has not yet set the passphrase" in text(opened)
    assert Ballot.objects.get(pk=draft.pk).opened_at is None


def test_setting_the_passphrase_shows_errors_next_to_the_fields(draft, scrutineer):
    client = signed_in(scrutineer)
    page = client.get(url("ballot_seal", draft))
    assert "If the passphrase is lost, the votes cannot be counted" in text(page)
    short = client.post(url("ballot_seal", draft), {"passphrase": "too short",
                                                   "again": "too short"})
    assert short.status_code == 400
    assert_field_error(short, "passphrase", "Use at least 12 characters")
    assert "too short" not in short.content.decode()  # never shown back
    mismatch = client.post(url("ballot_seal", draft), {"passphrase": PASSPHRASE,
                                                      "again": PASSPHRASE + "s"})
    assert_field_error(mismatch, "again", "The two passphrases are not the same")
    done = client.post(url("ballot_seal", draft), {"passphrase": PASSPHRASE,
                                                  "again": PASSPHRASE})
    assert done.status_code == 302
    assert Ballot.objects.get(pk=draft.pk).seal_public_key is not None


def test_only_the_scrutineer_sets_the_passphrase(draft, secretary):
    assert signed_in(secretary).get(url("ballot_seal", draft)).status_code == 403


def test_sealed_ballot_pages_from_opening_to_count(draft, secretary, scrutineer, society,
                                                   classes):
    voters = [MemberFactory(society=society, member_class=classes[0]) for _ in range(3)]
    services.set_passphrase(draft, by=scrutineer, passphrase=PASSPHRASE, again=PASSPHRASE)
    ballot = services.open_ballot(draft, by=secretary,
                                  closes_at=timezone.now() + timedelta(days=2))
    for member in voters:
        services.cast_vote(ballot, member, {option(ballot, "Red").pk: 1})
    board = signed_in(secretary)
    assert "Live figures are not available: this ballot is sealed for the scrutineer" in \
        text(board.get(url("ballot_manage", ballot)))
    assert "Live figures are not available: this ballot is sealed for the scrutineer" in \
        text(board.get(url("ballot_results", ballot)))

    services.close_ballot(ballot, by=secretary, reason="Counting early")
    assert "Waiting for the scrutineer to open the sealed votes" in \
        text(board.get(url("ballot_results", ballot)))
    client = signed_in(scrutineer)
    manage = text(client.get(url("ballot_manage", ballot)))
    assert "Waiting for the scrutineer" in manage and "Certify the result" not in manage
    wrong = client.post(url("ballot_seal_open", ballot), {"passphrase": "otter lantern"})
    assert wrong.status_code == 400
    assert_field_error(wrong, "passphrase", "not the passphrase this ballot was sealed with")
    assert Envelope.objects.filter(ballot=ballot).count() == 3
    opened = client.post(url("ballot_seal_open", ballot), {"passphrase": PASSPHRASE},
                         follow=True)
    assert "The box is open: 3 envelopes were opened" in text(opened)
    assert "Certify the result" in text(opened)
    assert Vote.objects.filter(ballot=ballot).count() == 3
    result = text(client.get(url("ballot_results", ballot)))
    assert "Red" in result and "Live figures are not available" not in result
