"""An officer acts on a request to erase someone's data: the page says what goes, what the law
keeps and why, and records the request and its outcome."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership.models import ErasureRequest, Member
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient


@pytest.fixture
def client():
    return PageCheckingClient()


def former(society, ceased_days_ago: int):
    today = timezone.localdate()
    return MemberFactory(society=society, full_name="Ottoline Brack", phone="07700 900555",
                         access_needs="BSL interpreter", admitted_on=date(2000, 1, 1),
                         ceased_on=today - timedelta(days=ceased_days_ago),
                         cessation_reason="resigned")


def url(member):
    return reverse("erasure_request", args=[member.society.slug, member.membership_number])


def record(client, member, **fields):
    data = {"record": "1", "record-received_on": timezone.localdate().isoformat(),
            "record-how_received": "By letter", **fields}
    return client.post(url(member), data)


def decide(client, member, outcome, note=""):
    return client.post(url(member), {"decide": "1", "decide-outcome": outcome,
                                     "decide-note": note})


def test_page_says_what_goes_and_what_the_law_keeps(client, society, secretary):
    member = former(society, 30)
    client.force_login(secretary)

    page = client.get(url(member)).content.decode()

    assert "Email address, phone number, access needs" in page
    assert "The register entry (name, address, class, dates, shares)" in page
    assert "share ledger and payments" in page and "HMRC" in page
    kept_until = member.ceased_on.replace(year=member.ceased_on.year + 10)
    assert f"kept until {kept_until:%-d %B %Y}" in page


def test_request_recorded_then_carried_out_removes_contact_details_keeps_register(
        client, society, secretary):
    member = former(society, 30)
    client.force_login(secretary)

    assert record(client, member).status_code == 302
    response = decide(client, member, "carried_out")

    assert response.status_code == 302
    member = Member.objects.get(pk=member.pk)
    assert (member.phone, member.access_needs) == ("", "")
    assert member.full_name == "Ottoline Brack", "the register keeps the name for 10 years"
    request = ErasureRequest.objects.get(member=member)
    assert request.outcome == "carried_out" and request.decided_by == secretary
    actions = list(AuditEntry.objects.filter(action__startswith="membership.erasure")
                   .values_list("action", flat=True))
    assert actions == ["membership.erasure.requested", "membership.erasure.decided"]


def test_carried_out_after_the_register_period_anonymises(client, society, secretary):
    member = former(society, 11 * 366)
    client.force_login(secretary)
    record(client, member)

    decide(client, member, "carried_out")

    assert Member.objects.get(pk=member.pk).anonymised_at is not None


def test_current_member_cannot_be_erased_and_the_page_says_why(client, society, secretary):
    member = MemberFactory(society=society, full_name="Ottoline Brack")
    client.force_login(secretary)
    record(client, member)

    response = decide(client, member, "carried_out")

    assert response.status_code == 400
    assert "current member" in response.content.decode()
    assert ErasureRequest.objects.get(member=member).decided_at is None


def test_refusal_needs_a_reason(client, society, secretary):
    member = former(society, 30)
    client.force_login(secretary)
    record(client, member)

    response = decide(client, member, "refused")

    assert response.status_code == 400
    assert "Say why" in response.content.decode()


def test_request_date_in_the_future_is_a_field_error(client, society, secretary):
    member = former(society, 30)
    client.force_login(secretary)

    response = record(client, member, **{
        "record-received_on": (timezone.localdate() + timedelta(days=2)).isoformat()})

    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_treasurer_cannot_act_on_erasure(client, society, officer_for):
    member = former(society, 30)
    client.force_login(officer_for("treasurer"))

    assert client.get(url(member)).status_code == 403


def test_officer_copy_for_a_request_covers_only_this_society(client, society, other_society,
                                                             secretary):
    member = former(society, 30)
    MemberFactory(society=other_society, user=member.user, full_name="Ottoline Elsewhere")
    client.force_login(secretary)

    response = client.get(reverse("subject_access_copy",
                                  args=[society.slug, member.membership_number]))

    data = response.json()
    assert [m["society"] for m in data["memberships"]] == ["Mutual Support"]
    assert "Ottoline Elsewhere" not in response.content.decode()
