"""A ballot's topics and conflict policy, end to end through the services: declare (interested
votes count, flagged, and the result without them is shown beside the real one), recuse
(interested members stay on the roll but cannot vote and are not counted in the turnout) and
record only (prompted and kept, counted as normal)."""

from datetime import date
from fractions import Fraction

import pytest
from django.core import mail

from coop.models import AuditEntry
from membership.interests import services as interest_services
from membership.models import Declaration, InterestTopic
from voting import secrecy, selectors, services
from voting.conflicts import InterestAnswer, prompt_for
from voting.enums import PaperState
from voting.models import Envelope, RollEntry, Vote, VoteMark
from voting.services import VotingError

from .conftest import option
from .sealed import only_sealed, sealed

PA_PAY = "PA pay and conditions"
CONFIRM = InterestAnswer(confirmed=True)
NONE = InterestAnswer(none_to_declare=True)
DECLARATION = {"interest_type": "family", "description": "My brother is a PA here."}


@pytest.fixture
def pa_pay(society):
    return InterestTopic.objects.get(society=society, name=PA_PAY)


def declare(society, member, topic, **fields):
    fields = {"interest_type": "financial", "description": "I am paid as a PA elsewhere."} | \
        fields
    return interest_services.declare(society, member.user, by=member.user, topics=[topic],
                                     **fields)


def vote_for(ballot):
    return {option(ballot, "For").pk: 1}


def vote_against(ballot):
    return {option(ballot, "Against").pk: 1}


def by_code(outcome, ballot):
    """An outcome's shares by option code, so two ballots' outcomes can be compared."""
    return {o.code: outcome.shares.get(o.pk, Fraction(0)) for o in ballot.options.all()
            if o.code != "abstain"}


# --- declare ----------------------------------------------------------------------------------

@pytest.fixture
def declare_ballot(open_ballot, pa_pay):
    def make(**fields):
        return open_ballot(title="PA pay rise", topics=[pa_pay], conflict_policy="declare",
                           **fields)
    return make


def test_a_pa_is_shown_their_deemed_interest_and_must_confirm_it(
        declare_ballot, classes, make_members):
    [pa] = make_members(classes[2], 1)
    ballot = declare_ballot()

    prompt = prompt_for(ballot, pa)
    assert prompt.needed and prompt.has_interest
    assert [m.topic.name for m in prompt.matches] == [PA_PAY]
    assert prompt.matches[0].deemed

    for answer in (None, InterestAnswer(), NONE):
        with pytest.raises(VotingError) as error:
            services.cast_vote(ballot, pa, vote_for(ballot), interest=answer)
        assert error.value.field == "interest"
    assert not Envelope.objects.exists()
    assert not RollEntry.objects.get(member=pa).has_voted

    receipt = services.cast_vote(ballot, pa, vote_for(ballot), interest=CONFIRM)

    vote = only_sealed()
    assert vote.with_interest
    services.close_ballot(ballot, by=ballot.created_by, reason="Counting it")
    assert [m.with_interest for m in VoteMark.objects.filter(ballot=ballot)] == [True]
    assert selectors.receipt_status(ballot, receipt) == "counted"
    assert not Declaration.objects.exists()  # a deemed interest needs no declaration


def test_a_member_with_no_interest_must_say_so_and_their_vote_is_not_flagged(
        declare_ballot, classes, make_members):
    [user] = make_members(classes[0], 1)
    ballot = declare_ballot()
    assert not prompt_for(ballot, user).has_interest

    for answer in (None, InterestAnswer(), InterestAnswer(confirmed=True)):
        with pytest.raises(VotingError) as error:
            services.cast_vote(ballot, user, vote_for(ballot), interest=answer)
        assert error.value.field == "interest"

    services.cast_vote(ballot, user, vote_for(ballot), interest=NONE)
    assert not only_sealed().with_interest


