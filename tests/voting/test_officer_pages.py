"""The board's and the scrutineer's ballot pages through the Django test client: who may see
and do what, drafting each kind of ballot through the form, opening now or later, closing early,
certifying and publishing, the post list, and the audit entries each step leaves.

The client is tests.pages.PageCheckingClient: every page is also checked for a Content Security
Policy without 'unsafe-inline', no inline script or style, and no broken aria-describedby."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, assert_field_error, text
from voting import services
from voting.enums import BallotState
from voting.models import Ballot, BallotPaper

FMT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def client():
    return PageCheckingClient()


@pytest.fixture
def signed_in(client):
    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture
def trustee(officer_for):
    return officer_for("trustee")


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


@pytest.fixture
def draft(society, secretary):
    return services.create_ballot(society, by=secretary, title="Change the rules",
                                  summary="We want to change rule 12.")


@pytest.fixture
def voters(society, classes, make_members):
    users, carers, pas = classes
    return (make_members(users, 3) + make_members(carers, 2) + make_members(pas, 1)
            + make_members(carers, 1, full_name="Pat Postwell", contact_by_post=True,
                           address="1 Letter Lane\nLeeds", postcode="LS1 1AA"))


@pytest.fixture
def live(open_ballot, voters):
    return open_ballot(kind="choice", options=["Garden", "Minibus"], title="Spend the surplus")


def url(name, society, *args):
    return reverse(name, args=[society.slug, *args])


def later(**delta) -> str:
    return (timezone.localtime() + timedelta(**delta)).strftime(FMT)


def actions(ballot) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="voting.Ballot", object_id=str(ballot.pk))
                .values_list("action", flat=True))


def ballot_data(society, **changes) -> dict:
    """A valid new-ballot form: a choice with two options, the society's weights."""
    data = {
        "title": "Where should we meet?", "summary": "Pick where general meetings happen.",
        "easy_read_summary": "", "kind": "choice", "weighting": "class_share",
        "resolution_kind": "ordinary", "threshold_percent": "", "seats": "1",
        "only_class": "", "empty_class_policy": "rescale", "breakdown_minimum": "5",
        "record_date": "", "closes_at": "", "conflict_policy": "declare",
        "options-TOTAL_FORMS": "6", "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "1000",
        "options-0-label": "Library", "options-0-description": "Step-free, near the bus",
        "options-1-label": "Town hall", "options-1-description": "",
    }
    for cls in society.member_classes.filter(votes=True):
        data[f"weights-{cls.pk}-weight"] = str(cls.weight)
        data[f"weights-{cls.pk}-votes_per_member"] = "1"
    return {**data, **changes}


# --- who may do what ---------------------------------------------------------------------------

BOARD = {"secretary", "trustee"}
SCRUTINEER = {"scrutineer"}
ROLES = ["anonymous", "member", "secretary", "trustee", "treasurer", "scrutineer",
         "other_officer"]
# url name, the ballot it acts on, who may use it, status for GET and for POST (empty form)
# when allowed. Anonymous visitors are sent to sign in; anyone else not allowed gets 403.
PAGES = [
    ("ballot_new", None, BOARD, 200, 200),
    ("ballot_edit", "draft", BOARD, 200, 200),
    ("ballot_manage", "draft", BOARD | SCRUTINEER, 200, 405),
    ("ballot_manage", "live", BOARD | SCRUTINEER, 200, 405),
    ("ballot_open", "draft", BOARD, 405, 200),
    ("ballot_schedule", "draft", BOARD, 405, 200),
    ("ballot_close", "live", BOARD, 405, 200),
    ("ballot_publish", "live", BOARD, 405, 200),
    ("ballot_post_list", "live", BOARD, 200, 200),
    ("ballot_papers_pdf", "live", BOARD, 200, 405),
    ("ballot_paper_entry", "live", SCRUTINEER, 200, 200),
    ("ballot_certify", "live", SCRUTINEER, 405, 200),
]


@pytest.fixture
def role_users(society, other_society, officer_for):
    users = {role: officer_for(role) for role in ("secretary", "trustee", "treasurer",
                                                  "scrutineer")}
    users["member"] = MemberFactory(society=society).user
    users["other_officer"] = officer_for("secretary", other_society)
    return users


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "which", "allowed", "get_status", "post_status"), PAGES)
def test_permission_table(request, society, role_users, method, name, which, allowed,
                          get_status, post_status):
    args = [request.getfixturevalue(which).pk] if which else []
    path = url(name, society, *args)
    wrong = []
    for role in ROLES:
        client = PageCheckingClient()
        if role != "anonymous":
            client.force_login(role_users[role])
        response = getattr(client, method)(path)
        if role == "anonymous":
            expected = 302
        elif role in allowed:
            expected = get_status if method == "get" else post_status
        else:
            expected = 403
        if response.status_code != expected:
            wrong.append(f"{role}: {response.status_code}, expected {expected}")
    assert not wrong, f"{method.upper()} {name}: " + "; ".join(wrong)


