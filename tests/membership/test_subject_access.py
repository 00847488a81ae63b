"""Subject access: /account/my-data.json gives a person everything held about them, and nothing
about anyone else, even when they are an officer who has handled other people's records."""

import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from coop import services as coop_services
from membership import services, shares
from membership.models import Payment
from tests.factories import ApplicationFactory, MemberFactory, SocietyFactory, UserFactory

OTHERS = ["Bernadette Quigley", "bq@example.net", "77 Private Road", "Uses a wheelchair",
          "07700 900999", "Cyril Otherperson", "cyril@example.net", "Not eligible, sorry",
          "Cyril's cash"]


@pytest.fixture
def person(society, other_society, secretary):
    """Alex: a member of `society` (and one of its trustees), a former member of
    `other_society`, with a pending application to a third co-op."""
    alex = UserFactory(email="alex@example.org", display_name="Alex Morgan")
    application = services.apply_for_membership(
        society, alex, member_class=society.member_classes.get(name="Carer"),
        confirmed_eligible=True, confirmed_not_in_other_class=True, full_name="Alex Morgan",
        address="1 Mill Lane\nSheffield", postcode="S1 2AB", email="alex@example.org",
        access_needs="Large print, please")
    services.approve_application(application, by=secretary)
    member = shares.record_offline_payment(
        application=application, method="cheque", amount=society.share_value,
        received_on=date(2025, 3, 3), reference="Cheque 100234", by=secretary).member
    services.update_member_details(member, by=alex, address="2 New Street\nSheffield")
    MemberFactory(society=other_society, user=alex, full_name="Alex Morgan",
                  admitted_on=date(2020, 1, 1), ceased_on=date(2022, 1, 1),
                  cessation_reason="resigned")
    third = ApplicationFactory(society=SocietyFactory(name="Third Co-op", slug="third"),
                               user=alex, full_name="Alex Morgan", approved=True)
    Payment.objects.create(society=third.society, application=third, method="card",
                           amount=third.society.share_value, reference="THIRD-00001",
                           stripe_session_id="cs_test_alex", failed_at=timezone.now())
    coop_services.appoint_officer(society, user=alex, role="trustee", by=secretary,
                                  started_on=date(2025, 4, 1))
    return alex


@pytest.fixture
def others(society, person):
    """Other people Alex, as a trustee, has dealt with."""
    bernadette = MemberFactory(society=society, full_name="Bernadette Quigley",
                               email="bq@example.net", address="77 Private Road",
                               access_needs="Uses a wheelchair", phone="07700 900999")
    services.update_member_details(bernadette, by=person, phone="07700 900998")
    services.cease_membership(bernadette, by=person, reason="resigned")
    cyril_paid = ApplicationFactory(society=society, full_name="Cyril Otherperson",
                                    email="cyril@example.net", approved=True)
    shares.record_offline_payment(application=cyril_paid, method="cash",
                                  amount=society.share_value, received_on=date(2025, 5, 5),
                                  reference="Cyril's cash", by=person)
    rejected = ApplicationFactory(society=society, full_name="Cyril Otherperson",
                                  email="cyril@example.net")
    services.reject_application(rejected, by=person, reason="Not eligible, sorry")


def my_data(client, user):
    client.force_login(user)
    response = client.get(reverse("my_data"))
    assert response.status_code == 200
    return response


def test_my_data_url():
    assert reverse("my_data") == "/account/my-data.json"


def test_my_data_is_a_json_download(client, person):
    response = my_data(client, person)

    assert response["Content-Type"] == "application/json"
    assert 'attachment; filename="my-data.json"' in response["Content-Disposition"]
    json.loads(response.content)


def test_my_data_has_account_and_email_addresses(client, person):
    data = my_data(client, person).json()

    assert data["account"]["email"] == "alex@example.org"
    assert data["account"]["display_name"] == "Alex Morgan"
    assert [e["email"] for e in data["email_addresses"]] == ["alex@example.org"]