def test_a_member_who_declares_at_the_prompt_adds_it_to_the_register_and_votes(
        declare_ballot, classes, make_members, pa_pay):
    [carer] = make_members(classes[1], 1)
    ballot = declare_ballot()

    services.cast_vote(ballot, carer, vote_for(ballot), interest=InterestAnswer(
        declaration=DECLARATION | {"other_party": "Sam Reid", "began_on": "2024-09-01"}))

    declaration = Declaration.objects.get()
    assert declaration.person == carer.user
    assert declaration.declared_by == carer.user
    assert list(declaration.topics.all()) == [pa_pay]  # the ballot's topics by default
    assert declaration.began_on == date(2024, 9, 1)
    assert declaration.other_party == "Sam Reid"
    assert AuditEntry.objects.filter(action="membership.interest.declared").count() == 1
    assert only_sealed().with_interest
    # Now on the register, the next ballot on the topic finds it.
    assert prompt_for(ballot, carer).matches[0].declaration == declaration


@pytest.mark.parametrize(("details", "field"), [
    ({"interest_type": "family", "description": ""}, "description"),
    ({"interest_type": "", "description": "A relative."}, "interest_type"),
    (DECLARATION | {"began_on": "last spring"}, "began_on"),
    (DECLARATION | {"began_on": "2999-01-01"}, "began_on"),
])
def test_a_declaration_at_the_prompt_with_a_mistake_refuses_the_vote_and_keeps_nothing(
        declare_ballot, classes, make_members, details, field):
    [carer] = make_members(classes[1], 1)
    ballot = declare_ballot()

    with pytest.raises(VotingError) as error:
        services.cast_vote(ballot, carer, vote_for(ballot),
                           interest=InterestAnswer(declaration=details))

    assert error.value.field == field
    assert not Declaration.objects.exists()
    assert not Envelope.objects.exists()
    assert not RollEntry.objects.get(member=carer).has_voted


def test_a_refused_vote_leaves_no_declaration_behind(declare_ballot, classes, make_members,
                                                     secretary):
    carer, other = make_members(classes[1], 2)
    ballot = declare_ballot()
    declaring = InterestAnswer(declaration=DECLARATION)

    with pytest.raises(VotingError) as error:  # choices that break the rules
        services.cast_vote(ballot, carer, {}, interest=declaring)
    assert error.value.field == "choices"

    services.cast_vote(ballot, other, vote_for(ballot), interest=NONE)
    with pytest.raises(VotingError, match="already voted"):  # refused after the prompt
        services.cast_vote(ballot, other, vote_against(ballot), interest=declaring)

    services.close_ballot(ballot, by=secretary, reason="Withdrawn by the board")
    with pytest.raises(VotingError, match="closed"):
        services.cast_vote(ballot, carer, vote_for(ballot), interest=declaring)

    assert not Declaration.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="membership.interest").exists()
    assert Vote.objects.filter(ballot=ballot).count() == 1  # the box opened at close
    assert not Envelope.objects.exists()


def test_a_changed_vote_carries_the_interest_answered_the_second_time(
        declare_ballot, classes, make_members):
    [carer] = make_members(classes[1], 1)
    ballot = declare_ballot(allow_vote_changes=True)
    services.cast_vote(ballot, carer, vote_for(ballot), interest=NONE)

    # Having thought again, they declare an interest and vote again.
    services.cast_vote(ballot, carer, vote_against(ballot),
                       interest=InterestAnswer(declaration=DECLARATION))

    assert [c.with_interest for c in sealed()] \
        == [True]
    assert Declaration.objects.count() == 1
    result = selectors.results(ballot)
    assert result.with_interest == 1
    assert result.voted == 1


@pytest.fixture
def pa_pay_vote(society, declare_ballot, classes, make_members, pa_pay):
    """Five users with no interest (one for); six carers of whom one declared before and one
    declares at the prompt (both for) and two others for; five PAs (deemed) all for."""
    users, carers, pas = classes
    user_people = make_members(users, 5)
    carer_people = make_members(carers, 6)
    pa_people = make_members(pas, 5)
    declare(society, carer_people[0], pa_pay, interest_type="family",
            description="My daughter is a PA.")
    ballot = declare_ballot(breakdown_minimum=5, empty_class_policy="rescale")
    for i, user in enumerate(user_people):
        services.cast_vote(ballot, user, (vote_for if i < 1 else vote_against)(ballot),
                           interest=NONE)
    services.cast_vote(ballot, carer_people[0], vote_for(ballot), interest=CONFIRM)
    services.cast_vote(ballot, carer_people[1], vote_for(ballot),
                       interest=InterestAnswer(declaration=DECLARATION))
    for i, carer in enumerate(carer_people[2:]):
        services.cast_vote(ballot, carer, (vote_for if i < 2 else vote_against)(ballot),
                           interest=NONE)
    for pa in pa_people:
        services.cast_vote(ballot, pa, vote_for(ballot), interest=CONFIRM)
    return ballot