def test_ballot_of_another_society_not_found(signed_in, society, other_society, officer_for):
    theirs = services.create_ballot(other_society, by=officer_for("secretary", other_society),
                                    title="Theirs", summary="Not yours.")
    client = signed_in(officer_for("secretary"))

    assert client.get(url("ballot_manage", society, theirs.pk)).status_code == 404
    assert client.post(url("ballot_open", society, theirs.pk),
                       {"open-closes_at": later(days=3)}).status_code == 404
    assert Ballot.objects.get(pk=theirs.pk).opened_at is None


# --- drafting ----------------------------------------------------------------------------------

def test_new_ballot_form_prefills_the_society_weights(signed_in, society, secretary, classes):
    response = signed_in(secretary).get(url("ballot_new", society))
    page = response.content.decode()
    users = classes[0]

    assert response.status_code == 200
    assert f'name="weights-{users.pk}-weight" value="50"' in page
    assert "Option 6: name" in page  # spare rows for people without JavaScript
    assert ">No: every voting class</option>" in page
    assert "A resolution gets For, Against and Abstain by itself" in text(response)


@pytest.mark.parametrize(("kind", "extra", "labels"), [
    ("resolution", {}, ["For", "Against", "Abstain"]),
    ("choice", {}, ["Library", "Town hall"]),
    ("approval", {"options-2-label": "Online"}, ["Library", "Town hall", "Online"]),
    ("allocation", {}, ["Library", "Town hall"]),
    ("ranked", {"weighting": "one_member", "seats": "2", "options-2-label": "Zoe Kaur"},
     ["Library", "Town hall", "Zoe Kaur"]),
])
def test_draft_each_kind_through_the_form(signed_in, society, secretary, kind, extra, labels):
    response = signed_in(secretary).post(url("ballot_new", society),
                                         ballot_data(society, kind=kind, **extra))

    ballot = Ballot.objects.get()
    assert response.status_code == 302
    assert response.url == url("ballot_manage", society, ballot.pk)
    assert ballot.kind == kind and ballot.state == BallotState.DRAFT
    assert [o.label for o in ballot.options.all()] == labels
    assert ballot.created_by == secretary
    if kind == "ranked":
        assert ballot.seats == 2 and ballot.weighting == "one_member"
    if kind == "choice":
        assert ballot.options.get(label="Library").description == "Step-free, near the bus"


def test_special_resolution_takes_the_society_threshold(signed_in, society, secretary):
    signed_in(secretary).post(url("ballot_new", society), ballot_data(
        society, kind="resolution", resolution_kind="special"))

    assert Ballot.objects.get().threshold_percent == society.special_resolution_percent


def test_custom_resolution_needs_a_threshold(signed_in, society, secretary):
    response = signed_in(secretary).post(url("ballot_new", society), ballot_data(
        society, kind="resolution", resolution_kind="custom"))

    assert_field_error(response, "threshold_percent",
                       "Enter the threshold for a custom resolution.")
    assert not Ballot.objects.exists()


def test_weights_that_are_not_whole_parts_refused_and_nothing_saved(signed_in, society,
                                                                    secretary, classes):
    users = classes[0]
    response = signed_in(secretary).post(url("ballot_new", society), ballot_data(
        society, **{f"weights-{users.pk}-weight": "33.3"}))

    assert response.status_code == 200
    assert_field_error(response, f"weights-{users.pk}-weight",
                       "Enter the weight as a whole number of parts, like 1 or 2.")
    assert not Ballot.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="voting.").exists()


def test_changed_weights_are_saved_with_the_draft(signed_in, society, secretary, classes):
    users, carers, pas = classes
    signed_in(secretary).post(url("ballot_new", society), ballot_data(society, **{
        f"weights-{users.pk}-weight": "40", f"weights-{carers.pk}-weight": "30",
        f"weights-{pas.pk}-weight": "30", f"weights-{pas.pk}-votes_per_member": "2"}))

    ballot = Ballot.objects.get()
    weights = {w.member_class: (w.weight, w.votes_per_member)
               for w in ballot.class_weights.all()}
    assert weights == {users: (40, 1), carers: (30, 1), pas: (30, 2)}
    assert actions(ballot) == ["voting.ballot.drafted", "voting.ballot.weights_set"]


