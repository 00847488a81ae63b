"""Each society has a privacy notice (a default from a template, edited by officers, every
version kept with the date it applies from), linked from every society page and shown when
applying; consent for non-statutory messages is recorded and asked by senders."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership import consent
from membership.models import Consent, PrivacyNotice
from membership.privacy import notice
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient


@pytest.fixture
def client():
    return PageCheckingClient()


def test_default_notice_covers_what_the_law_asks(society):
    text = notice.current_notice(society).text

    for needed in ("data controller", "What we hold", "Why we hold it", "How long we keep it",
                   "Your rights", "Information Commissioner's Office", "10 years", "1 year"):
        assert needed in text, needed
    assert society.name in text


def test_default_notice_follows_the_society_rules(society):
    society.register_retention_years = 12
    society.save()

    assert "12 years" in notice.current_notice(society).text


def test_notice_page_is_public_and_linked_from_society_pages(client, society, member):
    response = client.get(reverse("privacy_notice", args=[society.slug]))
    assert response.status_code == 200 and "Your rights" in response.content.decode()

    client.force_login(member.user)
    for url in (reverse("society", args=[society.slug]),
                reverse("my_membership", args=[society.slug])):
        page = client.get(url).content.decode()
        assert f'href="{reverse("privacy_notice", args=[society.slug])}"' in page, url


def test_apply_page_shows_the_notice(client, society, user):
    client.force_login(user)

    page = client.get(reverse("apply", args=[society.slug])).content.decode()

    assert "privacy notice" in page and "How long we keep it" in page


def test_officer_publishes_a_version_and_earlier_ones_are_kept(client, society, secretary):
    client.force_login(secretary)
    edit = reverse("edit_privacy_notice", args=[society.slug])
    tomorrow = timezone.localdate() + timedelta(days=1)

    client.post(edit, {"text": "Version one.", "applies_from": timezone.localdate()})
    client.post(edit, {"text": "Version two.", "applies_from": tomorrow})

    assert notice.current_notice(society).text == "Version one."
    assert notice.current_notice(society, tomorrow).text == "Version two."
    assert list(PrivacyNotice.objects.values_list("text", flat=True)) == [
        "Version two.", "Version one."]
    page = client.get(reverse("privacy_notice", args=[society.slug])).content.decode()
    assert "Version one." in page and "Version two." in page
    assert AuditEntry.objects.filter(action="membership.privacy_notice.published").count() == 2


def test_notice_cannot_apply_from_the_past(client, society, secretary):
    client.force_login(secretary)

    response = client.post(reverse("edit_privacy_notice", args=[society.slug]), {
        "text": "Backdated.", "applies_from": timezone.localdate() - timedelta(days=1)})

    assert response.status_code == 400
    assert "cannot apply from a day in the past" in response.content.decode()
    assert not PrivacyNotice.objects.exists()


def test_member_cannot_edit_the_notice(client, society, member):
    client.force_login(member.user)

    assert client.get(reverse("edit_privacy_notice", args=[society.slug])).status_code == 403


# --- consent --------------------------------------------------------------------------------

def test_no_record_means_no_consent(member):
    assert not consent.has_consented(member, "news")


def test_member_gives_and_withdraws_consent_and_each_is_recorded(client, society, member):
    client.force_login(member.user)
    url = reverse("my_consents", args=[society.slug])

    client.post(url, {"news": "on"})
    assert consent.has_consented(member, "news")
    assert not consent.has_consented(member, "surveys")
    client.post(url, {})

    assert not consent.has_consented(member, "news")
    assert [(c.purpose, c.given, c.method) for c in Consent.objects.order_by("id")] == [
        ("news", True, "website"), ("news", False, "website")]
    page = client.get(url).content.decode()
    assert "Agreed" in page and "Stopped" in page


def test_consenting_selects_only_members_who_agreed(society, secretary):
    agreed, withdrew, never = (MemberFactory(society=society) for _ in range(3))
    consent.record_consent(agreed, purpose="surveys", given=True, method="paper", by=secretary)
    consent.record_consent(withdrew, purpose="surveys", given=True, method="phone", by=secretary)
    consent.record_consent(withdrew, purpose="surveys", given=False, method="email",
                           by=secretary)

    chosen = consent.consenting(society.members.all(), "surveys")

    assert list(chosen) == [agreed]
    assert never not in chosen


def test_former_member_has_no_consent(society, member, secretary):
    consent.record_consent(member, purpose="news", given=True, method="website")
    member.ceased_on = timezone.localdate() - timedelta(days=1)
    member.cessation_reason = "resigned"
    member.save()

    assert not consent.has_consented(member, "news")


def test_unknown_purpose_is_refused(member):
    with pytest.raises(ValueError):
        consent.has_consented(member, "marketing")
