"""Easy read on the pages members find hardest (issue 18 §3): results, election and choice
ballots, the meeting notice, the proxy form and the joining form. A member who chose easy read
sees the easy-read version first, anyone can switch with a plain link, and results in easy read
say the outcome first in one sentence."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.coop.easy_read_pages import PAGES, build_pages, members, open_ballot, pk_of, published
from tests.factories import UserFactory
from tests.pages import PageCheckingClient, text
from voting import services as voting

EASY = 'id="easy-read-heading"'


def client_for(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


@pytest.fixture
def pages(society, secretary, officer_for):
    return build_pages(society, secretary, officer_for("scrutineer"))


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


def _reader(society, name, easy_read):
    """Someone to read the page: a member, or for the joining form someone not yet a member
    (who has no stored preference, so only the switch can give them easy read)."""
    if name == "joining form":
        return UserFactory()
    return members(society, easy_read=easy_read)[0].user


@pytest.mark.parametrize("name", [p for p in PAGES if p != "joining form"])
def test_member_who_chose_easy_read_sees_it_first_and_can_switch(pages, society, name):
    client = client_for(_reader(society, name, easy_read=True))
    first = client.get(pages[name]).content.decode()
    assert EASY in first
    assert re.search(r'<a href="[^"]*\?view=standard"[^>]*>Standard version</a>', first)
    standard = client.get(pages[name] + "?view=standard").content.decode()
    assert EASY not in standard and ">Easy read</a>" in standard
    # The choice lasts for the visit: the next page opens in the standard version too.
    assert EASY not in client.get(pages[name]).content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_everyone_else_sees_the_standard_version_first_and_can_switch(pages, society, name):
    client = client_for(_reader(society, name, easy_read=False))
    first = client.get(pages[name]).content.decode()
    assert EASY not in first
    assert re.search(r'<a href="[^"]*\?view=easy"[^>]*>Easy read</a>', first)
    easy = client.get(pages[name] + "?view=easy").content.decode()
    assert EASY in easy and ">Standard version</a>" in easy


def _easy_section(response) -> str:
    """The words of the easy-read version on a page."""
    html = response.content.decode()
    start = html.rindex("<section", 0, html.index(EASY))
    return text(type(response)(html[start:html.index("</section>", start)]))


def test_results_in_easy_read_start_with_the_outcome(pages, society):
    client = client_for(members(society, easy_read=True)[0].user)
    words = _easy_section(client.get(pages["results"]))
    assert words.startswith("The result in easy read Most people voted YES. "
                            "The change will happen. 3 people voted.")
    assert "weighted votes for and against were for" not in words


def test_choice_and_election_results_in_easy_read(society, secretary, scrutineer):
    voters = members(society, 3, easy_read=True)
    choice = open_ballot(society, secretary, "choice", options=["Minibus", "Garden"])
    election = open_ballot(society, secretary, "ranked", options=["Ann", "Bob", "Cat"], seats=2)
    for member, pick, ranks in zip(voters, ["Minibus", "Minibus", "Garden"],
                                   [("Ann", "Cat"), ("Cat", "Ann"), ("Ann", "Bob")], strict=True):
        voting.cast_vote(choice, member, {pk_of(choice, pick): 1})
        voting.cast_vote(election, member, {pk_of(election, n): i + 1 for i, n in enumerate(ranks)})
    client = client_for(voters[0].user)
    for ballot, outcome in [(choice, "Most votes went to Minibus."),
                            (election, "These people were elected: Ann and Cat.")]:
        published(ballot, secretary, scrutineer)
        response = client.get(reverse("ballot_results", args=[society.slug, ballot.pk]))
        assert _easy_section(response).startswith(f"The result in easy read {outcome}")


def test_a_resolution_that_fails_says_so_first(society, secretary, scrutineer):
    voters = members(society, 6, easy_read=True)
    ballot = open_ballot(society, secretary, "resolution")
    for member, how in zip(voters, ["Against"] * 4 + ["For"] * 2, strict=True):
        voting.cast_vote(ballot, member, {pk_of(ballot, how): 1})
    published(ballot, secretary, scrutineer)
    response = client_for(voters[0].user).get(
        reverse("ballot_results", args=[society.slug, ballot.pk]))
    assert _easy_section(response).startswith(
        "The result in easy read Most people voted NO. The change will not happen.")


def test_easy_read_says_no_more_than_the_outcome_when_a_small_groups_votes_are_hidden(
        society, secretary, scrutineer):
    voters = members(society, 3, easy_read=True)  # fewer than 5 voted in the class
    ballot = open_ballot(society, secretary, "resolution")
    for member, how in zip(voters, ["Against", "Against", "For"], strict=True):
        voting.cast_vote(ballot, member, {pk_of(ballot, how): 1})
    published(ballot, secretary, scrutineer)
    easy = _easy_section(client_for(voters[0].user).get(
        reverse("ballot_results", args=[society.slug, ballot.pk])))
    assert easy.startswith("The result in easy read The change will not happen.")
    assert "Some numbers are not shown" in easy and "NO" not in easy


def test_easy_read_pages_explain_in_plain_words(pages, society):
    client = client_for(members(society, easy_read=True)[0].user)
    election = _easy_section(client.get(pages["election"]))
    assert "Put the number 1 next to the person you like best." in election
    notice = _easy_section(client.get(pages["meeting notice"]))
    assert "Community hall, 1 Mill Lane" in notice
    assert "You can ask someone to vote for you." in notice
    assert "3 out of every 4 votes must say YES" in notice
    proxy = _easy_section(client.get(pages["proxy form"]))
    assert "A proxy is someone who goes to the meeting and votes for you." in proxy
    joining = _easy_section(client_for(UserFactory()).get(pages["joining form"] + "?view=easy"))
    assert "It costs £1" in joining and "You can vote on what the co-op does." in joining


def test_standard_pages_explain_hard_words_on_first_use(pages, society):
    client = client_for(members(society)[0].user)
    notice = text(client.get(pages["meeting notice"]))
    assert "A special resolution (a big decision, such as changing the rules, that needs more " \
           "members to agree)" in notice
    results = text(client.get(pages["results"]))
    assert "“Weighted” means some votes count for more than others" in results
    assert results.index("weighted votes for and against") < results.index("“Weighted” means")
    proxy = text(client.get(pages["proxy form"]))
    assert "Your proxy attends the meeting and votes for you." in proxy


def test_every_picture_used_is_shipped_with_its_licence():
    """Each easy-read picture named in a template is a file, and the licence covers the set."""
    root = Path(settings.BASE_DIR)
    folder = root / "static" / "coop" / "easyread"
    named = set()
    for template in root.glob("*/templates/**/*.html"):
        named |= set(re.findall(r'picture="(\w+)"', template.read_text()))
    named |= {p for p in re.findall(r'Point\("(\w+)"', (root / "voting" / "easy_read.py")
                                    .read_text())}
    assert named and all((folder / f"{name}.svg").is_file() for name in named), named
    licence = (folder / "LICENSE.md").read_text()
    assert "CC0 1.0" in licence and "creativecommons.org/publicdomain/zero/1.0/" in licence
    assert all(f"`{name}.svg`" in licence for name in named)