def test_two_options_with_one_name_refused(signed_in, society, secretary):
    response = signed_in(secretary).post(url("ballot_new", society), ballot_data(
        society, **{"options-1-label": "library"}))

    assert_field_error(response, "options-0-label", "Two options cannot have the same name.")
    assert not Ballot.objects.exists()


def test_election_weighed_by_class_refused(signed_in, society, secretary):
    response = signed_in(secretary).post(url("ballot_new", society), ballot_data(
        society, kind="ranked"))

    assert_field_error(response, "weighting", "An election counts one member, one vote.")


def test_empty_form_shows_errors_next_to_fields(signed_in, society, secretary):
    response = signed_in(secretary).post(url("ballot_new", society), ballot_data(
        society, title="", summary=""))

    assert_field_error(response, "title", "Enter a title.")
    assert_field_error(response, "summary", "Enter a plain-English summary")
    assert "<title>Error: New ballot" in response.content.decode()


def test_edit_draft_changes_title_and_options(signed_in, society, secretary):
    client = signed_in(secretary)
    client.post(url("ballot_new", society), ballot_data(society))
    ballot = Ballot.objects.get()
    form = client.get(url("ballot_edit", society, ballot.pk)).content.decode()
    assert 'value="Library"' in form and 'value="Where should we meet?"' in form

    response = client.post(url("ballot_edit", society, ballot.pk), ballot_data(
        society, title="Where shall we meet?", **{
            "options-1-label": "Community centre", "options-2-label": "Online"}))

    ballot.refresh_from_db()
    assert response.status_code == 302
    assert ballot.title == "Where shall we meet?"
    assert [o.label for o in ballot.options.all()] == ["Library", "Community centre", "Online"]
    assert actions(ballot)[-1] == "voting.ballot.updated"


def test_edit_after_opening_refused_with_a_message(signed_in, society, secretary, live):
    response = signed_in(secretary).get(url("ballot_edit", society, live.pk), follow=True)

    assert "This ballot has opened, so it can no longer be changed." in text(response)
    assert response.redirect_chain[-1][0] == url("ballot_manage", society, live.pk)


# --- opening, scheduling, closing, certifying, publishing ------------------------------------

def test_open_now_freezes_the_roll(signed_in, society, secretary, draft, voters):
    response = signed_in(secretary).post(url("ballot_open", society, draft.pk),
                                         {"open-closes_at": later(days=7)}, follow=True)

    draft.refresh_from_db()
    assert draft.state == BallotState.OPEN
    assert draft.roll.count() == len(voters)
    page = text(response)
    assert f"The ballot is open. {len(voters)} members are on the roll" in page
    assert "Open for voting" in page
    assert actions(draft)[-1] == "voting.ballot.opened"


def test_open_with_a_closing_time_in_the_past_refused(signed_in, society, secretary, draft):
    response = signed_in(secretary).post(url("ballot_open", society, draft.pk),
                                         {"open-closes_at": later(hours=-1)})

    assert response.status_code == 200
    assert_field_error(response, "open-closes_at", "The closing time has already passed.")
    assert Ballot.objects.get(pk=draft.pk).opened_at is None


def test_open_without_options_says_why(signed_in, society, secretary):
    ballot = services.create_ballot(society, by=secretary, title="Pick", summary="Pick one.",
                                    kind="choice", options=["Only one"])

    response = signed_in(secretary).post(url("ballot_open", society, ballot.pk),
                                         {"open-closes_at": later(days=2)})

    assert "A ballot needs at least two options." in text(response)


def test_schedule_then_run_due_opens_it(signed_in, society, secretary, draft, voters):
    opens = timezone.localtime() + timedelta(days=1)
    response = signed_in(secretary).post(url("ballot_schedule", society, draft.pk), {
        "schedule-opens_at": opens.strftime(FMT), "schedule-closes_at": later(days=8)},
        follow=True)

    draft.refresh_from_db()
    assert draft.state == BallotState.SCHEDULED
    assert "The ballot will open by itself at the time you set." in text(response)

    services.run_due(now=opens + timedelta(minutes=1))

    draft.refresh_from_db()
    assert draft.state == BallotState.OPEN
    assert draft.roll.count() == len(voters)
    assert actions(draft)[-2:] == ["voting.ballot.scheduled", "voting.ballot.opened"]