def test_my_data_has_every_membership_with_history(client, person):
    data = my_data(client, person).json()

    by_society = {m["society"]: m for m in data["memberships"]}
    assert set(by_society) == {"Mutual Support", "Elsewhere Co-op"}
    current = by_society["Mutual Support"]
    assert current["membership_number"] == 1
    assert current["class"] == "Carer"
    assert current["address"] == "2 New Street\nSheffield"
    assert current["access_needs"] == "Large print, please"
    assert current["shares_held"] == 1 and current["amount_paid"] == "1.00"
    assert current["ceased_on"] is None
    assert [(h["field"], h["old_value"], h["new_value"]) for h in current["history"]] == [
        ("address", "1 Mill Lane\nSheffield", "2 New Street\nSheffield")]
    assert {"membership.member.admitted", "membership.member.details_changed"} <= {
        e["action"] for e in current["audit_log"]}
    former = by_society["Elsewhere Co-op"]
    assert former["ceased_on"] == "2022-01-01"
    assert former["cessation_reason"] == "resigned"


def test_my_data_has_applications_and_offices(client, person):
    data = my_data(client, person).json()

    assert sorted((a["society"], a["state"]) for a in data["applications"]) == [
        ("Mutual Support", "admitted"), ("Third Co-op", "approved")]
    assert [(o["society"], o["role"], o["started_on"], o["ended_on"])
            for o in data["offices"]] == [("Mutual Support", "trustee", "2025-04-01", None)]


def test_my_data_has_share_ledger_payments_and_withdrawals(client, person, secretary):
    elsewhere = person.memberships.get(society__slug="elsewhere")
    mutual = person.memberships.get(society__slug="mutual")
    services.cease_membership(mutual, by=person, reason="resigned")

    data = my_data(client, person).json()

    current = next(m for m in data["memberships"] if m["society"] == "Mutual Support")
    assert [(t["kind"], t["shares"], t["amount"]) for t in current["share_ledger"]] == [
        ("issue", 1, "1.00"), ("withdrawal", -1, "-1.00")]
    assert current["share_ledger"][0]["on"] == "2025-03-03"
    [paid] = current["payments"]
    assert (paid["method"], paid["amount"], paid["reference"], paid["state"]) == (
        "cheque", "1.00", "Cheque 100234", "confirmed")
    assert current["share_ledger"][0]["payment_id"] == paid["id"]
    assert "recorded_by" not in paid, "who recorded it is the officer's data, not Alex's"
    [owed] = current["withdrawals"]
    assert (owed["shares"], owed["amount"], owed["repaid_at"]) == (1, "1.00", None)
    former = next(m for m in data["memberships"] if m["society"] == "Elsewhere Co-op")
    assert [t["kind"] for t in former["share_ledger"]] == ["issue"]
    assert former["payments"][0]["id"] == str(elsewhere.payments.get().pk)
    third = next(a for a in data["applications"] if a["society"] == "Third Co-op")
    assert [(p["method"], p["state"], p["stripe_session_id"]) for p in third["payments"]] == [
        ("card", "failed", "cs_test_alex")]
    mutual_application = next(a for a in data["applications"]
                              if a["society"] == "Mutual Support")
    assert mutual_application["payments"] == [], "listed once, under the membership"


def test_my_data_contains_nothing_about_other_people(client, person, others):
    text = my_data(client, person).content.decode()

    for private in OTHERS:
        assert private not in text


def test_my_data_of_the_other_person_does_not_contain_mine(client, person, others, society):
    bernadette = society.members.get(full_name="Bernadette Quigley").user

    text = my_data(client, bernadette).content.decode()

    assert "Bernadette Quigley" in text
    assert "Alex Morgan" not in text and "alex@example.org" not in text
    assert "Sheffield" not in text


