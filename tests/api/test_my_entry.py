import pytest

from coop.models import AuditEntry
from membership.models import RegisterChange
from membership.services import cease_membership
from tests.factories import MemberFactory

MY_ENTRY = "/api/v1/societies/mutual/members/me/"


@pytest.fixture
def client(signed_in, member):
    return signed_in(member.user)


def test_my_entry_shows_my_own_details_with_access_needs(client, member):
    member.access_needs = "Papers a week early"
    member.save()

    response = client.get(MY_ENTRY)

    assert response.status_code == 200
    body = response.json()
    assert body["membership_number"] == member.membership_number
    assert body["full_name"] == member.full_name
    assert body["access_needs"] == "Papers a week early"
    assert body["is_current"] is True
    assert body["cessation_reason"] == ""


def test_my_entry_former_member_still_reads_it(client, member):
    cease_membership(member, by=member.user, reason="resigned")

    body = client.get(MY_ENTRY).json()

    assert body["is_current"] is False
    assert body["cessation_reason"] == "resigned"


def test_my_entry_without_an_entry_is_404(signed_in, user, society):
    assert signed_in(user).get(MY_ENTRY).status_code == 404


def test_my_entry_member_of_another_society_is_404(signed_in, other_member, society):
    response = signed_in(other_member.user).get(MY_ENTRY)

    assert response.status_code == 404


def test_my_entry_patch_changes_details_keeping_history_and_audit(client, member):
    old_postcode = member.postcode

    response = client.patch(MY_ENTRY, {"postcode": "M1 1AA", "large_print": True},
                            format="json")

    assert response.status_code == 200
    assert response.json()["postcode"] == "M1 1AA"
    assert response.json()["large_print"] is True
    member.refresh_from_db()
    assert member.postcode == "M1 1AA"
    change = RegisterChange.objects.get(member=member, field="postcode")
    assert (change.old_value, change.new_value) == (old_postcode, "M1 1AA")
    assert change.changed_by == member.user
    assert RegisterChange.objects.filter(member=member, field="large_print").exists()
    entry = AuditEntry.objects.get(action="membership.member.details_changed",
                                   object_id=str(member.pk))
    assert entry.actor == member.user
    assert sorted(entry.data["fields"]) == ["large_print", "postcode"]


def test_my_entry_patch_with_no_change_writes_no_history(client, member):
    response = client.patch(MY_ENTRY, {"full_name": member.full_name}, format="json")

    assert response.status_code == 200
    assert not RegisterChange.objects.filter(member=member).exists()


def test_my_entry_patch_blank_name_is_400(client, member):
    response = client.patch(MY_ENTRY, {"full_name": " "}, format="json")

    assert response.status_code == 400
    assert response.json() == {"full_name": ["Enter your full name."]}
    member.refresh_from_db()
    assert member.full_name.strip()


def test_my_entry_patch_email_contact_needs_an_email_address(client, member):
    response = client.patch(MY_ENTRY, {"email": "", "contact_by_email": True}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["email"]


def test_my_entry_patch_no_email_nor_post_means_post(client, member):
    response = client.patch(MY_ENTRY, {"contact_by_email": False}, format="json")

    assert response.status_code == 200
    assert response.json()["contact_by_post"] is True


def test_my_entry_patch_cannot_touch_register_only_fields(client, member):
    number = member.membership_number

    response = client.patch(MY_ENTRY, {"membership_number": 999, "shares_held": 50},
                            format="json")

    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.membership_number, member.shares_held) == (number, 1)


def test_my_entry_patch_former_member_is_400(client, member):
    cease_membership(member, by=member.user, reason="resigned")

    response = client.patch(MY_ENTRY, {"postcode": "M1 1AA"}, format="json")

    assert response.status_code == 400
    assert "former member" in response.json()["non_field_errors"][0]


def test_my_entry_patch_only_changes_my_own_entry(client, member, society):
    someone = MemberFactory(society=society)
    before = someone.postcode

    client.patch(MY_ENTRY, {"postcode": "M1 1AA"}, format="json")

    someone.refresh_from_db()
    assert someone.postcode == before
