"""Notice of a meeting: by email with a calendar invitation (easy read first for those who
asked), by letter on the post list (a real PDF, one letter per member, large print, a proxy
form), the record of how each member was sent it, and the clear-days rule."""

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar
from weasyprint.formatting_structure import boxes

from meetings import notice, selectors, services
from meetings.models import NoticeDelivery
from tests.factories import MemberFactory

PT = 4 / 3  # WeasyPrint measures in CSS pixels
RESOLUTION = "That rule 5 is changed so that the board has nine trustees."


def at_seven(days_ahead: int) -> datetime:
    """7pm local time, `days_ahead` days from today."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    return timezone.make_aware(datetime.combine(day, time(19, 0)))


@pytest.fixture
def people(society):
    return {
        "email": MemberFactory(society=society, full_name="Emma Email"),
        "easy": MemberFactory(society=society, full_name="Ezra Easy", easy_read=True),
        "post": MemberFactory(society=society, full_name="Pat Post", contact_by_email=False,
                              contact_by_post=True, address="4 Mill Lane\nSheffield",
                              postcode="S1 4AA"),
        "large": MemberFactory(society=society, full_name="Lee Large", contact_by_email=False,
                               contact_by_post=True, large_print=True),
        "no_email": MemberFactory(society=society, full_name="Nia Noemail", email=""),
    }


@pytest.fixture
def agm(society, secretary, people):
    society.address = "The Old School\nSheffield S2 1AB"
    society.contact_email = "secretary@mutual.example"
    society.save(update_fields=["address", "contact_email"])
    meeting = services.create_meeting(
        society, by=secretary, kind="agm", starts_at=at_seven(20), title="AGM 2026",
        place="Community hall\n2 Mill Lane", access_notes="Step-free entrance; hearing loop.")
    services.add_item(meeting, by=secretary, title="Change the size of the board",
                      description=RESOLUTION, resolution_kind="special")
    return meeting


@pytest.fixture
def send(django_capture_on_commit_callbacks, secretary):
    """Send notice as a request would: the email task runs once the transaction commits."""
    def send(meeting):
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_notice(meeting, by=secretary)

    return send


@pytest.fixture
def sent(agm, send):
    send(agm)
    agm.refresh_from_db()
    return agm


def invite_of(message) -> Calendar:
    (attachment,) = message.attachments
    name, content, mimetype = attachment
    assert (name, mimetype) == ("invite.ics", "text/calendar")
    return Calendar.from_ical(content)


def letter_pages(document) -> list[list[tuple[str, float]]]:
    """Each laid-out page's words with their sizes, read from WeasyPrint before writing."""
    return [[(box.text, box.style["font_size"]) for box in page._page_box.descendants()
             if isinstance(box, boxes.TextBox)] for page in document.pages]


def joined(words) -> str:
    return re.sub(r"\s+", " ", " ".join(t for t, _ in words))


def letters_by_name(document, names) -> dict[str, str]:
    """The text of each letter (a letter may run over more than one page), by addressee."""
    letters, current = {}, None
    for words in letter_pages(document):
        page = joined(words)
        current = next((n for n in names if f"Dear {n}," in page), current)
        assert current, f"a page before any letter: {page[:80]}"
        letters[current] = letters.get(current, "") + " " + page
    return letters


# --- email -------------------------------------------------------------------------------------

def test_notice_emails_each_email_member_once_with_an_invitation(sent, people):
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["email"].email, people["easy"].email])
    message = next(m for m in mail.outbox if m.to == [people["email"].email])
    assert message.subject == (f"Mutual Support: notice of the annual general meeting on "
                               f"{notice.date_text(sent.date)}")
    event = invite_of(message).events[0]
    assert event.start == sent.starts_at and event.start.tzinfo is not None
    assert event.duration == timedelta(hours=2)
    assert event.summary == "AGM 2026 (Mutual Support)"
    assert event.location == "Community hall, 2 Mill Lane"
    assert "Change the size of the board" in event.description
    assert RESOLUTION in event.description


