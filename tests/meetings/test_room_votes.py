"""Votes in the room: members present vote on their own devices, tellers count the hands of
the rest class by class, proxy votes are added, and the whole is weighted by class share
(service users 50%, carers 25%, PAs 25%) exactly as DESIGN.md says:
an option's result = Σ over classes of weight × (class votes for it ÷ class votes cast)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from meetings import selectors, services
from meetings.services import MeetingError
from voting import services as voting
from voting.enums import BallotState
from voting.models import RollEntry
from voting.selectors import percent, results

from .conftest import fresh, options_of

ORDINARY = [("Pay personal assistants the real living wage",
             "That the co-op pays every personal assistant at least the real living wage.",
             "ordinary")]
SPECIAL = [("Change rule 5", "That rule 5 is replaced by the text in the notice.", "special")]


def weighted_for(weights: dict, votes: dict) -> Fraction:
    """The DESIGN.md formula, for a resolution: each class's for ÷ (for + against) times its
    weight, over the weight of the classes that cast any (the rescale policy)."""
    cast = {c: v for c, v in votes.items() if v[0] + v[1]}
    share = sum(Fraction(weights[c], 100) * Fraction(f, f + a) for c, (f, a) in cast.items())
    return share / sum(Fraction(weights[c], 100) for c in cast)


@pytest.fixture
def room(classes, make_members, call_meeting, go_live, chair):
    """22 members (quorum 3). Proxies, then who comes and how:
    users  U0-U3 on devices, U4-U6 by hand, U7 away; U8 away with a proxy directed "for"
           held by U0; U9 away with an undirected proxy held by U1;
    carers C0-C1 on devices, C3-C4 by hand, C2 away; C5 away, undirected proxy held by C3
           (so the tellers count it with C3's hands);
    PAs    P0 on a device, P1-P2 by hand, P3-P5 away."""
    users, carers, pas = classes
    u, c, p = make_members(users, 10), make_members(carers, 6), make_members(pas, 6)
    meeting, (item,) = call_meeting(resolutions=ORDINARY)
    services.appoint_proxy(meeting, u[8], u[0], instructions={item.pk: "for"})
    services.appoint_proxy(meeting, u[9], u[1])
    services.appoint_proxy(meeting, c[5], c[3])
    go_live(meeting)
    for m in u[:4] + c[:2] + p[:1]:
        services.check_in(meeting, m)
    for m in u[4:7] + c[3:5] + p[1:3]:
        services.check_in(meeting, m, by=chair, by_hand=True)
    return {"meeting": meeting, "item": fresh(item), "u": u, "c": c, "p": p}


def test_who_votes_how_in_the_room(classes, room):
    users, carers, pas = classes
    u, c, p = room["u"], room["c"], room["p"]
    seen = selectors.room(room["item"])
    assert seen.on_roll == {m.pk for m in u[:7] + [u[8], u[9]] + c[:2] + c[3:6] + p[:3]}
    assert seen.by_hand == {m.pk for m in u[4:7] + c[3:6] + p[1:3]}
    assert seen.directed == {u[8].pk: "for"}
    assert seen.undirected_by_holder == {u[1].pk: {u[9].pk}}
    assert seen.hands_by_class == {users.pk: 3, carers.pk: 3, pas.pk: 2}


def test_devices_tellers_and_proxies_combine_with_class_weighting(classes, room, chair):
    users, carers, pas = classes
    u, c, p, item = room["u"], room["c"], room["p"], room["item"]
    ballot = services.open_item_vote(item, by=chair)  # U8's directed "for" is cast now
    o = options_of(ballot)
    for member, choice in [(u[0], "for"), (u[1], "for"), (u[2], "for"), (u[3], "against"),
                           (c[0], "for"), (c[1], "against"), (p[0], "abstain")]:
        voting.cast_vote(ballot, member, {o[choice]: 1})
    services.cast_proxy_vote(item, u[1], u[9], {o["against"]: 1})
    services.enter_teller_counts(item, {
        users.pk: {o["for"]: 2, o["against"]: 1},
        carers.pk: {o["for"]: 1, o["against"]: 1, o["abstain"]: 1},
        pas.pk: {o["for"]: 2}}, by=chair)
    services.close_item_vote(item, by=chair)
    ballot = services.declare_result(item, by=chair)

    # By hand, from the record above: (for, against) per class, abstentions left out.
    votes = {users.pk: (3 + 1 + 2, 1 + 1 + 1), carers.pk: (1 + 1, 1 + 1), pas.pk: (2, 0)}
    expected = weighted_for({users.pk: 50, carers.pk: 25, pas.pk: 25}, votes)
    assert expected == Fraction(1, 2) * Fraction(6, 9) + Fraction(1, 4) * Fraction(2, 4) \
        + Fraction(1, 4) * Fraction(2, 2) == Fraction(17, 24)
    result = results(ballot)
    assert result.outcome.for_ratio == expected
    assert result.outcome.shares[o["for"]] == expected
    assert percent(result.outcome.for_ratio) == Decimal("70.8")
    assert result.outcome.passed
    assert result.head_counts == {o["for"]: 10, o["against"]: 5, o["abstain"]: 2}
    # One member, one vote would have given 10 of 15: the weighting changes the figure.
    assert result.one_member_outcome.for_ratio == Fraction(10, 15) != expected


def test_tellers_cannot_count_more_hands_than_people_voting_by_hand(classes, room, chair):
    users, carers, pas = classes
    item = room["item"]
    o = options_of(services.open_item_vote(item, by=chair))
    with pytest.raises(MeetingError, match=r"in one class \(3\) are more than the people "
                                           r"voting by hand in it \(2\)") as refused:
        services.enter_teller_counts(item, {pas.pk: {o["for"]: 2, o["against"]: 1}}, by=chair)
    assert refused.value.field == "counts"
    # Carers' limit counts C5's undirected proxy with C3's hand: 3 is allowed, 4 is not.
    services.enter_teller_counts(item, {carers.pk: {o["for"]: 3}}, by=chair)
    with pytest.raises(MeetingError, match=r"\(4\) are more than .* \(3\)"):
        services.enter_teller_counts(item, {carers.pk: {o["against"]: 4}}, by=chair)


def test_someone_arriving_after_the_vote_opened_does_not_raise_the_hands_limit(
        classes, room, chair, make_members):
    users, carers, pas = classes
    item = room["item"]
    o = options_of(services.open_item_vote(item, by=chair))
    late = make_members(pas, 1)[0]
    services.check_in(room["meeting"], late, by=chair, by_hand=True)

    assert late.pk not in selectors.room(fresh(item)).on_roll
    with pytest.raises(MeetingError, match=r"\(3\) are more than .* \(2\)"):
        services.enter_teller_counts(item, {pas.pk: {o["for"]: 3}}, by=chair)


def test_a_recount_replaces_the_tellers_earlier_count(classes, room, chair):
    users = classes[0]
    item = room["item"]
    ballot = services.open_item_vote(item, by=chair)
    o = options_of(ballot)
    services.enter_teller_counts(item, {users.pk: {o["for"]: 3}}, by=chair)
    services.enter_teller_counts(item, {users.pk: {o["for"]: 1, o["against"]: 2}}, by=chair)
    counts = results(ballot).head_counts
    assert (counts[o["for"]], counts[o["against"]]) == (2, 2)  # 1 hand + U8's proxy; 2 hands


def test_no_tellers_count_before_the_vote_opens(classes, room, chair):
    with pytest.raises(MeetingError, match="Open the vote before"):
        services.enter_teller_counts(room["item"], {classes[0].pk: {}}, by=chair)


def test_people_voting_by_hand_cannot_also_vote_on_a_device(room, chair):
    ballot = services.open_item_vote(room["item"], by=chair)
    o = options_of(ballot)
    by_hand = room["u"][4]
    assert RollEntry.objects.get(ballot=ballot, member=by_hand).has_voted
    with pytest.raises(voting.VotingError, match="already voted"):
        voting.cast_vote(ballot, by_hand, {o["for"]: 1})
    assert results(ballot).head_counts[o["for"]] == 1  # only U8's directed proxy


def test_the_vote_cannot_open_while_the_meeting_is_inquorate(classes, make_members,
                                                             called_meeting, go_live, chair):
    members = make_members(classes[0], 22)  # quorum 3
    go_live(called_meeting)
    for m in members[:2]:
        services.check_in(called_meeting, m)
    item = fresh(called_meeting.resolution)
    with pytest.raises(MeetingError, match="not quorate: 2 of the 3 needed are here"):
        services.open_item_vote(item, by=chair)
    assert fresh(item.ballot).opened_at is None
    services.check_in(called_meeting, members[2])
    services.open_item_vote(item, by=chair)
    assert fresh(item.ballot).is_open


def test_open_item_vote_returns_the_opened_ballot(room, chair):
    item = room["item"]
    ballot = services.open_item_vote(item, by=chair)
    assert ballot.opened_at is not None and ballot.is_open
    assert item.ballot.is_open  # the caller's item now knows its vote is open


def test_members_who_withdrew_or_left_are_not_on_the_roll(room, chair, resign):
    item, u = room["item"], room["u"]
    services.record_withdrawal(item, u[2], by=chair, reason="Employs a personal assistant")
    services.record_withdrawal(item, u[8], by=chair, reason="Is a PA")  # absent, by proxy
    resign(u[3])
    ballot = services.open_item_vote(item, by=chair)
    on_roll = set(RollEntry.objects.filter(ballot=ballot).values_list("member_id", flat=True))
    assert not {u[2].pk, u[3].pk, u[8].pk} & on_roll
    assert u[0].pk in on_roll
    with pytest.raises(voting.VotingError, match="not on the roll"):
        voting.cast_vote(ballot, u[2], {options_of(ballot)["for"]: 1})
    with pytest.raises(MeetingError, match="Record withdrawals before opening it"):
        services.record_withdrawal(fresh(item), u[0], by=chair)


def test_a_vote_opens_once_and_only_on_a_resolution(room, chair):
    item = room["item"]
    services.open_item_vote(item, by=chair)
    with pytest.raises(MeetingError, match="already been opened"):
        services.open_item_vote(fresh(item), by=chair)
    apologies = room["meeting"].items.get(position=1)
    with pytest.raises(MeetingError, match="no resolution to vote on"):
        services.open_item_vote(apologies, by=chair)


def test_declare_result_certifies_and_publishes(room, chair):
    item = room["item"]
    ballot = services.open_item_vote(item, by=chair)
    with pytest.raises(MeetingError, match="Only a closed ballot"):
        services.declare_result(item, by=chair)
    services.close_item_vote(item, by=chair)
    ballot = services.declare_result(item, by=chair)
    assert ballot.certified_at and ballot.published_at
    assert ballot.certified_by == chair and ballot.state == BallotState.PUBLISHED


# --- a special resolution needs 75% of the weighted vote ----------------------------------------

def _special_by_hand(classes, make_members, call_meeting, go_live, chair, hands):
    """Everyone votes by hand: `hands` is [(for, against)] for users, carers, PAs."""
    groups = [make_members(cls, f + a) for cls, (f, a) in zip(classes, hands, strict=True)]
    meeting, (item,) = call_meeting(resolutions=SPECIAL)
    go_live(meeting)
    for member in sum(groups, []):
        services.check_in(meeting, member, by=chair, by_hand=True)
    item = fresh(item)
    o = options_of(services.open_item_vote(item, by=chair))
    services.enter_teller_counts(item, {
        cls.pk: {o["for"]: f, o["against"]: a}
        for cls, (f, a) in zip(classes, hands, strict=True) if f + a}, by=chair)
    services.close_item_vote(item, by=chair)
    return results(services.declare_result(item, by=chair))


def test_a_special_resolution_with_exactly_75_percent_is_carried(classes, make_members,
                                                                 call_meeting, go_live, chair):
    result = _special_by_hand(classes, make_members, call_meeting, go_live, chair,
                              [(3, 1), (0, 0), (0, 0)])
    assert result.outcome.for_ratio == Fraction(3, 4)
    assert result.outcome.passed


def test_a_special_resolution_just_under_75_percent_is_not_carried(
        classes, make_members, call_meeting, go_live, chair):
    users, carers, pas = classes
    hands = [(3, 1), (0, 0), (2, 1)]
    result = _special_by_hand(classes, make_members, call_meeting, go_live, chair, hands)
    expected = weighted_for({users.pk: 50, carers.pk: 25, pas.pk: 25},
                            dict(zip([c.pk for c in classes], hands, strict=True)))
    assert result.outcome.for_ratio == expected == Fraction(13, 18)  # 72.2%
    assert not result.outcome.passed


def test_the_weighting_not_the_head_count_decides_a_special_resolution(
        classes, make_members, call_meeting, go_live, chair):
    # 8 of 10 hands are for (80%), but users, who carry twice the carers' weight, are
    # split 3 to 2: 0.5 x 0.6 + 0.25 x 1, over the 0.75 that voted, is 73.3%.
    result = _special_by_hand(classes, make_members, call_meeting, go_live, chair,
                              [(3, 2), (5, 0), (0, 0)])
    assert result.one_member_outcome.for_ratio == Fraction(8, 10)
    assert result.outcome.for_ratio == (Fraction(1, 2) * Fraction(3, 5) + Fraction(1, 4)) \
        / Fraction(3, 4) == Fraction(11, 15)
    assert not result.outcome.passed
