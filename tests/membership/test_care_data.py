"""Care data kept close: access needs are encrypted at rest under a key outside the database,
shown only to the member and to officers whose office carries the flag, never in exports by
default, and every officer look is recorded."""

import pytest
from django.db import connection
from django.urls import reverse

from coop import services as coop_services
from coop.fields import PREFIX, UNREADABLE
from coop.models import AuditEntry
from membership import services
from membership.models import Member, RegisterChange
from tests.factories import ApplicationFactory, MemberFactory, OfficerFactory

NEEDS = "Needs a BSL interpreter and step-free access"


def raw(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_access_needs_are_encrypted_in_the_column(society):
    member = MemberFactory(society=society, access_needs=NEEDS)

    stored = raw("membership_member", "access_needs", member.pk)

    assert stored.startswith(PREFIX) and "BSL" not in stored
    assert Member.objects.get(pk=member.pk).access_needs == NEEDS


def test_same_needs_encrypt_differently_so_the_column_cannot_be_searched(society):
    one = MemberFactory(society=society, access_needs=NEEDS)
    two = MemberFactory(society=society, access_needs=NEEDS)

    assert raw("membership_member", "access_needs", one.pk) != raw(
        "membership_member", "access_needs", two.pk)
    assert not Member.objects.filter(access_needs=NEEDS).exists()


def test_application_needs_and_their_history_are_encrypted(society, secretary):
    application = ApplicationFactory(society=society, access_needs=NEEDS)
    member = MemberFactory(society=society, access_needs="Large print")

    services.update_member_details(member, by=secretary, access_needs=NEEDS)

    assert "BSL" not in raw("membership_application", "access_needs", application.pk)
    change = RegisterChange.objects.get(member=member, field="access_needs")
    assert "Large print" not in raw("membership_registerchange", "old_value", change.pk)
    assert "BSL" not in raw("membership_registerchange", "new_value", change.pk)
    assert (change.old_value, change.new_value) == ("Large print", NEEDS)


def test_another_key_cannot_read_them(society, settings):
    member = MemberFactory(society=society, access_needs=NEEDS)
    settings.FIELD_KEY = "a different key"

    assert Member.objects.get(pk=member.pk).access_needs == UNREADABLE


@pytest.fixture
def flagged(society):
    return OfficerFactory(society=society, role="secretary", sees_access_needs=True).user


def detail(client, user, member):
    client.force_login(user)
    return client.get(reverse("member_detail", args=[member.society.slug,
                                                     member.membership_number]))


def test_flagged_officer_sees_needs_and_the_look_is_recorded(client, society, flagged):
    member = MemberFactory(society=society, access_needs=NEEDS)

    page = detail(client, flagged, member).content.decode()

    assert NEEDS in page
    entry = AuditEntry.objects.get(action="membership.access_needs.viewed")
    assert entry.actor == flagged and entry.object_id == str(member.pk)
    assert "BSL" not in str(entry.data), "the log says a look happened, not what was seen"


@pytest.mark.parametrize("role", ["secretary", "chair", "trustee", "treasurer"])
def test_officer_without_the_flag_does_not_see_needs(client, society, role):
    officer = OfficerFactory(society=society, role=role).user
    member = MemberFactory(society=society, access_needs=NEEDS)

    response = detail(client, officer, member)

    assert response.status_code == 200 and NEEDS not in response.content.decode()
    assert not AuditEntry.objects.filter(action="membership.access_needs.viewed").exists()


def test_application_page_and_api_hide_needs_without_the_flag(client, society, secretary,
                                                              flagged):
    application = ApplicationFactory(society=society, access_needs=NEEDS)
    page = reverse("application_detail", args=[society.slug, application.pk])
    api = f"/api/v1/societies/{society.slug}/applications/{application.pk}/"

    client.force_login(secretary)
    assert NEEDS not in client.get(page).content.decode()
    assert "access_needs" not in client.get(api).json()
    client.force_login(flagged)
    assert NEEDS in client.get(page).content.decode()
    assert client.get(api).json()["access_needs"] == NEEDS
    assert AuditEntry.objects.filter(action="membership.access_needs.viewed").count() == 2


def test_member_sees_their_own_needs(client, society):
    member = MemberFactory(society=society, access_needs=NEEDS)
    client.force_login(member.user)

    assert NEEDS in client.get(reverse("my_membership", args=[society.slug])).content.decode()


def test_register_exports_leave_needs_out(client, society, flagged):
    MemberFactory(society=society, access_needs=NEEDS)
    client.force_login(flagged)

    csv = client.get(reverse("register_export", args=[society.slug, "csv"])).content.decode()

    assert "BSL" not in csv and "Access" not in csv


def test_flag_is_set_when_appointing_and_audited(society, secretary, user):
    officer = coop_services.appoint_officer(society, user=user, role="trustee", by=secretary,
                                            sees_access_needs=True)

    assert officer.sees_access_needs
    entry = AuditEntry.objects.get(action="coop.officer.appointed", object_id=str(officer.pk))
    assert entry.data["sees_access_needs"] is True
