"""Nothing in the envelopes, the counted votes, the audit log or the emails ties a vote to a
member. (Attacks through the database's own bookkeeping are in test_secrecy_attacks.py.)

These tests read every column of every row, found through `_meta.concrete_fields`, so a column
added later is checked too: a column of a kind not reviewed here fails the test until someone
decides whether it could identify a voter."""

import hashlib
import hmac
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import models
from django.tasks.signals import task_enqueued
from django.utils import timezone

from coop.models import AuditEntry
from tests.factories import MemberFactory
from voting import secrecy, services
from voting.enums import PaperState
from voting.models import (
    Ballot,
    BallotOption,
    BallotPaper,
    Envelope,
    Receipt,
    RollEntry,
    Vote,
    VoteMark,
)

from .conftest import option

# The only things a vote or a mark may point at: none of them is a person.
ANONYMOUS_TARGETS = {Ballot, BallotOption, Vote, "membership.MemberClass"}
HEX_COLUMNS = {"voter_token", "receipt_hash"}
SEALED = 12 + 16 + 8 + 1 + 32 + 2 * 2  # nonce, tag, class, flags, receipt, 2 options


@pytest.fixture
def voted(society, secretary, officer_for, classes, django_capture_on_commit_callbacks):
    """A ballot in which members voted online (one changed their vote) and on paper (one
    paper counted, one rejected because its member had voted online), and reminders went."""
    scrutineer = officer_for("scrutineer")
    online = [MemberFactory(society=society, member_class=c) for c in classes for _ in range(3)]
    post = [MemberFactory(society=society, member_class=classes[i], contact_by_post=True,
                          contact_by_email=False) for i in (0, 1)]
    idle = MemberFactory(society=society, member_class=classes[2])
    ballot = services.create_ballot(
        society, by=secretary, title="Kitchen fruit", summary="Which fruit shall we buy?",
        kind="choice", options=["Zebra apples", "Quince pears"], allow_vote_changes=True)
    with django_capture_on_commit_callbacks(execute=True):
        ballot = services.open_ballot(ballot, by=secretary,
                                      closes_at=timezone.now() + timedelta(days=7))
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    zebra, quince = option(ballot, "Zebra apples"), option(ballot, "Quince pears")
    for i, member in enumerate(online):
        services.cast_vote(ballot, member, {(zebra if i % 2 else quince).pk: 1})
    services.cast_vote(ballot, online[0], {zebra.pk: 1})  # a change of mind
    services.cast_vote(ballot, post[1], {zebra.pk: 1})
    states = [services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, m.pk),
                                        choices={quince.pk: 1}, by=scrutineer) for m in post]
    assert states == [PaperState.COUNTED, PaperState.REJECTED]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_due(now=ballot.closes_at - timedelta(hours=23))["reminded"] == 1
    voters = [*online, *post]
    return {"ballot": ballot, "voters": voters, "everyone": [*voters, idle],
            "audit_since": before, "scrutineer": scrutineer, "options": [zebra, quince]}


def identifiers(members) -> dict[str, set]:
    """Everything that names a member, as text."""
    users = [m.user for m in members]
    return {
        "member id": {str(m.pk) for m in members},
        "user id": {str(u.pk) for u in users},
        "membership number": {str(m.membership_number) for m in members},
        "email": {m.email.lower() for m in members if m.email} | {u.email.lower()
                                                                   for u in users},
        "name": {m.full_name.lower() for m in members}
        | {u.display_name.lower() for u in users if u.display_name},
    }


def closed(voted) -> Ballot:
    """Close the ballot, which opens the box."""
    return services.close_ballot(voted["ballot"], by=voted["scrutineer"], reason="Counting")


def rows(model, ballot):
    fields = model._meta.concrete_fields
    return fields, [[(f, getattr(row, f.attname)) for f in fields]
                    for row in model.objects.filter(ballot=ballot)]


def assert_names_nobody(field, value, members):
    text = str(value).lower()
    for kind, values in identifiers(members).items():
        if kind in {"email", "name"}:
            assert not any(v in text for v in values), f"{field.name} holds a member's {kind}"


