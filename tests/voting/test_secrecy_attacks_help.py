"""The attacks of test_secrecy_attacks.py on votes cast with a companion's help: the help kept
against each roll entry (who helped whom) must not lead to how the member voted, by its order,
its ids, its day, PostgreSQL's xmin or the audit log. Every voter here has a companion; half
choose "Apples" then half "Pears", in a known order."""

from datetime import timedelta

import pytest
from django.db import connection, models
from django.utils import timezone
from rest_framework.test import APIClient

from coop.models import AuditEntry
from tests.factories import MemberFactory, OfficerFactory, SocietyFactory
from voting.models import Envelope, Receipt, Vote, VoteMark, VotingHelp

from .test_secrecy_attacks import accuracy, labels_in

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 40


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def helped_election():
    society = SocietyFactory(name="Mutual Support", slug="mutual",
                             max_voters_helped_per_ballot=VOTERS)
    users_class = society.member_classes.order_by("position").first()
    board = client_for(OfficerFactory(society=society, role="secretary").user)
    voters = [MemberFactory(society=society, member_class=users_class) for _ in range(VOTERS)]
    base = "/api/v1/societies/mutual/ballots"
    ballot = board.post(f"{base}/", {
        "title": "Fruit", "summary": "Which fruit?", "kind": "choice",
        "options": [{"label": "Apples"}, {"label": "Pears"}],
        "closes_at": (timezone.now() + timedelta(days=7)).isoformat()}, format="json").json()
    assert board.post(f"{base}/{ballot['id']}/open/", {}, format="json").status_code == 200
    options = {o["label"]: o["id"] for o in ballot["options"]}
    truth, statements = {}, []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    clients = [client_for(v.user) for v in voters]
    audit_before = AuditEntry.objects.count()
    with connection.execute_wrapper(record):
        for i, (voter, client) in enumerate(zip(voters, clients, strict=True)):
            label = "Apples" if i < VOTERS // 2 else "Pears"
            # Two companions, each helping the members of one fruit: the companions know how
            # they helped, but nothing stored may tell the reader of the database.
            helper = "Ann Apple" if i < VOTERS // 2 else "Pat Pear"
            response = client.post(f"{base}/{ballot['id']}/vote/", {
                "choices": {str(options[label]): 1},
                "helped_by": {"name": helper, "declaration": True}}, format="json")
            assert response.status_code == 201, response.content
            truth[voter.pk] = label
    audit_while_open = AuditEntry.objects.count() - audit_before
    assert board.post(f"{base}/{ballot['id']}/close/", {"reason": "Counting"},
                      format="json").status_code == 200
    return {"ballot_id": ballot["id"], "voters": voters, "truth": truth, "options": options,
            "statements": statements, "audit_while_open": audit_while_open}


def test_a_helped_vote_writes_only_the_roll_mark_the_envelope_and_the_help(helped_election):
    writes = {" ".join(sql.split()[:3]).replace('"', "").upper()
              for sql in helped_election["statements"]
              if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))}
    assert writes == {"UPDATE VOTING_ROLLENTRY SET", "INSERT INTO VOTING_ENVELOPE",
                      "INSERT INTO VOTING_VOTINGHELP"}
    assert helped_election["audit_while_open"] == 0  # the audit waits for the box's opening


def test_the_help_records_cannot_be_lined_up_with_the_count(helped_election):
    ballot_id, options = helped_election["ballot_id"], helped_election["options"]
    assert VotingHelp.objects.filter(ballot_id=ballot_id).count() == VOTERS
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT option_id FROM voting_votemark WHERE ballot_id = %s "
                       f"ORDER BY {physical}", [ballot_id])
        marks = labels_in([row[0] for row in cursor.fetchall()], options)
        cursor.execute(f"SELECT r.member_id FROM voting_votinghelp h JOIN voting_rollentry r "
                       f"ON r.id = h.roll_entry_id WHERE h.ballot_id = %s ORDER BY h.{physical}",
                       [ballot_id])
        helped_order = [row[0] for row in cursor.fetchall()]
    by_id = list(VotingHelp.objects.filter(ballot_id=ballot_id).order_by("id")
                 .values_list("roll_entry__member_id", flat=True))
    by_mark_id = labels_in(list(VoteMark.objects.filter(ballot_id=ballot_id).order_by("id")
                                .values_list("option_id", flat=True)), options)
    for order in (helped_order, by_id):
        for counted in (marks, marks[::-1], by_mark_id):
            guess = dict(zip(order, counted, strict=True))
            assert accuracy(guess, helped_election["truth"]) < 0.9

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM voting_votinghelp "
                           "WHERE ballot_id = %s", [ballot_id])
            helps = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT DISTINCT xmin::text FROM voting_rollentry "
                           "WHERE ballot_id = %s", [ballot_id])
            roll = {row[0] for row in cursor.fetchall()}
        # Marked as audited together when the box was opened: no help keeps the xmin of the
        # transaction that cast its vote, and one xmin shared by all says nothing of any.
        assert len(helps) == 1 and not helps & roll


def test_the_help_keeps_no_time_and_no_link_to_a_vote(helped_election):
    for field in VotingHelp._meta.concrete_fields:
        assert not isinstance(field, models.DateTimeField | models.TimeField), field.name
        if field.is_relation:
            assert field.related_model not in (Vote, VoteMark, Receipt, Envelope)
    assert set(VotingHelp.objects.values_list("helped_on", flat=True)) == {
        timezone.localdate()}


def test_the_audit_of_the_helps_names_helper_and_member_never_the_choice(helped_election):
    entries = list(AuditEntry.objects.filter(action="voting.vote.helped").order_by("id"))
    assert len(entries) == VOTERS
    members = [VotingHelp.objects.get(pk=e.data["help"]).roll_entry.member_id for e in entries]
    assert members == sorted(members)  # member order: says nothing about when or how
    for entry in entries:
        assert set(entry.data) == {"help", "kind", "helper", "helper_user",
                                   "declaration_version", "identity_check"}  # none for a choice
        written = (str(entry.data) + entry.object_repr).lower()
        assert "apples" not in written and "pears" not in written
    opened = AuditEntry.objects.get(action="voting.ballot.box_opened")
    assert all(e.id > opened.id for e in entries)
