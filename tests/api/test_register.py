import pytest
from django.utils import timezone

from membership.services import cease_membership
from tests.factories import MemberFactory

MEMBERS = "/api/v1/societies/mutual/members/"


@pytest.fixture
def register_reader(signed_in, officer_for):
    return signed_in(officer_for("treasurer"))


def test_register_list_shows_register_columns_to_officers(register_reader, member):
    member.access_needs = "BSL interpreter"
    member.phone = "07700 900123"
    member.save()

    response = register_reader.get(MEMBERS)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == member.pk  # what the attendance and proxy endpoints take
    assert row["membership_number"] == member.membership_number
    assert row["full_name"] == member.full_name
    assert row["member_class"]["name"] == member.member_class.name
    assert row["shares_held"] == 1
    assert row["amount_paid"] == "1.00"
    assert "access_needs" not in row and "phone" not in row
    assert "BSL interpreter" not in response.content.decode()


def test_register_list_filters_by_search_class_and_status(register_reader, society):
    carers = society.member_classes.get(name="Carer")
    # Fixed postcodes and emails: a number search also matches digits in them.
    ada = MemberFactory(society=society, full_name="Ada Lovelace", member_class=carers,
                        postcode="M1 1AA", email="ada@example.org")
    MemberFactory(society=society, full_name="Grace Hopper", postcode="M2 2BB",
                  email="grace@example.org")
    gone = MemberFactory(society=society, full_name="Alan Turing", postcode="M3 3CC",
                         email="alan@example.org")
    cease_membership(gone, by=None, reason="resigned",
                     on=timezone.localdate() - timezone.timedelta(days=1))

    def names(**params):
        return [r["full_name"] for r in register_reader.get(MEMBERS, params).json()["results"]]

    assert names() == ["Ada Lovelace", "Grace Hopper"]
    assert names(q="lovelace") == ["Ada Lovelace"]
    assert names(q=str(ada.membership_number)) == ["Ada Lovelace"]
    assert names(member_class=carers.pk) == ["Ada Lovelace"]
    assert names(status="former") == ["Alan Turing"]
    assert names(status="all") == ["Ada Lovelace", "Grace Hopper", "Alan Turing"]


def test_register_list_is_paginated(register_reader, society):
    MemberFactory.create_batch(3, society=society)

    body = register_reader.get(MEMBERS, {"limit": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert "offset=2" in body["next"]


def test_register_list_huge_limit_is_capped_not_an_error(register_reader, member):
    response = register_reader.get(MEMBERS, {"limit": "9" * 25})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_register_list_class_of_another_society_is_400(register_reader, other_society):
    elsewhere_class = other_society.member_classes.first()

    response = register_reader.get(MEMBERS, {"member_class": elsewhere_class.pk})

    assert response.status_code == 400
    assert response.json() == {"member_class": ["Choose one of this co-op's member classes."]}


@pytest.mark.parametrize("params, field", [
    ({"status": "everyone"}, "status"),
    ({"member_class": "carers"}, "member_class"),
    ({"member_class": "99999999999999999999999"}, "member_class"),
    ({"q": "nul\x00byte"}, "q"),
])
def test_register_list_bad_filter_is_400_with_field_error(register_reader, society, params,
                                                          field):
    response = register_reader.get(MEMBERS, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_register_list_member_is_403(signed_in, member):
    MemberFactory(society=member.society, full_name="Someone Else")

    response = signed_in(member.user).get(MEMBERS)

    assert response.status_code == 403
    assert "Someone Else" not in response.content.decode()


def test_register_list_officer_of_another_society_is_404(signed_in, outsider_officer, member):
    response = signed_in(outsider_officer).get(MEMBERS)

    assert response.status_code == 404
    assert member.full_name not in response.content.decode()


def test_register_list_unknown_society_is_404(register_reader):
    assert register_reader.get("/api/v1/societies/nowhere/members/").status_code == 404


def test_register_list_anonymous_is_401(api, member):
    assert api.get(MEMBERS).status_code == 401


# Session, user, society, roles, count, page: the same for one member or fifty.
REGISTER_QUERIES = 6


@pytest.mark.parametrize("how_many", [1, 50])
def test_register_list_queries_do_not_grow_with_members(
        signed_in, officer_for, society, how_many, django_assert_max_num_queries):
    MemberFactory.create_batch(how_many, society=society)
    client = signed_in(officer_for("secretary"))

    with django_assert_max_num_queries(REGISTER_QUERIES):
        response = client.get(MEMBERS)

    assert len(response.json()["results"]) == how_many


@pytest.mark.parametrize("how_many", [1, 50])
def test_register_list_queries_do_not_grow_with_token_auth(
        with_token, officer_for, society, how_many, django_assert_max_num_queries):
    MemberFactory.create_batch(how_many, society=society)
    client = with_token(officer_for("secretary"))

    # The token's user comes with the token; marking it used replaces the session lookup.
    with django_assert_max_num_queries(REGISTER_QUERIES):
        response = client.get(MEMBERS)

    assert len(response.json()["results"]) == how_many
