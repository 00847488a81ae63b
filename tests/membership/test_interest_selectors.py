"""Who holds an interest in a topic: declared (current declarations only) and deemed (by
class). `matching_interests_for_people` is the selector the meetings issue calls for an
agenda item's topics and the people present; the register selectors serve the pages."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from membership.enums import InterestType
from membership.interests import selectors, services
from membership.models import InterestTopic
from tests.factories import MemberFactory, OfficerFactory, UserFactory

PA_PAY = "PA pay and conditions"
SUPPLIERS = "Contracts and suppliers"
RELATIVES = "Employment of relatives"
USERS_SERVICES = "New services for users"


def topic(society, name):
    return InterestTopic.objects.get(society=society, name=name)


def ids(society, *names):
    return [topic(society, n).pk for n in names]


def declare(society, person, *names, **fields):
    fields = {"interest_type": InterestType.FINANCIAL,
              "description": "I own shares in a supplier."} | fields
    return services.declare(society, person, by=person,
                            topics=[topic(society, n) for n in names], **fields)


@pytest.fixture
def classes(society):
    users, carers, pas = society.member_classes.order_by("position")
    return users, carers, pas


def summary(found):
    """{user id: sorted [(topic, 'deemed' or declaration id)]} for easy comparison."""
    return {uid: sorted((m.topic.name, "deemed" if m.deemed else m.declaration.pk)
                        for m in matches) for uid, matches in found.items()}


# --- one person ------------------------------------------------------------------------------

def test_a_pa_is_deemed_to_have_an_interest_in_pa_pay_and_a_user_is_not(society, classes):
    users, _, pas = classes
    pa = MemberFactory(society=society, member_class=pas)
    service_user = MemberFactory(society=society, member_class=users)

    matches = selectors.matching_interests(society, pa.user, ids(society, PA_PAY))

    assert len(matches) == 1
    assert matches[0].deemed
    assert matches[0].topic.name == PA_PAY
    assert matches[0].member_class == pas
    assert str(matches[0]) == ("PA pay and conditions: every personal assistant is treated "
                               "as having an interest")
    assert selectors.matching_interests(society, service_user.user, ids(society, PA_PAY)) == []
    assert selectors.matching_interests(society, pa.user, ids(society, SUPPLIERS)) == []


def test_a_former_pa_is_no_longer_deemed_interested(society, classes):
    pa = MemberFactory(society=society, member_class=classes[2],
                       ceased_on=timezone.localdate() - timedelta(days=1),
                       cessation_reason="resigned")
    assert selectors.matching_interests(society, pa.user, ids(society, PA_PAY)) == []
    # ...but was on a day they were still a member.
    earlier = timezone.localdate() - timedelta(days=5)
    assert len(selectors.matching_interests(society, pa.user, ids(society, PA_PAY),
                                            on=earlier)) == 1


def test_a_deemed_class_added_by_an_officer_counts_straight_away(society, classes, secretary):
    carer = MemberFactory(society=society, member_class=classes[1])
    services.update_topic(topic(society, USERS_SERVICES), name=USERS_SERVICES,
                          deemed_classes=[classes[1]], by=secretary)
    [match] = selectors.matching_interests(society, carer.user, ids(society, USERS_SERVICES))
    assert match.member_class == classes[1]


def test_a_current_declaration_matches_its_topics_only(society, member):
    declaration = declare(society, member.user, SUPPLIERS, RELATIVES)

    matches = selectors.matching_interests(society, member.user,
                                           ids(society, SUPPLIERS, PA_PAY, RELATIVES))

    assert sorted(m.topic.name for m in matches) == [SUPPLIERS, RELATIVES]
    assert {m.declaration for m in matches} == {declaration}
    assert not matches[0].deemed
    assert str(matches[0]).endswith(": I own shares in a supplier.")
    assert selectors.matching_interests(society, member.user, ids(society, PA_PAY)) == []


def test_an_ended_declaration_no_longer_matches(society, member):
    declaration = declare(society, member.user, SUPPLIERS)
    yesterday = timezone.localdate() - timedelta(days=1)
    services.end(declaration, by=member.user, ended_on=yesterday)

    assert selectors.matching_interests(society, member.user, ids(society, SUPPLIERS)) == []
    # On a day before it ended, the (then current) ended version matches.
    before = selectors.matching_interests(society, member.user, ids(society, SUPPLIERS),
                                          on=yesterday - timedelta(days=1))
    assert [m.declaration.ended_on for m in before] == [yesterday]


def test_an_ending_today_stops_matching_today(society, member):
    services.end(declare(society, member.user, SUPPLIERS), by=member.user)
    assert selectors.matching_interests(society, member.user, ids(society, SUPPLIERS)) == []


def test_a_superseded_version_no_longer_matches(society, member):
    first = declare(society, member.user, SUPPLIERS)
    second = services.amend(first, by=member.user, topics=[topic(society, RELATIVES)])

    assert selectors.matching_interests(society, member.user, ids(society, SUPPLIERS)) == []
    [match] = selectors.matching_interests(society, member.user, ids(society, RELATIVES))
    assert match.declaration == second


def test_an_amended_declaration_matches_once_through_its_latest_version(society, member):
    first = declare(society, member.user, SUPPLIERS)
    second = services.amend(first, by=member.user, description="Now a bigger stake.")
    [match] = selectors.matching_interests(society, member.user, ids(society, SUPPLIERS))
    assert match.declaration == second


def test_a_pa_with_a_declaration_too_has_both_matches(society, classes):
    pa = MemberFactory(society=society, member_class=classes[2])
    declaration = declare(society, pa.user, PA_PAY, description="My partner is a PA too.")

    found = selectors.matching_interests(society, pa.user, ids(society, PA_PAY))

    assert sorted((m.deemed, m.declaration == declaration) for m in found) == \
        [(False, True), (True, False)]


def test_declarations_and_classes_in_another_society_do_not_count(society, other_society,
                                                                 classes):
    person = UserFactory()
    MemberFactory(society=other_society, user=person,
                  member_class=other_society.member_classes.get(name="Personal assistant"))
    declare(other_society, person, SUPPLIERS)
    MemberFactory(society=society, user=person, member_class=classes[0])

    assert selectors.matching_interests(society, person, ids(society, PA_PAY, SUPPLIERS)) == []


# --- many people: the selector meetings call -------------------------------------------------

@pytest.fixture
def meeting(society, classes):
    """The people present at a board meeting: a chair with a supplier interest, a trustee who
    is also a PA, a treasurer who is not a member, a member with an ended interest and one with
    none."""
    users, carers, pas = classes
    chair = MemberFactory(society=society, member_class=users)
    OfficerFactory(society=society, user=chair.user, role="chair")
    trustee = MemberFactory(society=society, member_class=pas)
    OfficerFactory(society=society, user=trustee.user, role="trustee")
    treasurer = OfficerFactory(society=society, role="treasurer").user
    former_interest = MemberFactory(society=society, member_class=carers)
    nobody = MemberFactory(society=society, member_class=carers)
    people = {"chair": chair.user, "trustee": trustee.user, "treasurer": treasurer,
              "former_interest": former_interest.user, "nobody": nobody.user}
    declarations = {
        "chair": declare(society, chair.user, SUPPLIERS, RELATIVES),
        "treasurer": declare(society, treasurer, PA_PAY, interest_type=InterestType.FAMILY,
                             description="My son is a PA employed by a member."),
    }
    services.end(declare(society, former_interest.user, SUPPLIERS), by=former_interest.user)
    return people, declarations


def test_an_agenda_item_shows_who_present_holds_matching_interests(society, meeting):
    people, declarations = meeting

    found = selectors.matching_interests_for_people(
        society, [u.pk for u in people.values()], ids(society, PA_PAY, SUPPLIERS))

    assert summary(found) == {
        people["chair"].pk: [(SUPPLIERS, declarations["chair"].pk)],
        people["trustee"].pk: [(PA_PAY, "deemed")],
        people["treasurer"].pk: [(PA_PAY, declarations["treasurer"].pk)],
    }


def test_people_not_present_are_not_listed(society, meeting):
    people, _ = meeting
    present = [people["nobody"].pk, people["trustee"].pk]
    found = selectors.matching_interests_for_people(society, present,
                                                    ids(society, PA_PAY, SUPPLIERS))
    assert list(found) == [people["trustee"].pk]


def test_a_topic_nobody_has_an_interest_in_finds_nobody(society, meeting):
    people, _ = meeting
    everyone = [u.pk for u in people.values()]
    assert selectors.matching_interests_for_people(society, everyone,
                                                   ids(society, USERS_SERVICES)) == {}


def test_no_topics_or_nobody_present_needs_no_query(society, meeting,
                                                    django_assert_num_queries):
    people, _ = meeting
    topic_ids = ids(society, PA_PAY, SUPPLIERS)
    with django_assert_num_queries(0):
        assert selectors.matching_interests_for_people(
            society, [u.pk for u in people.values()], []) == {}
        assert selectors.matching_interests_for_people(society, [], topic_ids) == {}


def test_a_meeting_of_many_takes_the_same_few_queries_as_a_meeting_of_few(
        society, classes, meeting, django_assert_max_num_queries):
    people, _ = meeting
    topic_ids = ids(society, PA_PAY, SUPPLIERS, RELATIVES)
    crowd = [MemberFactory(society=society, member_class=classes[i % 3]) for i in range(30)]
    for m in crowd[:10]:
        declare(society, m.user, SUPPLIERS)
    everyone = [u.pk for u in people.values()] + [m.user_id for m in crowd]

    with django_assert_max_num_queries(4):
        found = selectors.matching_interests_for_people(society, everyone, topic_ids)

    pas_in_crowd = sum(1 for m in crowd if m.member_class == classes[2])
    declared_in_crowd = {m.user_id for m in crowd[:10]}
    deemed_in_crowd = {m.user_id for m in crowd if m.member_class == classes[2]}
    assert len(found) == 3 + len(declared_in_crowd | deemed_in_crowd)
    assert sum(1 for ms in found.values() for m in ms if m.deemed) == pas_in_crowd + 1
    # The chair's one declaration on two of the topics gives two matches.
    assert len(found[people["chair"].pk]) == 2


def test_the_matches_are_as_on_the_day_of_the_meeting(society, meeting):
    people, declarations = meeting
    last_week = timezone.localdate() - timedelta(days=7)
    services.end(declarations["chair"], by=people["chair"])

    today = selectors.matching_interests_for_people(society, [people["chair"].pk],
                                                    ids(society, SUPPLIERS))
    then = selectors.matching_interests_for_people(society, [people["chair"].pk],
                                                   ids(society, SUPPLIERS), on=last_week)

    assert today == {}
    assert len(then[people["chair"].pk]) == 1


# --- the register -----------------------------------------------------------------------------

def test_the_register_lists_latest_versions_and_filters(society, meeting, classes):
    people, declarations = meeting
    amended = services.amend(declarations["chair"], by=people["chair"],
                             description="Shares in two suppliers now.")

    current = list(selectors.register(society))
    assert set(current) == {amended, declarations["treasurer"]}
    assert [d.person_name for d in selectors.register(society, status="ended")] == \
        [society.members.get(user=people["former_interest"]).full_name]
    assert len(selectors.register(society, status="all")) == 3
    assert list(selectors.register(society, topic=topic(society, PA_PAY))) == \
        [declarations["treasurer"]]
    assert list(selectors.register(society, person=people["chair"])) == [amended]
    assert list(selectors.register(society, interest_type=InterestType.FAMILY)) == \
        [declarations["treasurer"]]
    assert list(selectors.register(society, topic=topic(society, USERS_SERVICES))) == []


def test_a_member_sees_every_version_of_their_own_declarations(society, member):
    first = declare(society, member.user, SUPPLIERS)
    second = services.amend(first, by=member.user, description="Changed.")
    other = declare(society, UserFactory(), SUPPLIERS)

    own = list(selectors.own_declarations(society, member.user))
    assert set(own) == {first, second}
    assert other not in own


def test_officers_current_declarations_are_the_transparent_ones(society, meeting):
    people, declarations = meeting
    member_declaration = declare(society, people["nobody"], SUPPLIERS)
    OfficerFactory(society=society, role="secretary", started_on=date(2020, 1, 1),
                   ended_on=date(2021, 1, 1), user=people["nobody"])

    shown = set(selectors.officers_current(society))

    assert shown == {declarations["chair"], declarations["treasurer"]}
    assert member_declaration not in shown
    assert selectors.officer_ids(society) == {people["chair"].pk, people["trustee"].pk,
                                              people["treasurer"].pk}