def test_my_data_anonymous_is_sent_to_sign_in(client, person):
    response = client.get(reverse("my_data"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/account/my-data.json" in response["Location"]


# --- completeness ---------------------------------------------------------------------------

PROJECT_APPS = {"coop", "membership", "voting", "surplus", "meetings"}


def links_to_people() -> set[str]:
    """Every foreign key (or one-to-one or many-to-many) in the project to a member or a login,
    as "app.Model.field"."""
    from django.apps import apps

    from coop.models import User
    from membership.models import Member

    return {f"{model._meta.label}.{field.name}"
            for model in apps.get_models() if model._meta.app_label in PROJECT_APPS
            for field in model._meta.get_fields()
            if field.is_relation and not field.auto_created
            and field.related_model in (Member, User)}


def test_every_link_to_a_member_or_user_is_in_the_subject_access_copy():
    from membership.privacy import registry
    from membership.privacy.parts import BASE_LINKS

    covered = set(BASE_LINKS) | {link for part in registry.copy_parts() for link in part.links}

    missing = links_to_people() - covered
    assert not missing, ("These keys to a member or login are in no section of the subject "
                         f"access copy (membership/privacy/registry.py): {sorted(missing)}")
    assert covered - links_to_people() == set(), "a part names a key that does not exist"


@pytest.fixture
def busy(society, person, secretary):
    """Alex, a member of `society`, with a declaration, a meeting record, a ballot roll entry,
    a consent and a requisition."""
    from meetings.models import (
        Apology,
        Attendance,
        Contest,
        Meeting,
        Nomination,
        Proxy,
        Requisition,
        RequisitionSupport,
    )
    from membership import consent
    from membership.interests import services as interests
    from tests.factories import MemberFactory as Members
    from voting.models import Ballot, RollEntry

    alex = person.memberships.get(society=society)
    other = Members(society=society, full_name="Bernadette Quigley")
    interests.declare(society, person, by=person, topics=[society.interest_topics.first()],
                      interest_type="financial", description="Shares in a care agency")
    meeting = Meeting.objects.create(society=society, kind="agm", title="AGM 2026",
                                     starts_at=timezone.now(), place="Hall",
                                     created_by=secretary)
    Attendance.objects.create(meeting=meeting, member=alex)
    later = Meeting.objects.create(society=society, kind="general", title="Special meeting",
                                   starts_at=timezone.now(), place="Hall", created_by=secretary)
    Apology.objects.create(meeting=later, member=alex)
    Proxy.objects.create(meeting=later, appointer=alex, holder=other)
    Proxy.objects.create(meeting=meeting, appointer=other, holder=alex)
    contest = Contest.objects.create(meeting=meeting, member_class=alex.member_class, seats=1,
                                     nominations_close_at=timezone.now())
    Nomination.objects.create(contest=contest, candidate=alex, proposer=other,
                              statement="I will listen.")
    requisition = Requisition.objects.create(society=society, purpose="Discuss PA pay",
                                             started_by=other, supporters_needed=3)
    RequisitionSupport.objects.create(requisition=requisition, member=alex)
    ballot = Ballot.objects.create(society=society, title="Adopt new rules",
                                   created_by=secretary)
    RollEntry.objects.create(ballot=ballot, member=alex, member_class=alex.member_class,
                             has_voted=True)
    consent.record_consent(alex, purpose="news", given=True, method="website")
    return person


def test_my_data_has_every_part_the_issue_lists(client, busy):
    data = my_data(client, busy).json()

    assert [d["description"] for d in data["declarations"]] == ["Shares in a care agency"]
    assert {(r["meeting"], r.get("present"), r.get("apologies"))
            for r in data["meetings_attended"]} == {("AGM 2026", True, None),
                                                   ("Special meeting", None, True)}
    assert sorted(p["role"] for p in data["proxies"]) == ["you appointed a proxy",
                                                          "you held a proxy"]
    assert [(n["role"], n["statement"]) for n in data["nominations"]] == [
        ("candidate", "I will listen.")]
    assert [r["you"] for r in data["requisitions"]] == ["supported it"]
    assert [(b["ballot"], b["has_voted"]) for b in data["ballots"]] == [
        ("Adopt new rules", True)]
    assert [(c["purpose"], c["given"], c["how"]) for c in data["consents"]] == [
        ("news", True, "website")]
    assert "membership.member.admitted" in {e["action"] for e in data["audit_log"]}
    assert "officers_returns" in data


def test_my_data_ballots_say_whether_they_voted_never_how(client, busy):
    [ballot] = my_data(client, busy).json()["ballots"]

    assert set(ballot) == {"society", "ballot", "opened_at", "has_voted", "recused",
                           "marked_roll_destroyed_on"}


def test_my_data_with_every_part_still_has_nothing_about_others(client, busy, others):
    text = my_data(client, busy).content.decode()

    for private in OTHERS:
        assert private not in text