def test_schedule_in_the_past_refused(signed_in, society, secretary, draft):
    response = signed_in(secretary).post(url("ballot_schedule", society, draft.pk), {
        "schedule-opens_at": later(hours=-2), "schedule-closes_at": later(days=3)})

    assert_field_error(response, "schedule-opens_at", "The opening time has passed.")


def test_close_early_needs_a_reason(signed_in, society, secretary, live):
    response = signed_in(secretary).post(url("ballot_close", society, live.pk),
                                         {"close-reason": "  "})

    assert_field_error(response, "close-reason", "Say why the ballot is closing early.")
    assert Ballot.objects.get(pk=live.pk).state == BallotState.OPEN


def test_close_early_with_a_reason(signed_in, society, secretary, live):
    response = signed_in(secretary).post(url("ballot_close", society, live.pk),
                                         {"close-reason": "The options were printed wrongly."},
                                         follow=True)

    live.refresh_from_db()
    assert live.state == BallotState.CLOSED
    assert live.close_reason == "The options were printed wrongly."
    page = text(response)
    assert "Closed early" in page and "The options were printed wrongly." in page
    entry = AuditEntry.objects.filter(action="voting.ballot.closed").last()
    assert entry.data == {"early": True, "reason": "The options were printed wrongly."}


def test_publish_before_certifying_refused(signed_in, society, secretary, live):
    services.close_ballot(live, by=secretary, reason="Testing")

    response = signed_in(secretary).post(url("ballot_publish", society, live.pk))

    assert "can be published only after the scrutineer has certified it" in text(response)
    assert Ballot.objects.get(pk=live.pk).published_at is None


def test_certify_then_publish(client, society, secretary, scrutineer, live):
    services.close_ballot(live, by=secretary, reason="Testing")
    client.force_login(scrutineer)
    page = text(client.get(url("ballot_manage", society, live.pk)))
    assert "Certify the result" in page and "Publish the result" not in page

    client.post(url("ballot_certify", society, live.pk), {"certify-note": "All in order."})
    client.force_login(secretary)
    page = text(client.get(url("ballot_manage", society, live.pk)))
    assert "Publish the result" in page and "All in order." in page
    response = client.post(url("ballot_publish", society, live.pk), follow=True)

    live.refresh_from_db()
    assert live.state == BallotState.PUBLISHED
    assert live.certified_by == scrutineer and live.published_by == secretary
    assert "The result is published." in text(response)


def test_certify_an_open_ballot_refused(signed_in, society, scrutineer, live):
    response = signed_in(scrutineer).post(url("ballot_certify", society, live.pk),
                                          {"certify-note": ""})

    assert "Only a closed ballot that has not been certified can be certified." in text(
        response)


def test_every_step_writes_an_audit_entry(client, society, secretary, scrutineer, classes,
                                          voters):
    users = classes[0]
    client.force_login(secretary)
    client.post(url("ballot_new", society), ballot_data(society, **{
        f"weights-{users.pk}-weight": "50"}))
    ballot = Ballot.objects.get()
    client.post(url("ballot_edit", society, ballot.pk), ballot_data(society, title="Renamed"))
    client.post(url("ballot_open", society, ballot.pk), {"open-closes_at": later(days=3)})
    client.post(url("ballot_post_list", society, ballot.pk),
                {"issue-membership_number": voters[0].membership_number})
    client.get(url("ballot_papers_pdf", society, ballot.pk))
    client.post(url("ballot_close", society, ballot.pk), {"close-reason": "Agreed at AGM"})
    client.force_login(scrutineer)
    client.post(url("ballot_certify", society, ballot.pk), {"certify-note": ""})
    client.force_login(secretary)
    client.post(url("ballot_publish", society, ballot.pk))

    assert actions(ballot) == [
        "voting.ballot.drafted", "voting.ballot.updated", "voting.ballot.opened",
        "voting.paper.issued", "voting.papers.printed", "voting.ballot.closed",
        "voting.ballot.certified", "voting.ballot.published"]
    actors = AuditEntry.objects.filter(object_type="voting.Ballot", object_id=str(ballot.pk)
                                       ).values_list("actor", flat=True)
    assert set(actors) == {secretary.pk, scrutineer.pk}


# --- the manage page ---------------------------------------------------------------------------

def test_manage_shows_turnout_by_class_and_papers(signed_in, society, secretary, live, voters):
    garden = live.options.get(label="Garden")
    services.cast_vote(live, voters[0], {garden.pk: 1})

    page = text(signed_in(secretary).get(url("ballot_manage", society, live.pk)))

    assert "Service user 3 1 33.3%" in page
    assert "Carer 3 0 0.0%" in page
    assert "Issued, not yet returned 1" in page
    assert "Members who get a paper ballot" in page
    assert "Close the ballot now" in page


