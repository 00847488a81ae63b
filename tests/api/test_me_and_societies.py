from django.utils import timezone

from coop.services import end_office
from membership.services import cease_membership
from tests.factories import MemberFactory, OfficerFactory, SocietyFactory


def test_me_lists_memberships_and_current_offices(signed_in, member, other_society):
    user = member.user
    OfficerFactory(society=other_society, user=user, role="trustee")
    ended = OfficerFactory(society=member.society, user=user, role="treasurer")
    end_office(ended, by=None, ended_on=timezone.localdate() - timezone.timedelta(days=1))

    body = signed_in(user).get("/api/v1/me/").json()

    assert body["email"] == user.email
    assert body["display_name"] == user.display_name
    assert body["memberships"] == [{
        "society": {"slug": "mutual", "name": "Mutual Support"},
        "membership_number": member.membership_number,
        "member_class": {"id": member.member_class_id, "name": member.member_class.name},
        "admitted_on": member.admitted_on.isoformat(),
        "ceased_on": None,
        "is_current": True,
    }]
    assert [(o["society"]["slug"], o["role"], o["ended_on"]) for o in body["offices"]] == [
        ("elsewhere", "trustee", None)]


def test_me_shows_no_personal_register_data(signed_in, member):
    member.access_needs = "Step-free access"
    member.save()

    text = signed_in(member.user).get("/api/v1/me/").content.decode()

    assert "Step-free access" not in text
    assert member.address not in text


def test_societies_lists_only_those_i_belong_to_or_serve(signed_in, member, other_society):
    SocietyFactory(name="Unrelated")
    OfficerFactory(society=other_society, user=member.user, role="scrutineer")

    body = signed_in(member.user).get("/api/v1/societies/").json()

    assert body["count"] == 2
    assert [s["slug"] for s in body["results"]] == ["elsewhere", "mutual"]


def test_societies_former_member_no_longer_sees_the_society(signed_in, member):
    cease_membership(member, by=member.user, reason="resigned")

    body = signed_in(member.user).get("/api/v1/societies/").json()

    assert body["count"] == 0


def test_society_detail_for_a_member(signed_in, member):
    response = signed_in(member.user).get("/api/v1/societies/mutual/")

    assert response.status_code == 200
    assert response.json()["name"] == "Mutual Support"


def test_society_detail_without_a_link_is_404_like_an_unknown_one(signed_in, society, user):
    client = signed_in(user)

    existing = client.get("/api/v1/societies/mutual/")
    unknown = client.get("/api/v1/societies/no-such-coop/")

    assert existing.status_code == unknown.status_code == 404
    assert existing.json() == unknown.json()


def test_society_detail_other_societys_member_is_404(signed_in, society, other_society):
    outsider = MemberFactory(society=other_society).user

    assert signed_in(outsider).get("/api/v1/societies/mutual/").status_code == 404