def test_the_result_without_interested_votes_is_shown_beside_the_real_one(
        pa_pay_vote, open_ballot, classes, make_members):
    result = selectors.results(pa_pay_vote)

    # Real result: users 1/5 for, carers 4/6, PAs 5/5 -> 50%*1/5 + 25%*2/3 + 25% = 51.7%.
    assert result.outcome.passed
    assert result.outcome.shares[option(pa_pay_vote, "For").pk] == Fraction(31, 60)
    assert result.with_interest == 7
    assert result.voted == 16
    # Without the 7: users 1/5, carers 2/4, no PAs (their weight shared out) -> 30%: it fails.
    without = result.without_interest
    assert not without.passed
    assert without.shares[option(pa_pay_vote, "For").pk] == Fraction(3, 10)

    # The same as a ballot in which only the members without an interest voted.
    users, carers, _ = classes
    voters = [(make_members(cls, n_for + n_against), n_for)
              for cls, n_for, n_against in ((users, 1, 4), (carers, 2, 2))]
    twin = open_ballot(title="Twin", breakdown_minimum=5, empty_class_policy="rescale")
    for members, n_for in voters:
        for i, member in enumerate(members):
            services.cast_vote(twin, member, (vote_for if i < n_for else vote_against)(twin))
    plain = selectors.results(twin)
    assert by_code(without, pa_pay_vote) == by_code(plain.outcome, twin)
    assert without.passed == plain.outcome.passed
    assert plain.without_interest is None and plain.with_interest == 0  # no topics


def test_the_without_interest_breakdown_hides_classes_too_small_to_show(pa_pay_vote):
    result = selectors.results(pa_pay_vote)
    real = {row.name: row for row in result.classes}
    without = {row.name: row for row in result.without_interest_classes}

    assert all(row.shown for row in real.values())  # 5, 6 and 5 voted
    # Without interested votes: 5 users remain (none left out: shown), 4 carers, 0 PAs.
    assert without["Service user"].shown
    assert without["Service user"].counts == {option(pa_pay_vote, "For").pk: 1,
                                              option(pa_pay_vote, "Against").pk: 4}
    assert not without["Carer"].shown and without["Carer"].counts == {}
    assert without["Carer"].shares == {}
    assert not without["Personal assistant"].shown
    assert without["Personal assistant"].counts == {}


def test_a_class_row_that_would_show_how_a_few_interested_voted_is_hidden(
        society, declare_ballot, classes, make_members, pa_pay):
    """Six users voted, one with an interest: both rows would be big enough, but side by side
    they would show how that one member voted. (Five PAs also vote with their deemed
    interest, so the overall result without interested votes is shown.)"""
    trustee, *others = make_members(classes[0], 6)
    pas = make_members(classes[2], 5)
    declare(society, trustee, pa_pay, description="My partner is a PA.")
    ballot = declare_ballot(breakdown_minimum=5)
    services.cast_vote(ballot, trustee, vote_for(ballot), interest=CONFIRM)
    for member in others:
        services.cast_vote(ballot, member, vote_against(ballot), interest=NONE)
    for member in pas:
        services.cast_vote(ballot, member, vote_for(ballot), interest=CONFIRM)

    result = selectors.results(ballot)

    [real] = [r for r in result.classes if r.name == "Service user"]
    [without] = [r for r in result.without_interest_classes if r.name == "Service user"]
    assert real.shown and real.counts[option(ballot, "For").pk] == 1
    assert not without.shown
    assert without.counts == {} and without.shares == {}


def test_the_result_without_interested_votes_is_hidden_when_too_few_had_an_interest(
        society, declare_ballot, classes, make_members, pa_pay):
    """One interested vote: the real result beside the result without it would show it."""
    users = make_members(classes[0], 6)
    [pa] = make_members(classes[2], 1)
    ballot = declare_ballot(breakdown_minimum=5)
    services.cast_vote(ballot, pa, vote_for(ballot), interest=CONFIRM)
    for member in users:
        services.cast_vote(ballot, member, vote_against(ballot), interest=NONE)

    result = selectors.results(ballot)

    assert result.with_interest == 1
    assert result.without_interest is None and result.without_interest_hidden
    assert result.without_interest_classes == []


