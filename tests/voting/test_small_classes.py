"""Classes too small to keep their votes secret are named before anyone votes: to the officer
about to open the ballot, and to those members on the vote page, in plain words."""

from django.urls import reverse

from tests.pages import PageCheckingClient, text
from voting import selectors, services

from .conftest import option


def page(user, name, ballot):
    client = PageCheckingClient()
    client.force_login(user)
    return client.get(reverse(name, args=[ballot.society.slug, ballot.pk]))


def test_officer_is_warned_of_small_classes_before_opening(society, classes, secretary,
                                                           make_members):
    make_members(classes[0], 6)
    make_members(classes[1], 2)  # carers: too few; PAs: nobody, so nothing to reveal
    ballot = services.create_ballot(society, by=secretary, title="Pay", summary="PA pay",
                                    kind="resolution")

    html = page(secretary, "ballot_manage", ballot).content.decode()
    warning = html[html.index('id="small-classes"'):]
    warning = warning[:warning.index("</div>")]

    assert [(c.name, c.can_vote) for c in selectors.small_classes(ballot)] == [
        (classes[1].name, 2)]
    assert "Some votes may not stay secret" in warning
    assert f"{classes[1].name}: 2" in warning
    assert classes[0].name not in warning and classes[2].name not in warning


def test_no_warning_when_every_class_is_big_enough(society, classes, secretary, make_members):
    for cls in classes:
        make_members(cls, 5)
    ballot = services.create_ballot(society, by=secretary, title="Pay", summary="PA pay")

    assert selectors.small_classes(ballot) == []
    assert "may not stay secret" not in text(page(secretary, "ballot_manage", ballot))


def test_members_of_a_small_class_are_told_on_the_vote_form(open_ballot, classes,
                                                             make_members):
    users = make_members(classes[0], 6)
    carers = make_members(classes[1], 3)
    pa, = make_members(classes[2], 1)
    ballot = open_ballot(kind="resolution")

    carer_page = text(page(carers[0].user, "ballot_detail", ballot))
    pa_page = text(page(pa.user, "ballot_detail", ballot))
    user_page = text(page(users[0].user, "ballot_detail", ballot))

    assert "Your vote may not stay secret" in carer_page
    assert f"Only 3 members of your class ({classes[1].name}) can vote" in carer_page
    assert "You are the only member of your class" in pa_page
    assert "may not stay secret" not in user_page
    services.cast_vote(ballot, pa, {option(ballot, "For").pk: 1})
    assert "may not stay secret" not in text(page(pa.user, "ballot_detail", ballot))
