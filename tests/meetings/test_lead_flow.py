"""One AGM from call to minutes through the services, as the demo walks it."""

from datetime import timedelta
from fractions import Fraction

from django.utils import timezone

from meetings import elections, minutes, selectors, services
from meetings.models import Meeting
from tests.factories import MemberFactory


def _go_live(meeting, by):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    meeting.refresh_from_db()
    return services.start_meeting(meeting, by=by)


def test_an_agm_from_notice_to_minutes(society, secretary):
    classes = list(society.member_classes.all())
    members = {c.pk: [MemberFactory(society=society, member_class=c) for _ in range(4)]
               for c in classes}
    users_class, carers, pas = classes[0], classes[1], classes[2]
    meeting = services.create_meeting(society, by=secretary, kind="agm",
                                      starts_at=timezone.now() + timedelta(days=20),
                                      place="Community hall")
    item = services.add_item(meeting, by=secretary, title="Change the rules",
                             description="That rule 5 is changed.", resolution_kind="special")
    assert services.send_notice(meeting, by=secretary) == 12
    first, second = members[users_class.pk][0], members[users_class.pk][1]
    services.appoint_proxy(meeting, first, second, instructions={item.pk: "for"})
    chair = secretary
    _go_live(meeting, chair)
    for m in members[users_class.pk][1:] + members[carers.pk][:2] + members[pas.pk][:1]:
        services.check_in(meeting, m, by=chair)
    services.check_in(meeting, members[pas.pk][1], by=chair, by_hand=True)
    quorum = selectors.quorum(meeting)
    assert quorum.present == 7 and quorum.proxies == 1 and quorum.is_quorate
    ballot = services.open_item_vote(item, by=chair)
    options = {o.code: o.pk for o in ballot.options.all()}
    from voting import services as voting

    voting.cast_vote(ballot, members[users_class.pk][1], {options["for"]: 1})
    voting.cast_vote(ballot, members[carers.pk][0], {options["against"]: 1})
    services.enter_teller_counts(item, {pas.pk: {options["for"]: 1}}, by=chair)
    services.close_item_vote(item, by=chair)
    services.declare_result(item, by=chair)
    from voting.selectors import results

    r = results(ballot)
    # users 2 for of 2; carers 0 of 1; PAs 1 of 1 -> weights from the classes.
    w = {c.pk: Fraction(c.weight) / 100 for c in classes}
    expected = (w[users_class.pk] * 1 + w[pas.pk] * 1) / (w[users_class.pk] + w[carers.pk]
                                                          + w[pas.pk])
    assert r.outcome.for_ratio == expected
    services.end_meeting(meeting, by=chair)
    m = minutes.draft_minutes(meeting, by=chair)
    assert "Change the rules" in m.text and "quorate" in m.text
    assert "The special resolution was carried" in m.text
    assert not elections.retiring_trustees(meeting).exists()
