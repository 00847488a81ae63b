"""General meetings in a real browser: axe-core finds nothing on the notice, check-in, the
proxy form, the nomination form, the live results screen and the minutes (as members read
them and as the secretary edits them). Check-in and appointing a directed proxy are done
with the keyboard alone.

Meetings are built with the services. A meeting is called for a date weeks ahead (the notice
rules require it); to hold it, its `starts_at` row is moved to now with a queryset update,
because `start_meeting` refuses more than an hour early."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import elections, minutes, selectors, services
from meetings.enums import MeetingKind
from meetings.models import Attendance, Meeting, Nomination, ProxyInstruction
from membership.models import MemberClass
from tests.factories import MemberFactory
from voting import services as voting

from .keys import active, button, main_text, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPECIAL = "Change the rules to allow hybrid board meetings"
SPECIAL_TEXT = "That rule 52 is replaced so the board may meet online or in a room."
ORDINARY = "Join the regional federation"


def meeting_path(meeting, tail=""):
    return f"/s/{meeting.society.slug}/meetings/{meeting.pk}/{tail}"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def classes(society):
    return list(society.member_classes.order_by("position"))


@pytest.fixture
def people(society, classes):
    """Two members in each class; the first is the one who signs in."""
    return [MemberFactory(society=society, member_class=c) for c in classes for _ in (1, 2)]


@pytest.fixture
def me(people):
    return people[0]


@pytest.fixture
def chair(officer_for):
    return officer_for("chair")


@pytest.fixture
def call(society, secretary, people):
    """call(days=20, **fields) -> (meeting, [special item, ordinary item]), notice sent."""

    def make(days=20, **fields):
        fields.setdefault("place", "Mill Lane Community Centre, 1 Mill Lane, Sheffield")
        fields.setdefault("online_link", "https://video.example.org/agm")
        fields.setdefault("access_notes", "Step-free entrance. Hearing loop in the hall.")
        meeting = services.create_meeting(
            society, by=secretary, kind=MeetingKind.AGM,
            starts_at=timezone.now() + timedelta(days=days), **fields)
        items = [services.add_item(meeting, by=secretary, title=SPECIAL,
                                   description=SPECIAL_TEXT, resolution_kind="special"),
                 services.add_item(meeting, by=secretary, title=ORDINARY,
                                   description="That the co-op joins the federation.",
                                   resolution_kind="ordinary")]
        services.send_notice(meeting, by=secretary)
        return fresh(meeting), items

    return make


@pytest.fixture
def go_live(chair):
    def start(meeting, minutes_ago=0):
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - timedelta(minutes=minutes_ago))
        services.start_meeting(fresh(meeting), by=chair)
        return fresh(meeting)

    return start


# --- the notice --------------------------------------------------------------------------------

def test_meeting_notice_is_accessible(page, sign_in, assert_accessible, me, call):
    meeting, _ = call()
    sign_in(page.context, me.user)
    page.goto(meeting_path(meeting))

    assert page.locator("h1").inner_text() == meeting.title
    text = main_text(page)
    assert "Mill Lane Community Centre" in text
    assert SPECIAL_TEXT in text and "Step-free entrance" in text
    deadline = selectors.proxy_deadline(meeting)
    assert f"{deadline:%-d %B %Y}" in text
    assert_accessible(page, "meeting notice")


# --- check-in ----------------------------------------------------------------------------------

def test_check_in_errors_are_accessible(page, sign_in, assert_accessible, me, call, go_live):
    meeting = go_live(call()[0])
    sign_in(page.context, me.user)
    page.goto(meeting_path(meeting, "check-in/"))
    assert_accessible(page, "check-in form")

    page.get_by_role("button", name="Check in").click()

    assert page.locator(".error-summary").is_visible()
    assert "Say whether you are in the room or online" in main_text(page)
    assert_accessible(page, "check-in form with errors")
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_check_in_with_the_keyboard_alone(page, sign_in, assert_accessible, me, call,
                                          go_live):
    """Tab to the radios, arrow to "online", Space on "device", Enter on the button."""
    meeting = go_live(call()[0])
    sign_in(page.context, me.user)
    page.goto(meeting_path(meeting))
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Check in to the meeting",
           "the Check in link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Check in to the meeting"

    tab_to(page, lambda el: el["name"] == "where", "the first 'Where are you?' radio")
    page.keyboard.press("ArrowDown")  # moves to, and selects, "I am online"
    assert active(page)["value"] == "online"
    tab_to(page, lambda el: el["name"] == "how", "the first 'How will you vote?' radio")
    page.keyboard.press("Space")
    assert active(page)["value"] == "device"
    tab_to(page, button("Check in"), "the Check in button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "You are checked in. Welcome to the meeting." in main_text(page)
    assert_accessible(page, "meeting page after checking in")
    attendance = Attendance.objects.get(meeting=meeting, member=me)
    assert attendance.online and not attendance.votes_by_hand and attendance.marked_by is None


# --- proxies -----------------------------------------------------------------------------------

def test_appoint_a_directed_proxy_with_the_keyboard_alone(page, sign_in, assert_accessible,
                                                          me, society, classes, call):
    meeting, (special, ordinary) = call()
    holder = MemberFactory(society=society, member_class=classes[1], full_name="Zadie Okafor")
    sign_in(page.context, me.user)
    page.goto(meeting_path(meeting, "proxy/"))
    assert page.locator("h1").inner_text() == "Appoint a proxy"
    assert_accessible(page, "proxy form")

    tab_to(page, lambda el: el["name"] == "holder", "the proxy holder list")
    page.keyboard.type("Zadie")  # type-ahead picks the member
    assert active(page)["value"] == str(holder.pk)
    tab_to(page, lambda el: el["name"] == f"item_{special.pk}",
           "the directions for the special resolution")
    assert active(page)["value"] == "proxy"  # "Let my proxy decide" to start with
    page.keyboard.press("ArrowDown")
    assert active(page)["value"] == "for"
    tab_to(page, button("Appoint my proxy"), "the Appoint my proxy button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    text = main_text(page)
    assert "Zadie Okafor is now your proxy for this meeting." in text
    assert "Your proxy is Zadie Okafor" in text
    assert f"“{SPECIAL}”: Vote for" in text
    assert f"“{ORDINARY}”: your proxy decides" in text
    assert_accessible(page, "meeting page with a proxy")
    [instruction] = ProxyInstruction.objects.filter(proxy__appointer=me)
    assert (instruction.item_id, instruction.direction) == (special.pk, "for")


def test_proxy_form_errors_are_accessible(page, sign_in, assert_accessible, me, call):
    meeting, _ = call()
    sign_in(page.context, me.user)
    page.goto(meeting_path(meeting, "proxy/"))

    page.get_by_role("button", name="Appoint my proxy").click()

    assert page.locator(".error-summary").is_visible()
    assert "Choose a member." in main_text(page)
    assert_accessible(page, "proxy form with errors")


def test_secretary_enters_a_proxy_sent_by_post_accessibly(page, sign_in, assert_accessible,
                                                          secretary, people, call):
    meeting, (special, _) = call()
    by_post, holder = people[1], people[2]
    sign_in(page.context, secretary)
    page.goto(f"/s/{meeting.society.slug}/meetings/manage/{meeting.pk}/proxies/from-post/")
    assert_accessible(page, "proxy form sent by post")

    page.get_by_role("button", name="Enter the proxy").click()
    assert "Choose a member." in main_text(page)
    assert_accessible(page, "proxy form sent by post, with errors")

    page.get_by_label("Who sent the form?").select_option(str(by_post.pk))
    page.get_by_label("Who did they appoint as their proxy?").select_option(str(holder.pk))
    page.get_by_role("group", name=f"How did they tell their proxy to vote on “{SPECIAL}”?"
                     ).get_by_label("For").check()
    page.get_by_role("button", name="Enter the proxy").click()

    assert f"Entered: {by_post.full_name} appointed {holder.full_name}" in main_text(page)
    assert ProxyInstruction.objects.get(proxy__appointer=by_post, item=special).direction == "for"
    assert_accessible(page, "proxy entered from post")


# --- nominations -------------------------------------------------------------------------------

def test_nomination_form_is_accessible_and_nominates(page, sign_in, assert_accessible, me,
                                                     society, classes, call, secretary):
    MemberClass.objects.filter(pk=classes[0].pk).update(board_seats=2)
    meeting, _ = call()
    [contest] = elections.open_nominations(meeting, by=secretary,
                                           close_at=timezone.now() + timedelta(days=5))
    sign_in(page.context, me.user)
    page.goto(meeting_path(meeting, f"nominations/{contest.pk}/new/"))
    assert_accessible(page, "nomination form")

    page.get_by_role("button", name="Make the nomination").click()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page, "nomination form with errors")

    page.get_by_label("Myself").check()
    page.get_by_label("Your statement").fill("I want every member heard at the board.")
    page.get_by_role("button", name="Make the nomination").click()

    text = main_text(page)
    assert f"{me.full_name} is nominated. The nomination needs a seconder." in text
    assert_accessible(page, "nominations page")
    nomination = Nomination.objects.get(contest=contest, candidate=me)
    assert nomination.accepted_at and nomination.statement.startswith("I want every")


# --- the live results screen -------------------------------------------------------------------

def test_live_results_screen_is_accessible(page, sign_in, assert_accessible, me, people,
                                           society, call, go_live, secretary, chair):
    meeting, (special, _) = call()
    meeting = go_live(meeting)
    hands = people[1:3]
    for member in people:
        services.check_in(meeting, member, by=secretary, by_hand=member in hands)
    services.open_item_vote(fresh(special), by=chair)
    special = fresh(special)
    options = {o.code: o.pk for o in special.ballot.options.all()}
    for member in people[3:]:
        voting.cast_vote(special.ballot, member, {options["for"]: 1})
    services.enter_teller_counts(special, {
        hands[0].member_class_id: {options["for"]: 1},
        hands[1].member_class_id: {options["against"]: 1}}, by=secretary)
    sign_in(page.context, secretary)  # the officers running the vote see the count
    page.goto(meeting_path(meeting, "screen/"))
    rows = page.locator("#screen-table tbody tr").all_inner_texts()
    assert rows[0].split("\t")[:3] == ["For", "4", "1"]
    assert_accessible(page, "live results screen for the officers, voting open")

    page.context.clear_cookies()
    sign_in(page.context, me.user)
    page.goto(meeting_path(meeting, "screen/"))
    assert page.locator("h2.screen__title").inner_text() == SPECIAL
    assert "Voting is open" in main_text(page)
    # Too few in a class voted for members to see the figures (voting.disclosure).
    assert "Hidden to keep a small group's votes secret" in \
        page.locator("#screen-hidden").inner_text()
    assert "Quorate" in main_text(page)
    assert_accessible(page, "live results screen, voting open")

    services.close_item_vote(special, by=chair)
    services.declare_result(fresh(special), by=chair)
    page.reload()

    assert "Result declared" in main_text(page)
    assert page.locator(".screen__verdict").inner_text() in {
        "The resolution is carried.", "The resolution is not carried."}
    assert_accessible(page, "live results screen, result declared")


# --- minutes -----------------------------------------------------------------------------------

@pytest.fixture
def held(call, go_live, people, secretary, chair):
    """A meeting held two hours ago: everyone came, the special resolution was declared, and
    it has ended (no minutes yet)."""
    meeting, (special, _) = call()
    meeting = go_live(meeting, minutes_ago=120)
    for member in people:
        services.check_in(meeting, member, by=secretary)
    services.open_item_vote(fresh(special), by=chair)
    special = fresh(special)
    for_option = special.ballot.options.get(code="for")
    for member in people:
        voting.cast_vote(special.ballot, member, {for_option.pk: 1})
    services.close_item_vote(special, by=chair)
    services.declare_result(fresh(special), by=chair)
    return services.end_meeting(fresh(meeting), by=chair)


def test_secretary_drafts_and_edits_the_minutes_accessibly(page, sign_in, assert_accessible,
                                                           held, secretary):
    sign_in(page.context, secretary)
    page.goto(f"/s/{held.society.slug}/meetings/manage/{held.pk}/minutes/edit/")
    assert_accessible(page, "minutes page before drafting")

    page.get_by_role("button", name="Draft the minutes from the record").click()
    assert "The minutes are drafted from the record." in main_text(page)
    box = page.get_by_label("The minutes")
    assert SPECIAL in box.input_value()
    assert_accessible(page, "minutes edit page")

    box.fill(box.input_value() + "\nThe chair thanked the tellers.")
    page.get_by_role("button", name="Save the minutes").click()

    assert "The minutes have been saved." in main_text(page)
    assert "The chair thanked the tellers." in held.minutes.__class__.objects.get(
        meeting=held).text
    assert_accessible(page, "minutes edit page after saving")


def test_approved_minutes_are_accessible_to_members(page, sign_in, assert_accessible, held,
                                                    me, call, go_live, secretary):
    drafted = minutes.draft_minutes(held, by=secretary)
    later = go_live(call(days=40)[0])
    minutes.approve_minutes(drafted, at_meeting=later, by=secretary)
    sign_in(page.context, me.user)
    page.goto(meeting_path(held, "minutes/"))

    text = main_text(page)
    assert f"Approved at {later.title}" in text
    assert SPECIAL in text and "resolution was carried" in text
    assert page.get_by_role("link", name="Download the minutes as a PDF").is_visible()
    assert_accessible(page, "approved minutes")

    sign_in(page.context, secretary)
    page.goto(f"/s/{held.society.slug}/meetings/manage/{held.pk}/minutes/edit/")
    assert "Approved minutes are locked and cannot change." in main_text(page)
    assert_accessible(page, "locked minutes, officer page")
