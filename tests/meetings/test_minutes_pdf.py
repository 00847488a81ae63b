"""The minutes as a PDF: the society and meeting, the text line for line, DRAFT on every page
until approved, then when and at which meeting they were approved."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from weasyprint.formatting_structure import boxes

from meetings import minutes as minutes_service
from meetings import notice, services
from meetings.models import Meeting
from tests.factories import MemberFactory


def at_seven(days_ahead: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    return timezone.make_aware(datetime.combine(day, time(19, 0)))


def hold(meeting, by):
    """Send notice, then run the meeting now and end it."""
    services.send_notice(meeting, by=by)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    meeting.refresh_from_db()
    return services.start_meeting(meeting, by=by)


@pytest.fixture
def drafted(society, secretary):
    for name in ("Ann Able", "Bo Brown", "Cy Clay"):
        MemberFactory(society=society, full_name=name)
    meeting = services.create_meeting(society, by=secretary, kind="agm", starts_at=at_seven(20),
                                      title="AGM 2026", place="Community hall")
    hold(meeting, secretary)
    services.end_meeting(meeting, by=secretary)
    minutes = minutes_service.draft_minutes(meeting, by=secretary)
    return minutes_service.edit_minutes(
        minutes, by=secretary,
        text=minutes.text + "\nAny other business\nThanks to Bo Brown for the cakes.\n")


def page_lines(document) -> list[list[str]]:
    """Each page's laid-out lines of text, including its margin boxes (header, footer)."""
    pages = []
    for page in document.pages:
        pages.append([])
        for box in page._page_box.descendants():
            if isinstance(box, boxes.LineBox):
                text = "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox))
                pages[-1].append(re.sub(r"\s+", " ", text).strip())
    return pages


def lines(document) -> list[str]:
    return [line for page in page_lines(document) for line in page]


def test_draft_minutes_pdf_marked_draft_with_the_text_line_for_line(drafted):
    pdf = notice.minutes_pdf(drafted)
    assert pdf.startswith(b"%PDF-")
    got = lines(notice.minutes_document(drafted))
    text = " ".join(got)
    assert "Mutual Support" in got
    assert "Minutes: AGM 2026" in got
    assert any(line.startswith("DRAFT: these minutes have not been approved") for line in got)
    assert "Approved at" not in text
    # Line breaks are kept: headings and one-line entries stay on lines of their own.
    for line in ("Attendance and quorum", "Apologies", "Any other business",
                 "Thanks to Bo Brown for the cakes."):
        assert line in got, line
    assert "Minutes of the annual general meeting of Mutual Support" in got


def test_draft_is_marked_on_every_page(drafted, secretary):
    long_text = "\n".join(f"Point {n}: the meeting discussed item {n}." for n in range(120))
    drafted = minutes_service.edit_minutes(drafted, by=secretary, text=long_text)
    document = notice.minutes_document(drafted)
    pages = page_lines(document)
    assert len(pages) > 1
    for page in pages:
        assert "DRAFT: not approved" in page
    assert "Point 119: the meeting discussed item 119." in pages[-1]


def test_approved_minutes_say_where_and_when_they_were_approved(drafted, society, secretary):
    later = services.create_meeting(society, by=secretary, kind="general",
                                    starts_at=at_seven(25), title="General meeting in spring",
                                    place="Community hall")
    hold(later, secretary)
    approved = minutes_service.approve_minutes(drafted, at_meeting=later, by=secretary)
    later.refresh_from_db()
    got = lines(notice.minutes_document(approved))
    text = " ".join(got)
    approved_on = notice.date_text(notice.local(later.starts_at).date())
    assert f"Approved at General meeting in spring on {approved_on}." in text
    assert "DRAFT" not in text
    assert "Thanks to Bo Brown for the cakes." in got
    assert notice.minutes_pdf(approved).startswith(b"%PDF-")