def assert_column_is_anonymous(model, field, value, members):
    """Each kind of column a vote may have, and what it may hold."""
    where = f"{model.__name__}.{field.name}"
    if isinstance(field, models.ForeignKey):
        target = field.related_model
        assert target in ANONYMOUS_TARGETS or target._meta.label in ANONYMOUS_TARGETS, \
            f"{where} points at {target._meta.label}, which could name a voter"
    elif isinstance(field, models.BigAutoField) and model is Receipt:
        assert field.primary_key  # receipts are written in the order of their hashes
    elif isinstance(field, models.BinaryField) and field.name == "sealed":
        assert len(value) == SEALED  # one length whatever the choices
    elif isinstance(field, models.UUIDField):
        assert field.primary_key and isinstance(value, uuid.UUID) and value.version == 4, \
            f"{where} should be a random (version 4) UUID"
    elif isinstance(field, models.DateTimeField | models.TimeField):
        pytest.fail(f"{where} holds a time finer than a day")
    elif isinstance(field, models.DateField):
        pytest.fail(f"{where} holds a date")
    elif isinstance(field, models.BooleanField):
        assert isinstance(value, bool)
    elif isinstance(field, models.PositiveSmallIntegerField) and field.name == "value":
        assert 0 < value <= 100  # a mark: chosen, points or rank
    elif isinstance(field, models.CharField) and field.name in HEX_COLUMNS:
        assert len(value) == 64 and int(value, 16) >= 0, f"{where} should be a hash"
        for kind, values in identifiers(members).items():
            assert value not in values, f"{where} holds a member's {kind}"
    else:
        pytest.fail(f"{where} ({type(field).__name__}) is a new kind of column: check it "
                    "cannot identify a voter, then add it to this test")
    assert_names_nobody(field, value, members)


@pytest.mark.parametrize("model, when", [(Envelope, "open"), (Vote, "closed"),
                                         (VoteMark, "closed"), (Receipt, "closed")])
def test_no_column_of_a_vote_identifies_a_member(voted, model, when):
    if when == "closed":
        closed(voted)
    fields, table = rows(model, voted["ballot"])

    assert table, "the ballot should have votes"
    assert not any(isinstance(f, models.DateTimeField | models.TimeField) for f in fields)
    assert not any(getattr(f, "related_model", None) is not None
                   and f.related_model._meta.label in {"membership.Member", "coop.User"}
                   for f in fields)
    for row in table:
        for field, value in row:
            assert_column_is_anonymous(model, field, value, voted["everyone"])


def test_vote_ids_are_random_uuids_not_a_sequence(voted):
    envelope_ids = list(Envelope.objects.filter(ballot=voted["ballot"])
                        .values_list("id", flat=True))
    closed(voted)
    ids = list(Vote.objects.filter(ballot=voted["ballot"]).values_list("id", flat=True))
    mark_ids = list(VoteMark.objects.filter(ballot=voted["ballot"]).values_list("id",
                                                                                 flat=True))

    assert len(envelope_ids) == 12  # 9 online, 1 changed, 1 online by a post member, 1 paper
    assert len(ids) == len(mark_ids) == 11  # the changed one is not counted
    assert not set(envelope_ids) & set(ids)  # opened votes get new ids
    for found in (envelope_ids, ids, mark_ids):
        assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in found)
        assert len({i.int >> 96 for i in found}) == len(found)  # no counter-like prefix


def test_votes_carry_no_date_or_time(voted):
    closed(voted)
    for model in (Envelope, Vote, VoteMark, Receipt):
        assert not any(isinstance(f, models.DateField | models.DateTimeField | models.TimeField)
                       for f in model._meta.concrete_fields), model.__name__
    assert not Envelope.objects.filter(ballot=voted["ballot"]).exists()


def test_roll_records_only_whether_each_member_voted(voted):
    ballot = voted["ballot"]
    fields = {f.name: f for f in RollEntry._meta.concrete_fields}

    # `recused` is set at opening (an interest in the ballot's topics), not by voting.
    assert set(fields) == {"id", "ballot", "member", "member_class", "has_voted", "recused"}
    assert not any(isinstance(f, models.DateTimeField | models.DateField | models.TimeField)
                   for f in fields.values())
    voted_ids = {m.pk for m in voted["voters"]}
    roll = dict(RollEntry.objects.filter(ballot=ballot).values_list("member_id", "has_voted"))
    assert roll == {m.pk: m.pk in voted_ids for m in voted["everyone"]}


