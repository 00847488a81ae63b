"""Voting ahead of a general meeting in a real browser, by keyboard alone: the secretary opens
it on a resolution from the meeting's page, a member who cannot come votes ahead from the
meeting's page, and at the meeting that vote is counted with the room's. axe-core finds
nothing on the pages involved, at 1280 and at 320 CSS px.

The meeting is called for a date weeks ahead (the notice rules require it); to hold it, its
`starts_at` row is moved to now with a queryset update, because `start_meeting` refuses more
than an hour early."""

from datetime import timedelta
from fractions import Fraction

import pytest
from django.utils import timezone

from coop.services import update_rules
from meetings import services
from meetings.enums import MeetingKind
from meetings.models import Meeting
from tests.factories import MemberFactory
from voting import services as voting
from voting.models import Ballot
from voting.selectors import results

from .keys import active, button, main_text, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Join the regional federation"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def at_both_widths(page, assert_accessible, name):
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{name} at {width}px")
        if width == 320:
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, \
                f"{name} scrolls sideways at 320px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_vote_ahead_by_keyboard_and_it_counts_with_the_room(
        page, sign_in, assert_accessible, society, secretary, officer_for):
    update_rules(society, by=secretary, allow_advance_votes=True, advance_votes_close_hours=48)
    users = society.member_classes.order_by("position").first()
    away, present, abstainer = (MemberFactory(society=society, member_class=users)
                                for _ in range(3))
    meeting = services.create_meeting(
        society, by=secretary, kind=MeetingKind.AGM, place="Mill Lane Community Centre",
        starts_at=timezone.now() + timedelta(days=20))
    item = services.add_item(meeting, by=secretary, title=TITLE, resolution_kind="ordinary",
                             description="That the co-op joins the federation.")
    services.send_notice(meeting, by=secretary)
    manage = f"/s/{society.slug}/meetings/manage/{meeting.pk}/"
    detail = f"/s/{society.slug}/meetings/{meeting.pk}/"

    # The secretary opens voting ahead.
    sign_in(page.context, secretary)
    page.goto(manage)
    at_both_widths(page, assert_accessible, "meeting page for the board")
    tab_to(page, lambda el: el["tag"] == "button" and el["text"].startswith("Open voting ahead"),
           "the Open voting ahead button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"Members can now vote ahead on “{TITLE}”" in main_text(page)
    assert "Voting ahead: Open for voting" in main_text(page)
    at_both_widths(page, assert_accessible, "meeting page with voting ahead open")
    ahead = Ballot.objects.get(adds_to=item.ballot)
    for_option = ahead.options.get(code="for")

    # A member who cannot come votes ahead from the meeting's page.
    page.context.clear_cookies()
    sign_in(page.context, away.user)
    page.goto(detail)
    assert "Vote now, ahead of the meeting" in main_text(page)
    at_both_widths(page, assert_accessible, "meeting notice with voting ahead")
    tab_to(page, lambda el: el["tag"] == "a" and el["text"].startswith("vote ahead"),
           "the vote ahead link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/ballots/{ahead.pk}/")
    at_both_widths(page, assert_accessible, "ballot page for voting ahead")
    tab_to(page, lambda el: el["type"] == "radio", "the first choice")
    page.keyboard.press("Space")  # focus alone does not choose
    while active(page)["value"] != str(for_option.pk):
        page.keyboard.press("ArrowDown")
    assert page.locator(f"input[value='{for_option.pk}']").is_checked()
    tab_to(page, button("Continue"), "the Continue button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, button("Cast my vote"), "the Cast my vote button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(detail)
    assert f"“{TITLE}”: you have voted ahead." in main_text(page)

    # At the meeting: one votes against, one abstains; the vote ahead is added.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    chair = officer_for("chair")
    services.start_meeting(fresh(meeting), by=chair)
    services.check_in(fresh(meeting), present)
    services.check_in(fresh(meeting), abstainer)  # two make the quorum
    ballot = services.open_item_vote(fresh(item), by=chair)
    o = {opt.code: opt.pk for opt in ballot.options.all()}
    voting.cast_vote(ballot, present, {o["against"]: 1})
    voting.cast_vote(ballot, abstainer, {o["abstain"]: 1})
    services.close_item_vote(fresh(item), by=chair)
    counted = results(fresh(ballot))
    assert counted.head_counts == {o["for"]: 1, o["against"]: 1, o["abstain"]: 1}
    assert counted.outcome.for_ratio == Fraction(1, 2)  # one for (ahead), one against (room)
