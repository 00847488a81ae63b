"""The scrutineer's seal: a ballot whose envelopes only the scrutineer's passphrase opens.
The server keeps VOTE_KEY and everything in the database, and still cannot read a vote; a
wrong passphrase changes nothing; the right one opens the box and the count is the one cast."""

import json
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from coop.models import AuditEntry
from tests.factories import MemberFactory
from voting import envelopes, secrecy, selectors, services
from voting.enums import BallotState, PaperState
from voting.errors import VotingError
from voting.models import Ballot, Envelope, Receipt, Vote, VoteMark

from .conftest import option

PASSPHRASE = "marmalade kettle hillside 42"


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


@pytest.fixture
def draft(society, secretary):
    return services.create_ballot(
        society, by=secretary, title="Minibus or garden", summary="Which first?",
        kind="choice", options=["Minibus", "Garden"], allow_vote_changes=True,
        scrutineer_seal=True)


@pytest.fixture
def sealed(draft, secretary, scrutineer, society, classes):
    """An open sealed ballot: 3 members chose Minibus, 2 Garden (one of them after first
    choosing Minibus), and one member's paper, entered by the scrutineer, chose Garden."""
    services.set_passphrase(draft, by=scrutineer, passphrase=PASSPHRASE, again=PASSPHRASE)
    post, late = (MemberFactory(society=society, member_class=classes[1],
                                contact_by_post=True) for _ in range(2))
    voters = [MemberFactory(society=society, member_class=classes[i % 3]) for i in range(5)]
    ballot = services.open_ballot(draft, by=secretary,
                                  closes_at=timezone.now() + timedelta(days=7))
    minibus, garden = option(ballot, "Minibus"), option(ballot, "Garden")
    receipts = [services.cast_vote(ballot, m, {(minibus if i < 4 else garden).pk: 1})
                for i, m in enumerate(voters)]
    receipts.append(services.cast_vote(ballot, voters[3], {garden.pk: 1}))  # changed mind
    state = services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, post.pk),
                                      choices={garden.pk: 1}, by=scrutineer)
    assert state == PaperState.COUNTED
    return {"ballot": ballot, "receipts": receipts, "minibus": minibus, "garden": garden,
            "late": late}


def close(ballot, by):
    return services.close_ballot(ballot, by=by, reason="Counting")


def counts(ballot) -> dict[str, int]:
    totals = {}
    for row in selectors.count_ballot(ballot):
        for option_id, n in row.counts.items():
            label = ballot.options.get(pk=option_id).label
            totals[label] = totals.get(label, 0) + n
    return totals


def test_the_ballot_does_not_open_before_the_scrutineer_sets_a_passphrase(draft, secretary):
    with pytest.raises(VotingError) as refused:
        services.open_ballot(draft, by=secretary, closes_at=timezone.now() + timedelta(days=7))
    assert refused.value.field == "scrutineer_seal"
    assert "has not yet set the passphrase" in str(refused.value)
    assert Ballot.objects.get(pk=draft.pk).opened_at is None