def test_a_paper_entered_as_cast_with_an_interest_is_flagged(
        declare_ballot, classes, make_members, secretary):
    [pa] = make_members(classes[2], 1)
    ballot = declare_ballot()
    services.issue_paper(ballot, pa, by=secretary)

    state = services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, pa.pk),
                                      choices=vote_for(ballot), by=secretary,
                                      with_interest=True)

    assert state == PaperState.COUNTED
    assert only_sealed().with_interest
    assert selectors.results(ballot).with_interest == 1


# --- recuse -----------------------------------------------------------------------------------

@pytest.fixture
def recuse_vote(society, open_ballot, classes, make_members, pa_pay,
                django_capture_on_commit_callbacks):
    """Two PAs (deemed), a user with a current declaration, a user whose declaration ended,
    and two carers with none, on a recuse ballot about PA pay."""
    users, carers, pas = classes
    people = {"pas": make_members(pas, 2), "declared": make_members(users, 1)[0],
              "ended": make_members(users, 1)[0], "carers": make_members(carers, 2)}
    declare(society, people["declared"], pa_pay)
    interest_services.end(declare(society, people["ended"], pa_pay),
                          by=people["ended"].user)
    with django_capture_on_commit_callbacks(execute=True):
        ballot = open_ballot(title="PA pay rise", topics=[pa_pay], conflict_policy="recuse")
    return ballot, people


def test_members_with_an_interest_are_recused_at_opening_but_kept_on_the_roll(recuse_vote):
    ballot, people = recuse_vote
    recused = {e.member_id for e in RollEntry.objects.filter(ballot=ballot, recused=True)}

    assert RollEntry.objects.filter(ballot=ballot).count() == 6
    assert recused == {people["pas"][0].pk, people["pas"][1].pk, people["declared"].pk}
    opened = AuditEntry.objects.get(action="voting.ballot.opened")
    assert opened.data["recused"] == 3
    assert opened.data["roll"] == 6


def test_recused_members_are_not_sent_the_announcement(recuse_vote):
    ballot, people = recuse_vote
    told = sorted(email.to[0] for email in mail.outbox)
    assert told == sorted([people["ended"].email] + [c.email for c in people["carers"]])


def test_a_recused_member_cannot_vote_online_or_on_paper(recuse_vote, secretary):
    ballot, people = recuse_vote
    for member in (people["pas"][0], people["declared"]):
        for answer in (CONFIRM, NONE, None):
            with pytest.raises(VotingError, match="do not vote in it"):
                services.cast_vote(ballot, member, vote_for(ballot), interest=answer)
        with pytest.raises(VotingError, match="does not vote in it"):
            services.issue_paper(ballot, member, by=secretary)
    assert not Envelope.objects.exists()
    assert not ballot.papers.exists()


def test_the_count_says_how_many_were_recused_and_turnout_leaves_them_out(recuse_vote):
    ballot, people = recuse_vote
    services.cast_vote(ballot, people["ended"], vote_for(ballot), interest=NONE)
    services.cast_vote(ballot, people["carers"][0], vote_against(ballot), interest=NONE)

    result = selectors.results(ballot)

    assert result.recused == 3
    assert result.on_roll == 3
    assert result.voted == 2
    assert result.turnout == Fraction(2, 3)
    rows = {row.name: row for row in result.classes}
    assert rows["Personal assistant"].on_roll == 0
    assert rows["Service user"].on_roll == 1
    assert result.without_interest is None  # nobody with an interest voted


def test_a_member_without_an_interest_still_answers_the_prompt(recuse_vote):
    ballot, people = recuse_vote
    with pytest.raises(VotingError) as error:
        services.cast_vote(ballot, people["carers"][0], vote_for(ballot))
    assert error.value.field == "interest"
    services.cast_vote(ballot, people["carers"][0], vote_for(ballot), interest=NONE)
    assert not only_sealed().with_interest


