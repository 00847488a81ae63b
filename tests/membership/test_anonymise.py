"""After a member is anonymised, no page, export or API response shows their name, and the audit
chain still verifies. Pages are found by following every link from the society's pages, as
an officer and as another member would."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from coop import audit
from meetings.models import Attendance, Meeting, Proxy
from membership import services
from membership.interests import services as interests
from membership.models import Application, Member, RegisterChange
from membership.privacy.anonymise import anonymise_member
from tests.factories import MemberFactory, UserFactory, join

NAME, EMAIL = "Zebedee Quillfeather", "zebedee@quill.example"
TRACES = ["Quillfeather", "zebedee@", "Bramble Cottage", "07700 900777"]
LINK = re.compile(r'href="(/(?:s|api)/[^"#]*)"')
SKIP = ("logout", "format=pdf", "/pdf", "certificate", "/api/docs", "/api/schema")


@pytest.fixture
def zebedee(society, secretary):
    """A member who joined, changed details, declared an interest, came to a meeting and
    held a proxy; then resigned."""
    user = UserFactory(email=EMAIL, display_name=NAME)
    member = join(society, by=secretary, user=user, full_name=NAME, email=EMAIL,
                  address="Bramble Cottage", phone="07700 900777")
    services.update_member_details(member, by=secretary, address="Bramble Cottage, Lane End")
    topic = society.interest_topics.first()
    interests.declare(society, user, by=user, topics=[topic], interest_type="financial",
                      description="Works for a care agency")
    meeting = Meeting.objects.create(society=society, kind="agm", title="AGM 2025",
                                     starts_at=timezone.now() - timedelta(days=40),
                                     place="The hall", created_by=secretary)
    Attendance.objects.create(meeting=meeting, member=member, marked_by=secretary)
    Proxy.objects.create(meeting=meeting, appointer=MemberFactory(society=society),
                         holder=member)
    services.cease_membership(member, by=user, reason="resigned")
    return Member.objects.get(pk=member.pk)


def _texts(response) -> str:
    content = response.content
    if content[:2] == b"PK":  # XLSX: the text is inside the zip
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return " ".join(book.read(n).decode(errors="ignore") for n in book.namelist())
    return content.decode(errors="ignore")


def crawl(client, start: list[str], limit: int = 200) -> dict[str, str]:
    """GET every page reachable by links from `start` within the society and the API."""
    seen, queue, pages = set(), list(start), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or any(s in url for s in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = _texts(response)
        pages[url] = text
        if response.get("Content-Type", "").startswith("text/html"):
            queue += [u.replace("&amp;", "&") for u in LINK.findall(text)]
    return pages


def api_urls(society, meeting) -> list[str]:
    base = f"/api/v1/societies/{society.slug}"
    return [f"{base}/members/", f"{base}/members/?status=former", f"{base}/interests/",
            f"{base}/applications/", f"{base}/applications/?state=approved",
            f"{base}/applications/?state=admitted", f"{base}/payments/", f"{base}/meetings/",
            f"{base}/meetings/{meeting.pk}/", f"{base}/meetings/{meeting.pk}/attendance/",
            f"{base}/meetings/{meeting.pk}/proxies/holders/", f"{base}/ballots/"]


def assert_no_traces(pages: dict[str, str]):
    for url, text in pages.items():
        for trace in TRACES:
            assert trace not in text, f"{trace!r} is still on {url}"


def test_before_anonymising_the_crawl_finds_the_name(client, society, secretary, zebedee):
    """The crawl reaches the pages that show the name (so its silence later means something)."""
    client.force_login(secretary)

    pages = crawl(client, [f"/s/{society.slug}/officers/", f"/s/{society.slug}/"])

    found = [url for url, text in pages.items() if "Quillfeather" in text]
    assert any("/register/" in u for u in found)
    assert any("/audit/" in u for u in found)
    assert any("/interests/" in u for u in found)


def test_after_anonymising_no_officer_page_export_or_api_shows_the_name(
        client, society, secretary, zebedee):
    anonymise_member(zebedee)
    client.force_login(secretary)
    meeting = Meeting.objects.get(title="AGM 2025")

    pages = crawl(client, [f"/s/{society.slug}/officers/", f"/s/{society.slug}/",
                           f"/s/{society.slug}/officers/register/?status=former",
                           f"/s/{society.slug}/officers/register/export.csv?status=former",
                           f"/s/{society.slug}/officers/register/export.xlsx?status=former",
                           f"/s/{society.slug}/officers/meetings/{meeting.pk}/attendance/"]
                  + api_urls(society, meeting))

    assert len(pages) > 30
    assert_no_traces(pages)
    assert audit.verify() is None
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


def test_after_anonymising_no_member_page_shows_the_name(client, society, zebedee):
    other = MemberFactory(society=society)
    anonymise_member(zebedee)
    client.force_login(other.user)

    pages = crawl(client, [f"/s/{society.slug}/", f"/s/{society.slug}/register/inspection/",
                           f"/s/{society.slug}/register/inspection/?format=csv"])

    assert len(pages) > 5
    assert_no_traces(pages)


def test_anonymising_keeps_what_the_accounts_need(society, zebedee):
    anonymise_member(zebedee)

    member = Member.objects.get(pk=zebedee.pk)
    assert str(member) == f"Former member (no. {zebedee.membership_number})"
    assert member.ceased_on == timezone.localdate()
    assert member.payments.count() == 1 and member.share_transactions.count() == 2
    assert not RegisterChange.objects.filter(member=member).exclude(
        old_value="", new_value="").exists()
    application = Application.objects.get(user=member.user, society=society)
    assert application.full_name == member.full_name and application.address == ""
    member.user.refresh_from_db()
    assert not member.user.is_active and NAME not in str(member.user)
