"""The voting services' rules, driven through the services as views and the API drive them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from coop.models import AuditEntry
from membership.models import MemberClass
from tests.factories import MemberFactory
from voting import secrecy, selectors, services
from voting.enums import BallotState, PaperState, Weighting
from voting.models import Ballot, BallotOption, ClassWeight, RollEntry, Vote
from voting.models.ballots import FrozenError
from voting.services import VotingError

from .conftest import option

WEEK = timedelta(days=7)


def draft(society, by, kind="choice", options=("Apples", "Pears"), **fields):
    return services.create_ballot(society, by=by, title="Which fruit?",
                                  summary="Choose the fruit for the shared kitchen.", kind=kind,
                                  options=list(options) if kind != "resolution" else None,
                                  **fields)


def on_roll(ballot):
    return set(RollEntry.objects.filter(ballot=ballot).values_list("member_id", flat=True))


def pass_time(ballot, *, closes_at):
    """Move the ballot's times back as if it had opened a week ago and closed at `closes_at`,
    without any job running."""
    opened = closes_at - WEEK
    Ballot.objects.filter(pk=ballot.pk).update(opened_at=opened, opens_at=opened,
                                               closes_at=closes_at)
    ballot.refresh_from_db()


def actions(ballot):
    return list(AuditEntry.objects.filter(object_type="voting.Ballot", object_id=str(ballot.pk))
                .values_list("action", "actor_id"))


# --- drafting ----------------------------------------------------------------------------------

def test_resolution_draft_gets_for_against_abstain_and_society_weights(society, secretary,
                                                                      classes):
    ballot = draft(society, secretary, kind="resolution")

    assert [(o.code, o.label) for o in ballot.options.all()] == [
        ("for", "For"), ("against", "Against"), ("abstain", "Abstain")]
    assert [(w.member_class, w.weight) for w in ballot.class_weights.all()] == [
        (classes[0], Decimal("50")), (classes[1], Decimal("25")), (classes[2], Decimal("25"))]
    assert ballot.state == BallotState.DRAFT
    assert ballot.weighting == Weighting.CLASS_SHARE


@pytest.mark.parametrize("kind", ["choice", "approval", "allocation"])
def test_option_kinds_draft_with_the_options_given(society, secretary, kind):
    ballot = draft(society, secretary, kind=kind, options=["Apples", " Pears ", ""])

    assert [o.label for o in ballot.options.all()] == ["Apples", "Pears"]
    assert all(o.code == "" for o in ballot.options.all())


def test_ranked_draft_counts_one_member_one_vote(society, secretary):
    ballot = draft(society, secretary, kind="ranked", options=["Asha", "Ben", "Cai"], seats=2)

    assert ballot.weighting == Weighting.ONE_MEMBER_ONE_VOTE
    assert ballot.seats == 2


def test_ranked_ballot_refuses_class_share_weighting(society, secretary):
    with pytest.raises(VotingError) as error:
        draft(society, secretary, kind="ranked", weighting=Weighting.CLASS_SHARE)

    assert error.value.field == "weighting"
    ballot = draft(society, secretary, kind="choice")
    with pytest.raises(VotingError) as error:
        services.update_draft(ballot, by=secretary, kind="ranked")
    assert error.value.field == "weighting"


def test_duplicate_option_names_are_refused(society, secretary):
    with pytest.raises(VotingError) as error:
        draft(society, secretary, options=["Apples", "apples"])

    assert error.value.field == "options"


def test_changing_a_draft_to_a_resolution_resets_its_options(society, secretary):
    ballot = draft(society, secretary)

    services.update_draft(ballot, by=secretary, kind="resolution")

    assert [o.code for o in ballot.options.all()] == ["for", "against", "abstain"]


# --- weights -------------------------------------------------------------------------------

@pytest.mark.parametrize(("weights", "message"), [
    (("0", "0", "0"), "at least one class a weight of 1 part"),
    (("50", "25", "1.5"), "whole-number parts"),
])
def test_weights_without_whole_parts_are_refused(society, secretary, classes, weights,
                                                 message):
    ballot = draft(society, secretary)
    rows = [{"member_class": c.pk, "weight": w} for c, w in zip(classes, weights, strict=True)]

    with pytest.raises(VotingError) as error:
        services.set_weights(ballot, rows, by=secretary)

    assert error.value.field == "weight"
    assert message in error.value.message
    assert sorted(ballot.class_weights.values_list("weight", flat=True)) == [25, 25, 50]


def test_ballot_does_not_open_without_any_weight(society, secretary, classes):
    ballot = draft(society, secretary)
    ClassWeight.objects.filter(ballot=ballot).update(weight=0)

    with pytest.raises(VotingError) as error:
        services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + WEEK)

    assert error.value.field == "weight"
    assert Ballot.objects.get(pk=ballot.pk).opened_at is None


def test_new_weights_are_saved(society, secretary, classes):
    ballot = draft(society, secretary)
    rows = [{"member_class": c.pk, "weight": w, "votes_per_member": 1}
            for c, w in zip(classes, ("40", "40", "20"), strict=True)]

    services.set_weights(ballot, rows, by=secretary)

    assert [w.weight for w in ballot.class_weights.all()] == [40, 40, 20]


# --- the roll ------------------------------------------------------------------------------

def test_roll_is_the_register_on_the_record_date(society, secretary, classes):
    record = timezone.localdate() - timedelta(days=10)
    users = classes[0]
    supporters = MemberClass.objects.create(society=society, name="Supporters", votes=False,
                                            weight=0, position=9)
    on_the_day = MemberFactory(society=society, member_class=users, admitted_on=record)
    later = MemberFactory(society=society, member_class=users,
                          admitted_on=record + timedelta(days=1))
    ceased_before = MemberFactory(society=society, member_class=users,
                                  admitted_on=record - timedelta(days=100),
                                  ceased_on=record, cessation_reason="resigned")
    ceased_after = MemberFactory(society=society, member_class=users,
                                 admitted_on=record - timedelta(days=100),
                                 ceased_on=record + timedelta(days=1),
                                 cessation_reason="resigned")
    non_voting = MemberFactory(society=society, member_class=supporters,
                               admitted_on=record - timedelta(days=5))
    carer = MemberFactory(society=society, member_class=classes[1],
                          admitted_on=record - timedelta(days=5))
    ballot = draft(society, secretary, record_date=record)

    services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + WEEK)

    assert on_roll(ballot) == {on_the_day.pk, ceased_after.pk, carer.pk}
    assert not {later.pk, ceased_before.pk, non_voting.pk} & on_roll(ballot)
    assert RollEntry.objects.get(ballot=ballot, member=carer).member_class == classes[1]


def test_ballot_limited_to_a_class_has_only_that_class_on_its_roll(society, secretary, classes,
                                                                   make_members):
    carers = make_members(classes[1], 2)
    make_members(classes[0], 2)
    ballot = draft(society, secretary, only_class=classes[1])

    assert [(w.member_class, w.weight) for w in ballot.class_weights.all()] == [
        (classes[1], 1)]
    services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + WEEK)

    assert on_roll(ballot) == {m.pk for m in carers}


def test_ballot_cannot_be_limited_to_a_non_voting_class(society, secretary):
    supporters = MemberClass.objects.create(society=society, name="Supporters", votes=False,
                                            weight=0, position=9)

    with pytest.raises(VotingError) as error:
        draft(society, secretary, only_class=supporters)

    assert error.value.field == "only_class"


def test_record_date_defaults_to_the_opening_day(society, secretary, make_members, classes):
    make_members(classes[0], 1)
    ballot = draft(society, secretary)

    ballot = services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + WEEK)

    assert ballot.record_date == timezone.localdate()


# --- frozen once open ------------------------------------------------------------------------

def test_open_ballot_refuses_changes_through_the_services(society, secretary, classes,
                                                         open_ballot):
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"])
    rows = [{"member_class": c.pk, "weight": w} for c, w in zip(classes, ("40", "40", "20"),
                                                                 strict=True)]

    with pytest.raises(VotingError):
        services.update_draft(ballot, by=secretary, title="Something else")
    with pytest.raises(VotingError):
        services.update_draft(ballot, by=secretary, options=["Plums", "Figs"])
    with pytest.raises(VotingError):
        services.set_weights(ballot, rows, by=secretary)
    with pytest.raises(VotingError):
        services.open_ballot(ballot, by=secretary)

    assert [o.label for o in ballot.options.all()] == ["Apples", "Pears"]
    assert [w.weight for w in ballot.class_weights.all()] == [50, 25, 25]


def test_open_ballot_refuses_changes_to_options_and_weights_through_save(open_ballot):
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"])
    weight = ballot.class_weights.first()
    apples = option(ballot, "Apples")

    weight.weight = Decimal("60")
    with pytest.raises(FrozenError):
        weight.save()
    apples.label = "Plums"
    with pytest.raises(FrozenError):
        apples.save()
    with pytest.raises(FrozenError):
        BallotOption(ballot=ballot, label="Figs").save()
    with pytest.raises(FrozenError):
        apples.delete()

    assert ClassWeight.objects.get(pk=weight.pk).weight == 50
    assert sorted(ballot.options.values_list("label", flat=True)) == ["Apples", "Pears"]


def test_members_joining_after_opening_are_not_added_to_the_roll(society, classes, open_ballot,
                                                                 make_members):
    first = make_members(classes[0], 2)
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"])
    late = MemberFactory(society=society, member_class=classes[0])

    assert on_roll(ballot) == {m.pk for m in first}
    with pytest.raises(VotingError, match="not on the roll"):
        services.cast_vote(ballot, late, {option(ballot, "Apples").pk: 1})


# --- closing ------------------------------------------------------------------------------

def test_closing_early_needs_a_reason(open_ballot, secretary):
    ballot = open_ballot()

    with pytest.raises(VotingError) as error:
        services.close_ballot(ballot, by=secretary, reason="  ")

    assert error.value.field == "reason"
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.OPEN
    closed = services.close_ballot(ballot, by=secretary, reason="The meeting was cancelled.")
    assert closed.state == BallotState.CLOSED
    assert closed.close_reason == "The meeting was cancelled."
    assert closed.closed_early_by == secretary
    with pytest.raises(VotingError):
        services.close_ballot(ballot, by=secretary, reason="Again")


def test_ballot_past_its_closing_time_refuses_votes_with_no_job_run(open_ballot, classes,
                                                                    make_members):
    voter, = make_members(classes[0], 1)
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"])
    pass_time(ballot, closes_at=timezone.now() - timedelta(seconds=1))

    assert ballot.closed_at is None
    assert ballot.state == BallotState.CLOSED
    with pytest.raises(VotingError, match="has closed"):
        services.cast_vote(ballot, voter, {option(ballot, "Apples").pk: 1})
    assert Vote.objects.filter(ballot=ballot).count() == 0
    assert not RollEntry.objects.get(ballot=ballot, member=voter).has_voted


def test_vote_on_a_draft_is_refused(society, secretary, classes, make_members):
    voter, = make_members(classes[0], 1)
    ballot = draft(society, secretary)

    with pytest.raises(VotingError, match="not open"):
        services.cast_vote(ballot, voter, {option(ballot, "Apples").pk: 1})


# --- certifying and publishing --------------------------------------------------------------

def test_certify_only_a_closed_ballot_and_publish_only_a_certified_one(
        society, secretary, officer_for, open_ballot):
    scrutineer = officer_for("scrutineer")
    ballot = open_ballot()

    with pytest.raises(VotingError):
        services.certify_ballot(ballot, by=scrutineer)
    with pytest.raises(VotingError, match="certified"):
        services.publish_ballot(ballot, by=secretary)
    services.close_ballot(ballot, by=secretary, reason="Everyone has voted.")
    with pytest.raises(VotingError, match="certified"):
        services.publish_ballot(ballot, by=secretary)

    certified = services.certify_ballot(ballot, by=scrutineer, note=" Checked. ")
    assert certified.state == BallotState.CERTIFIED
    assert certified.certified_by == scrutineer and certified.certificate_note == "Checked."
    with pytest.raises(VotingError):
        services.certify_ballot(ballot, by=scrutineer)
    published = services.publish_ballot(ballot, by=secretary)
    assert published.state == BallotState.PUBLISHED
    with pytest.raises(VotingError):
        services.publish_ballot(ballot, by=secretary)


def test_draft_cannot_be_certified(society, secretary, officer_for):
    ballot = draft(society, secretary)

    with pytest.raises(VotingError):
        services.certify_ballot(ballot, by=officer_for("scrutineer"))


def test_certifying_a_ballot_closed_by_time_records_its_closing(society, secretary,
                                                                 officer_for, open_ballot):
    ballot = open_ballot()
    closes = timezone.now() - timedelta(minutes=5)
    pass_time(ballot, closes_at=closes)

    certified = services.certify_ballot(ballot, by=officer_for("scrutineer"))

    assert certified.closed_at == closes


# --- paper ballots ------------------------------------------------------------------------

@pytest.fixture
def paper_voter(society, classes):
    return MemberFactory(society=society, member_class=classes[0], contact_by_post=True,
                         contact_by_email=False)


def test_paper_code_counts_once(open_ballot, paper_voter, officer_for):
    scrutineer = officer_for("scrutineer")
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"])
    code = secrecy.paper_code(ballot.pk, paper_voter.pk)
    apples = option(ballot, "Apples")

    typed = code.lower().replace("-", " ")
    assert services.enter_paper_vote(ballot, code=typed, choices={apples.pk: 1},
                                     by=scrutineer) == PaperState.COUNTED
    with pytest.raises(VotingError) as error:
        services.enter_paper_vote(ballot, code=code, choices={apples.pk: 1}, by=scrutineer)

    assert error.value.field == "code"
    assert "already been used" in error.value.message
    result = selectors.results(ballot)
    assert result.head_counts[apples.pk] == 1
    assert result.papers == {"issued": 0, "counted": 1, "rejected": 0}


def test_unknown_paper_code_is_refused_next_to_the_code(open_ballot, paper_voter, officer_for):
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"])

    with pytest.raises(VotingError) as error:
        services.enter_paper_vote(ballot, code="AAAA-BBBB-CCCC",
                                  choices={option(ballot, "Apples").pk: 1},
                                  by=officer_for("scrutineer"))

    assert error.value.field == "code"


def test_online_vote_after_a_counted_paper_is_refused(open_ballot, paper_voter, officer_for):
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"], allow_vote_changes=True)
    apples, pears = option(ballot, "Apples"), option(ballot, "Pears")
    services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, paper_voter.pk),
                              choices={apples.pk: 1}, by=officer_for("scrutineer"))

    with pytest.raises(VotingError, match="paper ballot has already been counted"):
        services.cast_vote(ballot, paper_voter, {pears.pk: 1})

    assert selectors.results(ballot).head_counts == {apples.pk: 1, pears.pk: 0}


def test_paper_after_an_online_vote_is_rejected_and_counted_as_rejected(
        open_ballot, paper_voter, officer_for):
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"])
    apples, pears = option(ballot, "Apples"), option(ballot, "Pears")
    services.cast_vote(ballot, paper_voter, {apples.pk: 1})

    state = services.enter_paper_vote(
        ballot, code=secrecy.paper_code(ballot.pk, paper_voter.pk), choices={pears.pk: 1},
        by=officer_for("scrutineer"))

    assert state == PaperState.REJECTED
    result = selectors.results(ballot)
    assert result.head_counts == {apples.pk: 1, pears.pk: 0}
    assert result.papers == {"issued": 0, "counted": 0, "rejected": 1}
    assert Vote.objects.filter(ballot=ballot).count() == 1


def test_papers_are_issued_at_opening_only_to_members_who_asked_for_post(
        open_ballot, paper_voter, classes, make_members):
    make_members(classes[0], 2)

    ballot = open_ballot()

    assert selectors.results(ballot).papers == {"issued": 1, "counted": 0, "rejected": 0}
    assert ballot.papers.get().roll_entry.member == paper_voter


# --- changing a vote -------------------------------------------------------------------------

def test_changed_vote_keeps_the_old_one_as_not_current_and_counts_the_last(
        open_ballot, classes, make_members):
    voter, = make_members(classes[0], 1)
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"], allow_vote_changes=True)
    apples, pears = option(ballot, "Apples"), option(ballot, "Pears")

    first = services.cast_vote(ballot, voter, {apples.pk: 1})
    last = services.cast_vote(ballot, voter, {pears.pk: 1})

    assert Vote.objects.filter(ballot=ballot).count() == 2
    assert Vote.objects.filter(ballot=ballot, current=True).count() == 1
    assert selectors.results(ballot).head_counts == {apples.pk: 0, pears.pk: 1}
    assert selectors.receipt_status(ballot, first) == "replaced"
    assert selectors.receipt_status(ballot, last) == "counted"
    assert selectors.receipt_status(ballot, "ZZZZ-ZZZZ-ZZZZ-ZZZZ") is None


def test_second_vote_is_refused_when_changes_are_not_allowed(open_ballot, classes,
                                                             make_members):
    voter, = make_members(classes[0], 1)
    ballot = open_ballot(kind="choice", options=["Apples", "Pears"])
    apples, pears = option(ballot, "Apples"), option(ballot, "Pears")
    services.cast_vote(ballot, voter, {apples.pk: 1})

    with pytest.raises(VotingError, match="already voted"):
        services.cast_vote(ballot, voter, {pears.pk: 1})

    assert selectors.results(ballot).head_counts == {apples.pk: 1, pears.pk: 0}


# --- the audit log ---------------------------------------------------------------------------

def test_each_officer_step_is_in_the_audit_log(society, secretary, officer_for, classes,
                                               make_members):
    scrutineer = officer_for("scrutineer")
    voter, = make_members(classes[0], 1)
    ballot = draft(society, secretary)
    services.update_draft(ballot, by=secretary, title="Which fruit, please?")
    services.set_weights(ballot, [{"member_class": c.pk, "weight": w} for c, w in
                                  zip(classes, ("50", "30", "20"), strict=True)], by=secretary)
    ballot = services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + WEEK)
    services.issue_paper(ballot, voter, by=secretary)
    services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, voter.pk),
                              choices={option(ballot, "Apples").pk: 1}, by=scrutineer)
    services.close_ballot(ballot, by=secretary, reason="Everyone has voted.")
    services.certify_ballot(ballot, by=scrutineer)
    services.publish_ballot(ballot, by=secretary)

    assert actions(ballot) == [
        ("voting.ballot.drafted", secretary.pk),
        ("voting.ballot.updated", secretary.pk),
        ("voting.ballot.weights_set", secretary.pk),
        ("voting.ballot.opened", secretary.pk),
        ("voting.paper.issued", secretary.pk),
        ("voting.paper.entered", scrutineer.pk),
        ("voting.ballot.closed", secretary.pk),
        ("voting.ballot.certified", scrutineer.pk),
        ("voting.ballot.published", secretary.pk),
    ]
    certified = AuditEntry.objects.get(action="voting.ballot.certified")
    assert certified.data["shares"] == {"Apples": "100.000000", "Pears": "0.000000"}
    assert certified.data["voted"] == certified.data["on_roll"] == 1


def test_scheduling_is_in_the_audit_log(society, secretary):
    ballot = draft(society, secretary)
    opens = timezone.now() + timedelta(days=1)

    services.schedule_ballot(ballot, by=secretary, opens_at=opens, closes_at=opens + WEEK)

    assert actions(ballot)[-1] == ("voting.ballot.scheduled", secretary.pk)


# --- announcements and reminders --------------------------------------------------------------

def test_opening_emails_members_who_take_email_but_not_post_only_members(
        society, secretary, classes, make_members, paper_voter,
        django_capture_on_commit_callbacks):
    by_email = make_members(classes[0], 2) + make_members(classes[1], 1)
    no_address = MemberFactory(society=society, member_class=classes[2], email="")
    ballot = draft(society, secretary)

    with django_capture_on_commit_callbacks(execute=True):
        services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + WEEK)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in by_email)
    assert paper_voter.email not in {m.to[0] for m in mail.outbox}
    assert no_address.pk in on_roll(ballot)
    message = mail.outbox[0]
    assert message.subject == "Vote now: Which fruit?"
    assert f"/s/{society.slug}/ballots/{ballot.pk}/" in message.body
    assert "Choose the fruit for the shared kitchen." in message.body


def test_reminder_goes_once_and_only_to_members_who_have_not_voted(
        society, secretary, classes, make_members, django_capture_on_commit_callbacks):
    voted = make_members(classes[0], 2)
    not_voted = make_members(classes[1], 2)
    ballot = draft(society, secretary)
    with django_capture_on_commit_callbacks(execute=True):
        ballot = services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + WEEK)
    for member in voted:
        services.cast_vote(ballot, member, {option(ballot, "Apples").pk: 1})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        early = services.run_due(now=ballot.closes_at - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        due = services.run_due(now=ballot.closes_at - timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.run_due(now=ballot.closes_at - timedelta(hours=22))

    assert early["reminded"] == 0
    assert due["reminded"] == 2
    assert again["reminded"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in not_voted)
    assert all(m.subject == "Reminder: voting closes soon: Which fruit?" for m in mail.outbox)
    assert AuditEntry.objects.filter(action="voting.ballot.reminded").count() == 1


def test_run_due_records_the_closing_of_a_ballot_past_its_time(open_ballot):
    ballot = open_ballot()

    result = services.run_due(now=ballot.closes_at + timedelta(seconds=1))

    ballot.refresh_from_db()
    assert result["closed"] == 1
    assert ballot.closed_at == ballot.closes_at
    assert services.run_due(now=ballot.closes_at + timedelta(hours=1))["closed"] == 0