def test_an_interest_declared_after_opening_also_bars_the_vote(recuse_vote, society, pa_pay):
    ballot, people = recuse_vote
    carer = people["carers"][0]
    declare(society, carer, pa_pay)
    with pytest.raises(VotingError) as error:
        services.cast_vote(ballot, carer, vote_for(ballot), interest=CONFIRM)
    assert error.value.field == "interest"


def test_an_interest_declared_at_the_prompt_is_kept_and_bars_the_vote(recuse_vote):
    ballot, people = recuse_vote
    carer = people["carers"][1]

    with pytest.raises(VotingError, match="do not vote in it") as error:
        services.cast_vote(ballot, carer, vote_for(ballot),
                           interest=InterestAnswer(declaration=DECLARATION))

    assert error.value.field == "interest"
    assert not Envelope.objects.exists()
    kept = Declaration.objects.get(person=carer.user)
    assert kept.description == DECLARATION["description"]
    assert AuditEntry.objects.filter(action="membership.interest.declared",
                                     object_id=str(kept.pk)).exists()
    entry = RollEntry.objects.get(ballot=ballot, member=carer)
    assert entry.recused and not entry.has_voted
    assert selectors.results(ballot).recused == 4
    with pytest.raises(VotingError, match="do not vote in it"):  # and cannot go back
        services.cast_vote(ballot, carer, vote_for(ballot), interest=NONE)


def test_recused_members_get_no_paper_by_post(society, open_ballot, classes, make_members,
                                              pa_pay):
    [pa] = make_members(classes[2], 1, contact_by_post=True)
    [user] = make_members(classes[0], 1, contact_by_post=True)
    ballot = open_ballot(topics=[pa_pay], conflict_policy="recuse")
    holders = set(RollEntry.objects.filter(ballot=ballot, paper__isnull=False)
                  .values_list("member_id", flat=True))
    assert holders == {user.pk}


# --- record only, and no topics -----------------------------------------------------------------

def test_record_only_prompts_and_counts_everyone_as_normal(society, open_ballot, classes,
                                                          make_members, pa_pay):
    [pa] = make_members(classes[2], 1)
    [user] = make_members(classes[0], 1)
    ballot = open_ballot(topics=[pa_pay], conflict_policy="record")
    assert not RollEntry.objects.filter(ballot=ballot, recused=True).exists()

    with pytest.raises(VotingError) as error:
        services.cast_vote(ballot, pa, vote_for(ballot))
    assert error.value.field == "interest"
    services.cast_vote(ballot, pa, vote_for(ballot), interest=CONFIRM)
    services.cast_vote(ballot, user, vote_against(ballot),
                       interest=InterestAnswer(declaration=DECLARATION))

    assert Declaration.objects.get().person == user.user
    result = selectors.results(ballot)
    assert result.voted == 2 and result.recused == 0
    assert result.head_counts[option(ballot, "For").pk] == 1
    assert result.without_interest is None
    assert result.without_interest_classes == []


def test_a_ballot_without_topics_asks_nothing(society, open_ballot, classes, make_members):
    [pa] = make_members(classes[2], 1)
    ballot = open_ballot(conflict_policy="recuse")

    assert not prompt_for(ballot, pa).needed
    assert not RollEntry.objects.filter(ballot=ballot, recused=True).exists()
    services.cast_vote(ballot, pa, vote_for(ballot))
    assert not only_sealed().with_interest


def test_a_ballot_takes_the_societys_default_policy_and_only_its_own_topics(
        society, other_society, secretary, pa_pay):
    ballot = services.create_ballot(society, by=secretary, title="T", summary="S",
                                    topics=[pa_pay])
    assert ballot.conflict_policy == society.conflict_policy == "declare"
    assert list(ballot.topics.all()) == [pa_pay]
    drafted = AuditEntry.objects.get(action="voting.ballot.drafted")
    assert drafted.data["topics"] == [PA_PAY]
    assert drafted.data["conflict_policy"] == "declare"

    theirs = InterestTopic.objects.get(society=other_society, name=PA_PAY)
    with pytest.raises(VotingError) as error:
        services.create_ballot(society, by=secretary, title="T", summary="S", topics=[theirs])
    assert error.value.field == "topics"
    with pytest.raises(VotingError) as error:
        services.update_draft(ballot, by=secretary, topics=[theirs])
    assert error.value.field == "topics"