def test_scrutineer_manage_page_names_no_member(signed_in, society, scrutineer, live, voters):
    response = signed_in(scrutineer).get(url("ballot_manage", society, live.pk))
    page = text(response)

    assert response.status_code == 200
    assert "Enter returned papers" in page
    assert "Close the ballot now" not in page and "Members who get a paper ballot" not in page
    for member in voters:
        assert member.full_name not in page
        assert member.postcode not in page


def test_manage_opens_a_scheduled_ballot_whose_time_has_come(signed_in, society, secretary,
                                                             draft, voters):
    services.schedule_ballot(draft, by=secretary,
                             opens_at=timezone.now() + timedelta(minutes=5),
                             closes_at=timezone.now() + timedelta(days=2))
    Ballot.objects.filter(pk=draft.pk).update(opens_at=timezone.now() - timedelta(minutes=1))

    page = text(signed_in(secretary).get(url("ballot_manage", society, draft.pk)))

    assert "Open for voting" in page
    assert "automatically, as scheduled" in page


# --- the post list -----------------------------------------------------------------------------

def test_post_list_shows_names_and_addresses(signed_in, society, secretary, live):
    page = text(signed_in(secretary).get(url("ballot_post_list", society, live.pk)))

    assert "Pat Postwell" in page and "1 Letter Lane Leeds" in page and "LS1 1AA" in page


def test_issue_a_paper_to_another_member_on_the_roll(signed_in, society, secretary, live,
                                                      voters):
    member = voters[0]
    response = signed_in(secretary).post(
        url("ballot_post_list", society, live.pk),
        {"issue-membership_number": member.membership_number}, follow=True)

    page = text(response)
    assert f"A paper ballot was issued to {member.full_name}" in page
    assert member.full_name in page.split("Members who get a paper ballot")[-1]
    assert BallotPaper.objects.filter(ballot=live).count() == 2
    assert f"?number={member.membership_number}" in response.content.decode()


def test_issue_a_paper_unknown_number(signed_in, society, secretary, live):
    response = signed_in(secretary).post(url("ballot_post_list", society, live.pk),
                                         {"issue-membership_number": "9999"})

    assert_field_error(response, "issue-membership_number",
                       "No member of this society has that number.")


def test_issue_a_paper_member_not_on_the_roll(signed_in, society, secretary, live):
    newcomer = MemberFactory(society=society, full_name="Nina New")

    response = signed_in(secretary).post(url("ballot_post_list", society, live.pk),
                                         {"issue-membership_number": newcomer.membership_number})

    assert_field_error(response, "issue-membership_number",
                       "Nina New is not on this ballot's roll.")


def test_draft_with_topics_and_conflict_policy(signed_in, society, secretary):
    from membership.models import InterestTopic

    pay, _ = InterestTopic.objects.get_or_create(society=society, name="PA pay and conditions")
    client = signed_in(secretary)
    assert "PA pay and conditions" in text(client.get(url("ballot_new", society)))

    client.post(url("ballot_new", society), ballot_data(
        society, topics=[pay.pk], conflict_policy="recuse"))

    ballot = Ballot.objects.get()
    assert list(ballot.topics.all()) == [pay] and ballot.conflict_policy == "recuse"


def test_no_topics_no_interest_questions(signed_in, society, secretary):
    from membership.models import InterestTopic

    InterestTopic.objects.filter(society=society).update(retired_on=timezone.localdate())
    page = text(signed_in(secretary).get(url("ballot_new", society)))

    assert "What the decision touches" not in page


def test_limited_to_one_class_carries_the_whole_result(signed_in, society, secretary, classes):
    carers = classes[1]
    signed_in(secretary).post(url("ballot_new", society), ballot_data(
        society, kind="ranked", weighting="one_member", only_class=carers.pk,
        **{"options-2-label": "Zoe Kaur"}))

    ballot = Ballot.objects.get()
    assert ballot.only_class == carers
    assert [(w.member_class, w.weight) for w in ballot.class_weights.all()] == [(carers, 1)]


def test_custom_threshold_kept_when_editing(signed_in, society, secretary):
    client = signed_in(secretary)
    client.post(url("ballot_new", society), ballot_data(
        society, kind="resolution", resolution_kind="custom", threshold_percent="66.67"))
    ballot = Ballot.objects.get()

    form = client.get(url("ballot_edit", society, ballot.pk)).content.decode()

    assert ballot.threshold_percent == Decimal("66.67")
    assert 'name="threshold_percent" value="66.67"' in form