def test_notice_email_says_the_business_proxy_deadline_and_apologies(sent, people):
    body = next(m for m in mail.outbox if m.to == [people["email"].email]).body
    local_start = notice.local(sent.starts_at)
    assert "Dear Emma Email," in body
    assert f"on {notice.date_text(local_start.date())} at 7pm" in body
    assert "Where: Community hall, 2 Mill Lane" in body
    assert "Access: Step-free entrance; hearing loop." in body
    assert f'"{RESOLUTION}"' in body
    assert "special resolution" in body and "at least 75% of the votes for and against" in body
    deadline = selectors.proxy_deadline(sent)
    assert f"by the end of {notice.date_text(deadline)}" in body
    assert "up to 5 proxies" in body
    assert "secretary@mutual.example" in body
    link = notice.notice_context(sent)["link"]
    assert link == f"{settings.SITE_URL}/s/mutual/meetings/{sent.pk}/"
    assert f"on the meeting page:\n{link}" in body
    assert "IN EASY READ" not in body


def test_easy_read_member_gets_the_easy_read_version_first(sent, people):
    body = next(m for m in mail.outbox if m.to == [people["easy"].email]).body
    assert "IN EASY READ" in body
    assert body.index("IN EASY READ") < body.index("NOTICE OF THE ANNUAL GENERAL MEETING")
    assert "Members will vote on 1 thing:" in body
    assert "This is called a proxy." in body
    # The full notice still follows, with the exact words of the resolution.
    assert RESOLUTION in body


def test_post_and_no_email_members_get_a_letter_record_and_no_email(sent, people):
    emailed = {m.to[0] for m in mail.outbox}
    deliveries = {d.member_id: d for d in NoticeDelivery.objects.filter(meeting=sent)}
    assert len(deliveries) == 5
    for who in ("post", "large", "no_email"):
        member = people[who]
        delivery = deliveries[member.pk]
        assert delivery.method == "post"
        assert member.postcode in delivery.address and delivery.address.startswith(
            member.address.splitlines()[0])
        assert member.email not in emailed
    assert deliveries[people["large"].pk].large_print
    assert deliveries[people["post"].pk].address == "4 Mill Lane\nSheffield\nS1 4AA"
    email = deliveries[people["email"].pk]
    assert (email.method, email.address) == ("email", people["email"].email)
    assert deliveries[people["easy"].pk].easy_read
    for delivery in deliveries.values():
        assert delivery.sent_at == sent.notice_sent_at


def test_the_record_says_when_each_email_went_and_a_rerun_sends_none_twice(sent):
    """The task can be run again by hand (say after a mail server fault): it sends only to
    members whose email has not gone yet."""
    emailed = NoticeDelivery.objects.filter(meeting=sent, method="email")
    assert emailed.count() == 2 and not emailed.filter(emailed_at__isnull=True).exists()
    assert all(d.emailed_at >= d.sent_at for d in emailed)
    assert not NoticeDelivery.objects.filter(meeting=sent, method="post",
                                             emailed_at__isnull=False).exists()
    mail.outbox.clear()
    assert notice.email_notice(sent.pk) == 0 and mail.outbox == []

    first = emailed.order_by("pk").first()
    NoticeDelivery.objects.filter(pk=first.pk).update(emailed_at=None)  # its send had failed
    assert notice.email_notice(sent.pk) == 1
    assert [m.to for m in mail.outbox] == [[first.address]]


def test_email_goes_in_batches_and_every_member_gets_theirs(sent, monkeypatch):
    monkeypatch.setattr(notice, "BATCH", 1)
    NoticeDelivery.objects.filter(meeting=sent).update(emailed_at=None)
    mail.outbox.clear()
    assert notice.email_notice(sent.pk) == 2
    assert len({m.to[0] for m in mail.outbox}) == 2
    assert all(invite_of(m).events for m in mail.outbox)
    assert not NoticeDelivery.objects.filter(meeting=sent, method="email",
                                             emailed_at__isnull=True).exists()


def test_no_email_for_a_meeting_cancelled_before_the_task_ran(sent, secretary):
    services.cancel_meeting(sent, by=secretary, reason="The hall flooded.")
    mail.outbox.clear()
    assert notice.email_notice(sent.pk) == 0
    assert mail.outbox == []


# --- the calendar invitation -------------------------------------------------------------------