@pytest.mark.parametrize("passphrase, again, field, words", [
    ("short one", "short one", "passphrase", "at least 12 characters"),
    ("aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "passphrase", "too easy to guess"),
    (PASSPHRASE, PASSPHRASE + "!", "again", "not the same"),
])
def test_a_weak_or_mistyped_passphrase_is_refused(draft, scrutineer, passphrase, again,
                                                   field, words):
    with pytest.raises(VotingError) as refused:
        services.set_passphrase(draft, by=scrutineer, passphrase=passphrase, again=again)
    assert refused.value.field == field and words in str(refused.value)
    assert Ballot.objects.get(pk=draft.pk).seal_public_key is None


def test_live_results_cannot_be_asked_for_with_the_seal(society, secretary):
    with pytest.raises(VotingError) as refused:
        services.create_ballot(society, by=secretary, title="T", summary="S", kind="choice",
                               options=["A", "B"], scrutineer_seal=True, live_results=True)
    assert refused.value.field == "live_results"


def test_the_server_cannot_open_the_envelopes(sealed, settings):
    """Everything the server has (VOTE_KEY, the ballot's public key and salt, the envelopes)
    opens nothing: not through the live figures, not through the VOTE_KEY cipher."""
    ballot = Ballot.objects.get(pk=sealed["ballot"].pk)
    rows = list(Envelope.objects.filter(ballot=ballot)
                .values_list("current", "voter_token", "sealed"))
    assert len(rows) == 7  # 5 online, 1 replaced, 1 paper
    assert len({len(bytes(r[2])) for r in rows}) == 1  # one length whatever the choice
    with pytest.raises(envelopes.SealedForScrutineer):
        envelopes.unopened(ballot)
    as_if_unsealed = envelopes.Box(ballot.pk, [o.pk for o in ballot.options.all()])
    for _, token, blob in rows:
        with pytest.raises(InvalidTag):
            as_if_unsealed.open(bytes(blob)[-as_if_unsealed.size:], token)
    assert not selectors.results_visible(ballot, officer=True, scrutineer=True)


def test_closing_leaves_the_box_shut_until_the_scrutineer_opens_it(sealed, secretary,
                                                                   scrutineer):
    ballot = close(sealed["ballot"], secretary)
    assert ballot.state == BallotState.CLOSED
    assert services.waiting_for_scrutineer(ballot)
    assert Envelope.objects.filter(ballot=ballot).count() == 7
    assert not Vote.objects.filter(ballot=ballot).exists()
    assert not selectors.results_visible(ballot, officer=True, scrutineer=True)
    assert selectors.receipt_status(ballot, sealed["receipts"][0]) == "sealed"
    with pytest.raises(VotingError, match="still sealed"):
        services.certify_ballot(ballot, by=scrutineer)


def test_a_wrong_passphrase_changes_nothing(sealed, secretary, scrutineer):
    ballot = close(sealed["ballot"], secretary)
    with pytest.raises(VotingError) as refused:
        services.open_sealed_box(ballot, by=scrutineer, passphrase=PASSPHRASE.upper())
    assert refused.value.field == "passphrase"
    assert "not the passphrase" in str(refused.value)
    assert Envelope.objects.filter(ballot=ballot).count() == 7
    assert not Vote.objects.exists() and not Receipt.objects.exists()
    assert AuditEntry.objects.filter(action="voting.ballot.seal_refused").count() == 1


def test_the_right_passphrase_opens_the_box_and_counts_what_was_cast(sealed, secretary,
                                                                     scrutineer):
    ballot = close(sealed["ballot"], secretary)
    assert services.open_sealed_box(ballot, by=scrutineer, passphrase=PASSPHRASE) == 7
    assert not Envelope.objects.filter(ballot=ballot).exists()
    assert not services.waiting_for_scrutineer(ballot)
    # The changed vote counts as its last choice; the paper counts.
    assert counts(ballot) == {"Minibus": 3, "Garden": 3}
    assert Vote.objects.filter(ballot=ballot).count() == 6
    assert VoteMark.objects.filter(ballot=ballot).count() == 6
    statuses = [selectors.receipt_status(ballot, r) for r in sealed["receipts"]]
    assert statuses == ["counted", "counted", "counted", "replaced", "counted", "counted"]
    assert selectors.results_visible(ballot, officer=True)
    services.certify_ballot(ballot, by=scrutineer)
    entry = AuditEntry.objects.get(action="voting.ballot.box_opened")
    assert entry.data["by_scrutineer_passphrase"] is True and entry.data["counted"] == 6


def test_the_passphrase_is_kept_nowhere(sealed, secretary, scrutineer):
    """Not on the ballot, not in the audit log, not anywhere in the database."""
    ballot = close(sealed["ballot"], secretary)
    services.open_sealed_box(ballot, by=scrutineer, passphrase=PASSPHRASE)
    needle = PASSPHRASE.encode()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = json.dumps([bytes(v).hex() if isinstance(v, bytes | memoryview)
                                   else str(v) for v in row])
                assert PASSPHRASE not in text and needle.hex() not in text, table
    kept = Ballot.objects.get(pk=ballot.pk)
    assert len(bytes(kept.seal_public_key)) == 32 and len(bytes(kept.seal_salt)) == 16
    assert kept.seal_kdf.startswith("scrypt:")


def test_a_paper_entered_after_opening_waits_for_the_passphrase_again(sealed, secretary,
                                                                      scrutineer):
    late = sealed["late"]
    ballot = close(sealed["ballot"], secretary)
    services.open_sealed_box(ballot, by=scrutineer, passphrase=PASSPHRASE)
    services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, late.pk),
                              choices={sealed["minibus"].pk: 1}, by=scrutineer)
    assert services.waiting_for_scrutineer(ballot)
    with pytest.raises(VotingError, match="still sealed"):
        services.certify_ballot(ballot, by=scrutineer)
    assert services.open_sealed_box(ballot, by=scrutineer, passphrase=PASSPHRASE) == 1
    assert counts(ballot) == {"Minibus": 4, "Garden": 3}


def test_the_api_shows_the_seal_and_refuses_what_it_forbids(society, secretary, scrutineer):
    board = APIClient()
    board.force_login(secretary)
    base = f"/api/v1/societies/{society.slug}/ballots"
    closes = (timezone.now() + timedelta(days=7)).isoformat()
    refused = board.post(f"{base}/", {
        "title": "T", "summary": "S", "kind": "choice", "options": [{"label": "A"},
                                                                   {"label": "B"}],
        "scrutineer_seal": True, "live_results": True, "closes_at": closes}, format="json")
    assert refused.status_code == 400 and "live_results" in refused.json()
    made = board.post(f"{base}/", {
        "title": "T", "summary": "S", "kind": "choice", "options": [{"label": "A"},
                                                                   {"label": "B"}],
        "scrutineer_seal": True, "closes_at": closes}, format="json").json()
    assert made["scrutineer_seal"] is True and made["seal_ready"] is False
    opening = board.post(f"{base}/{made['id']}/open/", {}, format="json")
    assert opening.status_code == 400
    assert "has not yet set the passphrase" in str(opening.json())
    services.set_passphrase(Ballot.objects.get(pk=made["id"]), by=scrutineer,
                            passphrase=PASSPHRASE, again=PASSPHRASE)
    assert board.get(f"{base}/{made['id']}/").json()["seal_ready"] is True
    assert board.post(f"{base}/{made['id']}/open/", {}, format="json").status_code == 200