def test_paper_records_keep_no_choice_and_no_time(voted):
    fields = {f.name: f for f in BallotPaper._meta.concrete_fields}

    assert set(fields) == {"id", "ballot", "roll_entry", "code_hash", "state", "issued_on"}
    assert not any(isinstance(f, models.DateTimeField | models.TimeField)
                   for f in fields.values())
    codes = [secrecy.paper_code(voted["ballot"].pk, m.pk) for m in voted["everyone"]]
    stored = set(BallotPaper.objects.filter(ballot=voted["ballot"])
                 .values_list("code_hash", flat=True))
    assert len(stored) == 2
    assert not stored & set(codes)  # only hashes of the codes are kept


def test_voter_token_needs_the_vote_key(voted, settings):
    ballot = voted["ballot"]
    member = voted["voters"][1]
    stored = set(Envelope.objects.filter(ballot=ballot).values_list("voter_token", flat=True))
    token = secrecy.voter_token(ballot.pk, member.pk)
    assert token in stored

    message = f"vote:{ballot.pk}:{member.pk}".encode()
    guesses = {
        hashlib.sha256(message).hexdigest(),
        hmac.new(b"", message, hashlib.sha256).hexdigest(),
        hmac.new(settings.SECRET_KEY.encode() + b"x", message, hashlib.sha256).hexdigest(),
    }
    settings.VOTE_KEY = "a-different-key-from-somewhere-else"
    other = {secrecy.voter_token(ballot.pk, m.pk) for m in voted["everyone"]}

    assert secrecy.voter_token(ballot.pk, member.pk) != token
    assert not (other | guesses) & stored


def test_receipt_hashes_are_not_derived_from_the_member(voted):
    ballot = closed(voted)
    stored = set(Receipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))
    derivable = {secrecy.code_hash(secrecy.paper_code(ballot.pk, m.pk))
                 for m in voted["everyone"]}
    derivable |= {hashlib.sha256(str(m.pk).encode()).hexdigest() for m in voted["everyone"]}

    assert len(stored) == 12
    assert not stored & derivable


def test_audit_log_written_while_voting_names_no_voter(voted):
    entries = list(AuditEntry.objects.filter(id__gt=voted["audit_since"]))
    members = voted["everyone"]
    voter_users = {m.user_id for m in members}

    assert {e.action for e in entries} == {"voting.paper.entered", "voting.ballot.reminded"}
    for entry in entries:
        assert entry.actor_id not in voter_users
        assert entry.object_type == "voting.Ballot"
        text = f"{entry.actor_label} {entry.object_repr} {entry.data}".lower()
        ident = identifiers(members)
        assert not any(v in text for v in ident["email"] | ident["name"]), entry.action
    paper_entries = [e.data for e in entries if e.action == "voting.paper.entered"]
    assert paper_entries == [{"counted": True}, {"counted": False}]
    reminded, = [e.data for e in entries if e.action == "voting.ballot.reminded"]
    assert reminded == {"not_yet_voted": 1}


def test_emails_say_nothing_about_how_anyone_voted(voted):
    option_labels = [o.label.lower() for o in voted["options"]]

    assert mail.outbox, "the announcement and the reminder should have gone"
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}".lower()
        assert not any(label in text for label in option_labels), message.subject
        assert "receipt" not in text
        assert "you voted for" not in text
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert [m.to for m in reminders] == [[voted["everyone"][-1].email]]


def test_casting_a_vote_queues_no_task_that_could_log_who_voted_when(
        open_ballot, classes, make_members, officer_for, django_capture_on_commit_callbacks):
    online, = make_members(classes[0], 1)
    post, = make_members(classes[1], 1, contact_by_post=True)
    ballot = open_ballot(kind="choice", options=["Zebra apples", "Quince pears"])
    queued = []

    def remember(sender, task_result, **kwargs):
        queued.append(task_result.task.name)

    task_enqueued.connect(remember)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.cast_vote(ballot, online, {option(ballot, "Zebra apples").pk: 1})
            services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, post.pk),
                                      choices={option(ballot, "Quince pears").pk: 1},
                                      by=officer_for("scrutineer"))
    finally:
        task_enqueued.disconnect(remember)

    assert queued == []
    assert mail.outbox == []