def test_invitation_is_stable_for_the_meeting_and_marks_cancelling(sent, secretary):
    first = Calendar.from_ical(notice.ics_for(sent))
    event = first.events[0]
    assert str(event["UID"]) == f"meeting-{sent.pk}@{urlsplit(settings.SITE_URL).hostname}"
    assert event.DTSTAMP is not None and event.status == "CONFIRMED"
    assert str(first["METHOD"]) in ("PUBLISH", "REQUEST")
    services.cancel_meeting(sent, by=secretary, reason="The hall flooded.")
    again = Calendar.from_ical(notice.ics_for(sent)).events[0]
    assert again["UID"] == event["UID"]
    assert again.status == "CANCELLED" and again.sequence > event.sequence


def test_online_meeting_invitation_gives_the_link_as_its_location(society, secretary, people):
    meeting = services.create_meeting(society, by=secretary, kind="general",
                                      starts_at=at_seven(30),
                                      online_link="https://meet.example/coop")
    event = Calendar.from_ical(notice.ics_for(meeting)).events[0]
    assert event.location == "https://meet.example/coop"
    assert event.start == meeting.starts_at


# --- letters -----------------------------------------------------------------------------------

def post_deliveries(meeting):
    return list(NoticeDelivery.objects.filter(meeting=meeting, method="post")
                .select_related("member").order_by("member__full_name"))


def test_letters_pdf_has_one_letter_per_post_member_with_the_notice(sent, people):
    deliveries = post_deliveries(sent)
    pdf = notice.letters_pdf(sent, deliveries)
    assert pdf.startswith(b"%PDF-")
    document = notice.letters_document(sent, deliveries)
    names = ["Lee Large", "Nia Noemail", "Pat Post"]
    letters = letters_by_name(document, names)
    assert sorted(letters) == names
    for name, text in letters.items():
        member = next(m for m in people.values() if m.full_name == name)
        assert member.postcode in text
        assert RESOLUTION in text and "special resolution" in text
        assert "Community hall" in text and "Step-free entrance; hearing loop." in text
        assert f"by the end of {notice.date_text(selectors.proxy_deadline(sent))}" in text
        # The proxy form: who appoints, a line for the proxy's name, how to vote, signature.
        assert f"I, {name} (membership number {member.membership_number})" in text
        assert "Name of my proxy:" in text and "Signed:" in text
        assert "For Against Abstain" in text
        assert "Change the size of the board (special resolution)" in text
    assert "Pat Post 4 Mill Lane Sheffield S1 4AA" in letters["Pat Post"]


def test_each_letter_starts_on_a_new_page(sent):
    document = notice.letters_document(sent, post_deliveries(sent))
    firsts = [i for i, words in enumerate(letter_pages(document)) if "Dear" in
              joined(words)]
    assert len(firsts) == 3
    # A letter's first page holds no other letter's greeting.
    for i in firsts:
        assert joined(letter_pages(document)[i]).count("Dear ") == 1


def letter_words(document) -> dict[str, list[tuple[str, float]]]:
    """Each letter's words with their sizes from its greeting on (past the address block,
    which keeps its size to fit the envelope window), by the greeting."""
    letters, current = {}, None
    for words in letter_pages(document):
        greeting = next((i for i, (t, _) in enumerate(words) if t.startswith("Dear ")), None)
        if greeting is not None:  # a new letter: its page starts with the address block
            current, words = words[greeting][0].strip(), words[greeting:]
        letters.setdefault(current, []).extend(words)
    return letters


def test_large_print_letters_only_for_those_who_asked(sent):
    letters = letter_words(notice.letters_document(sent, post_deliveries(sent)))
    large, plain = letters["Dear Lee Large,"], letters["Dear Pat Post,"]
    assert min(size for _, size in large) >= 18 * PT
    assert "nine trustees" in joined(large)
    assert next(size for t, size in plain if t.startswith("Dear ")) == pytest.approx(12 * PT)
    assert min(size for _, size in plain) < 18 * PT


def test_large_for_everyone_when_asked(sent):
    letters = letter_words(notice.letters_document(sent, post_deliveries(sent), large=True))
    assert len(letters) == 3
    for words in letters.values():
        assert min(size for _, size in words) >= 18 * PT


def test_easy_read_letter_starts_with_the_easy_read_version(sent, people):
    delivery = NoticeDelivery.objects.get(meeting=sent, member=people["post"])
    NoticeDelivery.objects.filter(pk=delivery.pk).update(easy_read=True)
    delivery.refresh_from_db()
    text = joined(letter_pages(notice.letters_document(sent, [delivery]))[0])
    assert text.index("In easy read") < text.index("Business of the meeting")
    assert "Can you not come?" in text


