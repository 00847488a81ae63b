"""Small things members notice (accessibility issue, section 4): scroll regions that keyboards can
reach, allauth's pages in the house style, page titles that tell pages apart, the API docs page's
landmarks, one way of writing times, one clear error for a malformed email, field names written
as words, and a receipt code that can be saved."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, text
from voting import services as voting_services

ROOT = Path(settings.BASE_DIR)
TEMPLATES = [p for p in ROOT.rglob("*.html")
             if ".venv" not in p.parts and "node_modules" not in p.parts]


def title(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return unescape(" ".join(found.group(1).split())) if found else ""


@pytest.fixture
def client_for():
    def make(user=None):
        client = PageCheckingClient()
        if user:
            client.force_login(user)
        return client

    return make


# --- scroll regions -----------------------------------------------------------------------------

def test_every_table_scroll_region_is_focusable_and_named():
    """A table wider than a phone scrolls inside .table-wrap; keyboard users can only scroll it
    if it takes focus, and a screen reader says what it is from its name."""
    bad = []
    for path in TEMPLATES:
        for tag in re.findall(r'<div class="table-wrap"[^>]*>', path.read_text()):
            if not ('tabindex="0"' in tag and 'role="region"' in tag
                    and re.search(r'aria-label(ledby)?="[^"]+"', tag)):
                bad.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not bad, "scroll regions without focus or name:\n" + "\n".join(bad)
    assert len(TEMPLATES) > 50  # the search found the templates


def test_register_table_region_is_named_after_its_caption(client_for, society, secretary):
    MemberFactory(society=society)
    page = client_for(secretary).get(reverse("register", args=[society.slug])).content.decode()
    region = re.search(r'<div class="table-wrap" role="region" tabindex="0" aria-label="([^"]+)">'
                       r'\s*<table[^>]*>\s*<caption[^>]*>([^<]+)</caption>', page)
    assert region and region.group(1) == region.group(2).strip()


# --- allauth ------------------------------------------------------------------------------------

def test_sign_up_page_is_in_the_house_style(client_for, db):
    page = client_for().get("/accounts/signup/")
    html = page.content.decode()
    assert title(page) == "Create an account – coop"
    assert "<h1>Create an account</h1>" in html
    assert "placeholder=" not in html
    assert 'aria-describedby="id_email_hint"' in html and 'id="id_email_hint"' in html


def test_sign_up_errors_say_error_in_the_title_and_link_to_the_field(client_for, db):
    page = client_for().post("/accounts/signup/", {"email": "not an address", "password1": ""})
    assert page.status_code == 200
    assert title(page).startswith("Error: Create an account")
    assert 'href="#id_email"' in page.content.decode()


@pytest.fixture
def with_password(user):
    user.set_password("a long pass phrase 2026")
    user.save()
    return user


def test_change_password_page_has_no_placeholders_or_broken_references(client_for,
                                                                      with_password):
    # PageCheckingClient fails on any aria-describedby pointing at a missing id.
    page = client_for(with_password).get("/accounts/password/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert title(page) == "Change password – coop"
    assert "placeholder=" not in html
    assert "_helptext" not in html
    assert re.search(r"<h1>\s*Change password\s*</h1>", html)


def test_change_password_error_is_linked_and_titled(client_for, with_password):
    page = client_for(with_password).post("/accounts/password/change/", {
        "oldpassword": "wrong", "password1": "x", "password2": "y"})
    html = page.content.decode()
    assert title(page).startswith("Error: Change password")
    assert 'aria-invalid="true"' in html and 'id="id_oldpassword_error"' in html


def test_reauthenticate_page_is_in_sentence_case(client_for, with_password):
    page = client_for(with_password).get("/accounts/reauthenticate/")
    assert title(page) == "Confirm access – coop"
    assert "placeholder=" not in page.content.decode()


def test_two_step_page_is_in_sentence_case(client_for, with_password):
    page = client_for(with_password).get("/accounts/2fa/")
    assert title(page) == "Two-factor authentication – coop"


# --- titles -------------------------------------------------------------------------------------

def test_society_page_names_the_society_once(client_for, society):
    page = client_for().get(reverse("society", args=[society.slug]))
    assert title(page) == f"About the co-op – {society.name} – coop"


@pytest.fixture
def voter(society):
    return MemberFactory(society=society)


@pytest.fixture
def two_ballots(society, secretary, voter):
    """Two open ballots with `voter` on their rolls."""
    from datetime import timedelta

    from django.utils import timezone
    made = []
    for name in ["Buy a minibus", "Change the rules"]:
        ballot = voting_services.create_ballot(society, by=secretary, title=name,
                                               summary="Why.", kind="resolution")
        made.append(voting_services.open_ballot(ballot, by=secretary,
                                                closes_at=timezone.now() + timedelta(days=7)))
    return made


def test_each_ballots_pages_have_their_own_titles(client_for, society, voter, two_ballots):
    client = client_for(voter.user)
    titles = []
    for ballot in two_ballots:
        for_ = ballot.options.get(label="For")
        titles.append(title(client.get(reverse("ballot_detail", args=[society.slug, ballot.pk]))))
        titles.append(title(client.post(reverse("ballot_vote", args=[society.slug, ballot.pk]),
                                        {"choice": for_.pk})))
        titles.append(title(client.get(reverse("receipt_check", args=[society.slug, ballot.pk]))))
    assert len(set(titles)) == len(titles), titles
    assert "Check your answer: Buy a minibus – " in titles[1]


def test_meeting_and_its_manage_page_have_different_titles(client_for, society, secretary):
    from datetime import timedelta

    from django.utils import timezone

    from meetings import services as meeting_services
    meeting = meeting_services.create_meeting(
        society, by=secretary, kind="agm", starts_at=timezone.now() + timedelta(days=30),
        place="Community Hall")
    client = client_for(secretary)
    member_page = title(client.get(reverse("meeting_detail", args=[society.slug, meeting.pk])))
    manage_page = title(client.get(reverse("meeting_manage", args=[society.slug, meeting.pk])))
    assert member_page != manage_page and meeting.title in manage_page


# --- API docs -----------------------------------------------------------------------------------

def test_api_docs_page_has_a_language_a_main_landmark_and_a_heading(client_for, member):
    html = client_for(member.user).get("/api/docs/").content.decode()
    assert re.search(r'<html lang="en-GB">', html)
    assert '<main id="main">' in html
    assert re.search(r"<h1[^>]*>coop API documentation</h1>", html)


# --- times --------------------------------------------------------------------------------------

def test_times_are_written_one_way_in_every_template():
    """'7:44 p.m.' everywhere: no template writes a 24-hour clock ('18:44')."""
    bad = [f"{p.relative_to(ROOT)}: {m}" for p in TEMPLATES
           for m in re.findall(r'date:"[^"]*[HG]:i[^"]*"', p.read_text())]
    assert not bad, "\n".join(bad)


def test_ballot_page_gives_the_closing_time_in_the_house_format(client_for, society, voter,
                                                                two_ballots):
    page = text(client_for(voter.user).get(
        reverse("ballot_detail", args=[society.slug, two_ballots[0].pk])))
    assert re.search(r"Voting closes \d{1,2}:\d\d [ap]\.m\. on", page), page[:600]


# --- errors and words ---------------------------------------------------------------------------

def test_a_malformed_email_gives_one_error(client_for, society, user):
    users_class = society.member_classes.order_by("position").first()
    page = client_for(user).post(reverse("apply", args=[society.slug]), {
        "member_class": users_class.pk, "full_name": "Ann Example", "address": "1 Mill Lane",
        "postcode": "S1 2AB", "email": "ann@", "preferences": ["contact_by_email"]})
    errors = re.findall(r'id="id_email_error">(.*?)</p>', page.content.decode(), re.S)
    assert len(errors) == 1
    assert "like name@example.com" in errors[0] and "untick" not in errors[0]


def test_history_names_fields_in_words(client_for, society, secretary):
    from membership import services as membership_services
    member = MemberFactory(society=society, large_print=False)
    membership_services.update_member_details(member, by=secretary, large_print=True)
    page = text(client_for(secretary).get(reverse("member_detail",
                                                  args=[society.slug, member.membership_number])))
    assert "Large print" in page and "Largeprint" not in page
