"""The weights a class-share count actually used, and why, when a class casts no votes that
count: on the results page, in the CSV and in the API (issue 15)."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from coop.enums import EmptyClassPolicy
from tests.pages import text

from .test_results_pages import client_for, close, url, vote


@pytest.fixture
def abstaining_carers(classes, make_members, open_ballot):
    """Users 3 for, 1 against; carers 2 abstain; PAs 1 for, 3 against. Rescaled, the
    users carry 50/75 = 2/3 and the PAs 25/75 = 1/3: for = 2/3×3/4 + 1/3×1/4 = 7/12."""
    users, carers, pas = classes

    def make(policy):
        u, c, p = make_members(users, 4), make_members(carers, 2), make_members(pas, 4)
        ballot = open_ballot(title="Adopt the new rules", weighting="class_share",
                             empty_class_policy=policy)
        vote(ballot, u[:3], "For")
        vote(ballot, u[3:], "Against")
        vote(ballot, c, "Abstain")
        vote(ballot, p[:1], "For")
        vote(ballot, p[1:], "Against")
        return ballot

    return make


def api_results(user, ballot):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/societies/{ballot.society.slug}/ballots/{ballot.pk}/"
                          "results/")
    assert response.status_code == 200
    return response.json()


def test_rescaled_weights_and_the_reason_are_on_the_page_csv_and_api(abstaining_carers,
                                                                      secretary):
    ballot = abstaining_carers(EmptyClassPolicy.RESCALE)
    close(ballot, secretary)
    client = client_for(secretary)

    page = text(client.get(url("ballot_results", ballot)))
    assert ("Nobody in Carer cast a vote that counts (for an option, not an abstention), "
            "so under the co-op's rules its share was shared among the other classes in "
            "proportion to their own. The weights used: Service user 66.7% and Personal "
            "assistant 33.3%.") in page

    rows = list(csv.DictReader(io.StringIO(
        client.get(url("ballot_results_csv", ballot)).content.decode())))
    used = {r["class"]: r for r in rows if r["row"] == "class weight used"}
    assert used["Service user"]["weighted_share_percent"] == "66.666667"
    assert used["Carer"]["weighted_share_percent"] == "0.000000"
    assert used["Carer"]["option"] == ("set at 25 parts (25.0%), cast no votes that count: "
                                       "shared among the other classes")
    assert used["Personal assistant"]["weighted_share_percent"] == "33.333333"

    body = api_results(secretary, ballot)
    classes = {c["name"]: c for c in body["classes"]}
    assert classes["Carer"]["weight"] == 25 and classes["Carer"]["empty"] is True
    assert classes["Carer"]["weight_used"] == "0.000000"
    assert classes["Service user"]["weight_used_fraction"] == "2/3"
    assert "The weights used: Service user 66.7% and Personal assistant 33.3%" in \
        body["weighting_note"]
    shares = {o["label"]: o["share_fraction"] for o in body["options"]}
    assert shares["For"] == "7/12"


def test_not_cast_policy_says_the_share_is_kept_as_not_cast(abstaining_carers, secretary):
    ballot = abstaining_carers(EmptyClassPolicy.NOT_CAST)
    close(ballot, secretary)

    body = api_results(secretary, ballot)

    assert ("Nobody in Carer cast a vote that counts (for an option, not an abstention), so "
            "under the co-op's rules its share, 25.0%, was kept as not cast") in \
        body["weighting_note"]
    classes = {c["name"]: c for c in body["classes"]}
    assert classes["Service user"]["weight_used"] == "50.000000"


def test_no_note_when_every_class_counted_votes(classes, make_members, open_ballot,
                                                 secretary):
    voters = [make_members(cls, 1) for cls in classes]
    ballot = open_ballot(weighting="class_share")
    for members in voters:
        vote(ballot, members, "For")
    close(ballot, secretary)

    body = api_results(secretary, ballot)

    assert body["weighting_note"] == ""
    assert [c["weight_used"] for c in body["classes"]] == ["50.000000", "25.000000",
                                                           "25.000000"]