def test_no_proxy_form_when_the_rules_allow_no_proxies(society, sent):
    society.proxies_allowed = False
    society.save(update_fields=["proxies_allowed"])
    sent.refresh_from_db()
    context = notice.notice_context(sent)
    assert not context["proxies_allowed"] and context["proxy_deadline"] is None
    document = notice.letters_document(sent, post_deliveries(sent)[:1])
    text = " ".join(joined(w) for w in letter_pages(document))
    assert "Proxy form" not in text and "appoint a proxy" not in text
    assert RESOLUTION in text


def test_withdrawn_items_are_left_off_the_notice(agm, secretary):
    item = services.add_item(agm, by=secretary, title="Buy a minibus")
    services.withdraw_item(item, by=secretary)
    titles = [i.title for i in notice.notice_context(agm)["items"]]
    assert "Buy a minibus" not in titles
    assert titles[:2] == ["Apologies for absence", "Declarations of interest"]
    assert titles[-1] == "Change the size of the board"


# --- clear days --------------------------------------------------------------------------------

def test_notice_refused_with_too_few_clear_days_naming_the_earliest_date(
        society, secretary, people, send):
    meeting = services.create_meeting(society, by=secretary, kind="agm",
                                      starts_at=at_seven(14), place="Community hall")
    with pytest.raises(services.MeetingError) as refused:
        send(meeting)
    # Some people get letters: posted today, they count as delivered in 48 hours.
    earliest = timezone.localdate() + timedelta(days=17)
    assert f"{earliest:%A %-d %B %Y}" in refused.value.message
    assert "11 clear days" in refused.value.message
    assert not NoticeDelivery.objects.filter(meeting=meeting).exists()
    assert mail.outbox == []


def test_notice_accepted_on_exactly_the_earliest_date(society, secretary, people, send):
    meeting = services.create_meeting(society, by=secretary, kind="agm",
                                      starts_at=at_seven(17), place="Community hall")
    assert send(meeting) == 5
    assert len(mail.outbox) == 2


# --- the requisition email ---------------------------------------------------------------------

def test_secretary_told_when_a_requisition_has_enough_support(
        society, secretary, people, django_capture_on_commit_callbacks):
    purpose = "To discuss the plan to close the Tuesday drop-in."
    with django_capture_on_commit_callbacks(execute=True):
        services.start_requisition(society, people["email"], purpose=purpose)
    (message,) = [m for m in mail.outbox if secretary.email in m.to]
    assert "requisitioned a general meeting" in message.subject
    assert purpose in message.body
    assert "Started by Emma Email" in message.body
    assert "must now call a general meeting" in message.body


def test_ordinary_resolution_at_midday_online_meeting_in_the_notice(society, secretary, people):
    day = timezone.localdate() + timedelta(days=30)
    meeting = services.create_meeting(
        society, by=secretary, kind="general", online_link="https://meet.example/coop",
        starts_at=timezone.make_aware(datetime.combine(day, time(12, 0))))
    services.add_item(meeting, by=secretary, title="Thank the volunteers",
                      description="That the meeting thanks the volunteers.",
                      resolution_kind="ordinary")
    context = notice.notice_context(meeting)
    assert context["time_text"] == "midday" and context["kind_lower"] == "general meeting"
    (item,) = context["resolutions"]
    assert item.resolution.kind_label == "ordinary resolution"
    assert item.resolution.needs == "more than half (50%) of the votes for and against"
    body = render_to_string("meetings/email/notice.txt",
                            {**context, "name": "Emma Email", "easy_read": False})
    assert "The meeting is online. Join it here: https://meet.example/coop" in body
    assert "Where:" not in body


@pytest.mark.parametrize(("hour", "minute", "said"), [
    (19, 0, "7pm"), (19, 30, "7:30pm"), (9, 5, "9:05am"), (12, 0, "midday"),
    (12, 30, "12:30pm"), (0, 0, "midnight")])
def test_times_are_written_the_plain_english_way(hour, minute, said):
    assert notice.time_text(datetime(2026, 5, 1, hour, minute)) == said
