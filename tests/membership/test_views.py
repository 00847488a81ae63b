"""Membership pages through the Django test client: applying, deciding applications, a
member's own details and history, the register, member classes and cessation.

The `client` here is tests.coop.test_views.PageCheckingClient: every page is also checked for a
Content Security Policy without 'unsafe-inline', no inline script or style, and no
aria-describedby pointing at a missing id."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership import services
from membership.models import Application, ClassChangeRequest, Member, RegisterChange
from tests.factories import ApplicationFactory, MemberFactory, UserFactory
from tests.pages import (
    PageCheckingClient,
    assert_field_error,
    elements,
    missing_descriptions,
    text,
)

# Measured at 8: society, session, user, roles, count, the page of members, the classes for the
# filter, the viewer's own entry. A query per row passes this at 1 member and fails at 200.
REGISTER_QUERY_BOUND = 10


@pytest.fixture
def client():
    return PageCheckingClient()


@pytest.fixture
def signed_in(client):
    def make(user):
        client.force_login(user)
        return client

    return make


def application_data(society, **changes) -> dict:
    return {
        "member_class": society.member_classes.get(name="Carer").pk,
        "full_name": "Sam Evans", "address": "2 Station Road\nLeeds", "postcode": "LS2 7EE",
        "email": "sam@example.org", "phone": "", "preferences": ["contact_by_email"],
        "access_needs": "Papers a week early, please", "confirmed_eligible": "on",
        "confirmed_not_in_other_class": "on", **changes,
    }


# --- the society page and applying ----------------------------------------------------------

def test_society_page_public_lists_classes(client, society):
    page = text(client.get(reverse("society", args=[society.slug])))

    assert "Apply to join" in page
    assert "Service user" in page and "Carer" in page and "Personal assistant" in page


def test_society_page_unknown_society_not_found(client, db):
    assert client.get(reverse("society", args=["nowhere"])).status_code == 404


def test_apply_needs_sign_in(client, society):
    response = client.get(reverse("apply", args=[society.slug]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_apply_form_shows_errors_next_to_fields_and_summary(signed_in, society, user):
    response = signed_in(user).post(reverse("apply", args=[society.slug]),
                                    {"preferences": ["contact_by_email"], "email": ""})

    assert response.status_code == 200
    page = text(response)
    assert page.startswith("Error: Apply to join")
    assert "There is a problem" in page
    assert_field_error(response, "full_name", "Enter your full name.")
    assert_field_error(response, "address", "Enter your postal address.")
    assert_field_error(response, "postcode", "Enter your postcode.")
    assert_field_error(response, "member_class", "Choose the class of member you belong to.")
    assert_field_error(response, "email", "Enter an email address, or untick email")
    assert_field_error(response, "confirmed_eligible",
                       "Confirm that you meet the eligibility for your class.")
    hint_and_error = elements(response)["id_address"]["aria-describedby"].split()
    assert hint_and_error == ["id_address_hint", "id_address_error"]
    assert not Application.objects.exists()


def test_apply_form_valid_field_not_marked_invalid(signed_in, society, user):
    response = signed_in(user).post(reverse("apply", args=[society.slug]),
                                    application_data(society, postcode=""))

    found = elements(response)
    assert "aria-invalid" not in found["id_full_name"]
    assert "id_full_name_error" not in found
    assert_field_error(response, "postcode", "Enter your postcode.")


def test_apply_valid_redirects_to_confirmation(signed_in, society, user):
    client = signed_in(user)

    response = client.post(reverse("apply", args=[society.slug]), application_data(society))

    assert response.status_code == 302
    assert response.url == reverse("application_sent", args=[society.slug])
    page = text(client.get(response.url))
    assert "Your application has been sent" in page
    assert "Thank you, Sam Evans. You applied to join Mutual Support as a carer." in page
    application = Application.objects.get(user=user)
    assert (application.state, application.contact_by_email, application.contact_by_post) == (
        "pending", True, False)
    assert application.access_needs == "Papers a week early, please"


def test_apply_no_contact_preference_means_post(signed_in, society, user):
    signed_in(user).post(reverse("apply", args=[society.slug]),
                         application_data(society, preferences=[]))

    application = Application.objects.get(user=user)
    assert (application.contact_by_email, application.contact_by_post) == (False, True)


def test_apply_twice_shows_error_in_summary(signed_in, society, user):
    client = signed_in(user)
    client.post(reverse("apply", args=[society.slug]), application_data(society))

    response = client.post(reverse("apply", args=[society.slug]), application_data(society))

    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert "You have already applied." in text(response)
    assert Application.objects.filter(user=user).count() == 1


def test_apply_class_of_other_society_refused(signed_in, society, other_society, user):
    data = application_data(society, member_class=other_society.member_classes.first().pk)

    response = signed_in(user).post(reverse("apply", args=[society.slug]), data)

    assert_field_error(response, "member_class", "Select a valid choice")
    assert not Application.objects.exists()


def test_apply_when_member_redirects_to_membership(signed_in, society, member):
    response = signed_in(member.user).get(reverse("apply", args=[society.slug]))

    assert response.url == reverse("my_membership", args=[society.slug])


def test_application_sent_without_application_not_found(signed_in, society, user):
    assert signed_in(user).get(reverse("application_sent", args=[society.slug])).status_code == 404


# --- officers decide applications -----------------------------------------------------------

@pytest.fixture
def application(society):
    return ApplicationFactory(society=society, full_name="Sam Evans",
                              user=UserFactory(email="sam@example.org"))


def test_applications_list_shows_pending_only(signed_in, society, secretary, application):
    ApplicationFactory(society=society, full_name="Already Rejected",
                       rejected_at=timezone.now())

    page = text(signed_in(secretary).get(reverse("applications", args=[society.slug])))

    assert "Sam Evans" in page
    assert "Already Rejected" not in page


def test_application_approved_via_page_asks_for_payment_and_admits_nobody(
        signed_in, society, secretary, application, django_capture_on_commit_callbacks):
    client = signed_in(secretary)
    url = reverse("application_detail", args=[society.slug, application.pk])
    assert "Approve" in text(client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"approve": "1"}, follow=True)

    page = text(response)
    assert "They have been asked to pay for their share" in page
    assert "Waiting for payment" in page
    assert f"quoting the reference {application.payment_reference}" in page
    assert reverse("record_joining_payment", args=[society.slug, application.pk]) in (
        response.content.decode())
    application.refresh_from_db()
    assert application.state == "approved"
    assert not Member.objects.exists()
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert reverse("pay", args=[society.slug]) in mail.outbox[0].body


def test_application_admitted_links_to_register_entry(signed_in, society, secretary,
                                                      application):
    from membership.shares import record_offline_payment

    services.approve_application(application, by=secretary)
    member = record_offline_payment(application=application, method="cash",
                                    amount=Decimal("1.00"), received_on=timezone.localdate(),
                                    by=secretary).member

    response = signed_in(secretary).get(
        reverse("application_detail", args=[society.slug, application.pk]))

    assert f"Admitted as member number {member.membership_number}." in text(response)
    assert "Record a payment" not in text(response)


def test_application_rejected_via_page_needs_reason(signed_in, society, secretary, application):
    url = reverse("application_detail", args=[society.slug, application.pk])

    response = signed_in(secretary).post(url, {"reject": "1", "reject-reason": ""})

    assert response.status_code == 200
    assert_field_error(response, "reject-reason", "Give a reason. The applicant will be told it.")
    application.refresh_from_db()
    assert application.state == "pending"


def test_application_rejected_via_page_tells_applicant(signed_in, society, secretary,
                                                       application,
                                                       django_capture_on_commit_callbacks):
    url = reverse("application_detail", args=[society.slug, application.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(secretary).post(
            url, {"reject": "1", "reject-reason": "We only cover Sheffield."}, follow=True)

    assert "They have been told why" in text(response)
    application.refresh_from_db()
    assert application.state == "rejected"
    assert "We only cover Sheffield." in mail.outbox[0].body


def test_application_decided_shows_no_forms(signed_in, society, secretary, application):
    services.reject_application(application, by=secretary, reason="No")
    url = reverse("application_detail", args=[society.slug, application.pk])
    client = signed_in(secretary)

    response = client.get(url)
    client.post(url, {"approve": "1"})

    assert "Not approved" in text(response)
    assert 'name="approve"' not in response.content.decode()
    assert not Member.objects.exists()


def test_application_of_other_society_not_found(signed_in, society, other_society, secretary):
    elsewhere = ApplicationFactory(society=other_society)

    response = signed_in(secretary).post(
        reverse("application_detail", args=[society.slug, elsewhere.pk]), {"approve": "1"})

    assert response.status_code == 404
    assert not Member.objects.exists()


# --- a member's own pages -------------------------------------------------------------------

def details_data(member, **changes) -> dict:
    prefs = [k for k in ("contact_by_email", "contact_by_post", "large_print", "easy_read")
             if getattr(member, k)]
    return {"full_name": member.full_name, "address": member.address,
            "postcode": member.postcode, "email": member.email, "phone": member.phone,
            "access_needs": member.access_needs, "preferences": prefs, **changes}


def test_member_edits_details_and_sees_history(signed_in, society):
    member = MemberFactory(society=society, postcode="S1 2AB")
    client = signed_in(member.user)

    response = client.post(reverse("edit_details", args=[society.slug]),
                           details_data(member, postcode="LS2 9JT",
                                        preferences=["contact_by_email", "large_print"]),
                           follow=True)

    page = text(response)
    assert "Your details have been updated." in page
    assert re.search(r"Postcode S1 2AB LS2 9JT", page)
    assert re.search(r"Largeprint no yes", page)
    member.refresh_from_db()
    assert (member.postcode, member.large_print) == ("LS2 9JT", True)
    assert RegisterChange.objects.filter(member=member).count() == 2


def test_member_edit_details_unchanged_says_nothing_changed(signed_in, society, member):
    response = signed_in(member.user).post(reverse("edit_details", args=[society.slug]),
                                           details_data(member), follow=True)

    assert "Nothing was changed." in text(response)
    assert not RegisterChange.objects.exists()


def test_member_edit_details_errors_shown(signed_in, society, member):
    response = signed_in(member.user).post(reverse("edit_details", args=[society.slug]),
                                           details_data(member, full_name="", email="nope"))

    assert_field_error(response, "full_name", "Enter your full name.")
    assert_field_error(response, "email", "Enter an email address like name@example.com.")


def test_former_member_cannot_edit_details(signed_in, society, member, secretary):
    services.cease_membership(member, by=secretary, reason="resigned")
    client = signed_in(member.user)

    response = client.post(reverse("edit_details", args=[society.slug]),
                           details_data(member, postcode="YO1 7HH"), follow=True)

    assert "Your membership has ended" in text(response)
    member.refresh_from_db()
    assert member.postcode != "YO1 7HH"


def test_my_membership_shows_number_class_and_share(signed_in, society, member):
    page = text(signed_in(member.user).get(reverse("my_membership", args=[society.slug])))

    assert f"Membership number {member.membership_number}" in page
    assert "Class Service user" in page
    assert "1 share, £1.00 paid" in page
    assert "No changes yet." in page


def test_member_asks_to_change_class_and_trustee_decides(client, society, member,
                                                         officer_for):
    client.force_login(member.user)
    carer = society.member_classes.get(name="Carer")
    client.post(reverse("change_class", args=[society.slug]),
                {"to_class": carer.pk, "reason": "I no longer use care"})
    request = ClassChangeRequest.objects.get(member=member)

    client.force_login(officer_for("trustee"))
    listing = text(client.get(reverse("class_changes", args=[society.slug])))
    response = client.post(reverse("decide_class_change", args=[society.slug, request.pk]),
                           {"decision": "approve", "note": ""}, follow=True)

    assert "From Service user to Carer" in listing
    assert "The decision has been recorded" in text(response)
    member.refresh_from_db()
    assert member.member_class == carer


def test_class_change_refusal_needs_note_on_page(signed_in, society, member, secretary):
    request = services.request_class_change(
        member, to_class=society.member_classes.get(name="Carer"), reason="Why not")

    response = signed_in(secretary).post(
        reverse("decide_class_change", args=[society.slug, request.pk]), {"decision": "reject"})

    assert_field_error(response, "note", "Give a reason. The member will be told it.")
    request.refresh_from_db()
    assert request.state == "pending"


def test_member_resigns(signed_in, society, member):
    client = signed_in(member.user)

    # A browser always sends the CSRF token, so an unticked form is never an empty POST.
    refused = client.post(reverse("resign", args=[society.slug]), {"csrfmiddlewaretoken": "x"})
    response = client.post(reverse("resign", args=[society.slug]), {"confirm": "on"},
                           follow=True)

    assert_field_error(refused, "confirm", "Tick the box to confirm that you want to resign.")
    assert "You have resigned." in text(response)
    assert "Your membership ended on" in text(response)
    member.refresh_from_db()
    assert member.cessation_reason == "resigned"


def test_inspection_copy_shows_names_and_addresses_only_and_is_logged(signed_in, society):
    member = MemberFactory(society=society, full_name="Alex Morgan", access_needs="BSL")
    MemberFactory(society=society, full_name="Sam Evans")

    response = signed_in(member.user).get(reverse("inspection_copy", args=[society.slug]))

    page = text(response)
    assert "Alex Morgan" in page and "Sam Evans" in page
    assert "BSL" not in page and "Service user" not in page
    assert AuditEntry.objects.filter(
        action="membership.register.inspection_copy_requested", actor=member.user).exists()


def test_inspection_copy_refused_to_former_member(signed_in, society, member, secretary):
    """A former member (an expelled one, say) no longer sees other members' addresses."""
    MemberFactory(society=society, full_name="Still A Member")
    services.cease_membership(member, by=secretary, reason="expelled", note="Board, 1 May")

    response = signed_in(member.user).get(reverse("inspection_copy", args=[society.slug]))

    assert response.status_code == 403
    assert "Still A Member" not in text(response)


# --- the register ---------------------------------------------------------------------------

@pytest.fixture
def register_members(society):
    carer = society.member_classes.get(name="Carer")
    return {
        "alex": MemberFactory(society=society, full_name="Alex Morgan", postcode="S1 2AB",
                              email="alex@example.org"),
        "sam": MemberFactory(society=society, full_name="Sam Evans", member_class=carer,
                             postcode="LS2 7EE", email="sam@example.org"),
        "gone": MemberFactory(society=society, full_name="Gone Away",
                              ceased_on=timezone.localdate(), cessation_reason="resigned"),
    }


def names_on(response) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'<a href="/s/[^/]+/officers/register/\d+/">([^<]+)</a>', html))


@pytest.mark.parametrize("query, expected", [
    ({}, {"Alex Morgan", "Sam Evans"}),
    ({"q": "evans"}, {"Sam Evans"}),
    ({"q": "S12AB"}, {"Alex Morgan"}),
    ({"q": "s1 2ab"}, {"Alex Morgan"}),
    ({"q": "LS2 7EE"}, {"Sam Evans"}),
    ({"status": "former"}, {"Gone Away"}),
    ({"status": "all"}, {"Alex Morgan", "Sam Evans", "Gone Away"}),
    ({"q": "nobody"}, set()),
])
def test_register_search_and_status(signed_in, society, secretary, register_members, query,
                                    expected):
    response = signed_in(secretary).get(reverse("register", args=[society.slug]), query)

    assert names_on(response) == expected


def test_register_filter_by_class_and_number(signed_in, society, secretary, register_members):
    client = signed_in(secretary)
    carer = society.member_classes.get(name="Carer")
    url = reverse("register", args=[society.slug])

    by_class = client.get(url, {"member_class": carer.pk})
    by_number = client.get(url, {"q": str(register_members["alex"].membership_number)})

    assert names_on(by_class) == {"Sam Evans"}
    assert names_on(by_number) == {"Alex Morgan"}
    assert "2 members found." in text(client.get(url))


def test_register_shows_no_member_of_other_society(signed_in, society, other_society,
                                                   secretary):
    MemberFactory(society=society, full_name="Ours")
    MemberFactory(society=other_society, full_name="Theirs")

    response = signed_in(secretary).get(reverse("register", args=[society.slug]),
                                        {"status": "all"})

    assert names_on(response) == {"Ours"}


@pytest.mark.parametrize("count", [1, 200])
def test_register_page_query_count_constant(signed_in, society, secretary, count,
                                            django_assert_max_num_queries):
    MemberFactory.create_batch(count, society=society)
    client = signed_in(secretary)

    with django_assert_max_num_queries(REGISTER_QUERY_BOUND):
        response = client.get(reverse("register", args=[society.slug]))

    assert f"{count} member{'s' if count > 1 else ''} found." in text(response)


def test_register_export_csv_lists_members_and_is_logged(signed_in, society, secretary,
                                                         register_members):
    response = signed_in(secretary).get(reverse("register_export", args=[society.slug, "csv"]))

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Alex Morgan" in body and "Gone Away" in body
    entry = AuditEntry.objects.get(action="membership.register.exported")
    assert entry.data == {"format": "csv", "rows": 3}


def test_member_detail_secretary_records_death(signed_in, society, secretary, member):
    url = reverse("member_detail", args=[society.slug, member.membership_number])
    client = signed_in(secretary)

    no_note = client.post(url, {"reason": "died", "on": str(timezone.localdate()), "note": ""})
    response = client.post(url, {"reason": "died", "on": str(timezone.localdate()),
                                 "note": "Told by her daughter"}, follow=True)

    assert_field_error(no_note, "note", "Write down the details")
    assert "membership has ended" in text(response)
    member.refresh_from_db()
    assert (member.cessation_reason, member.cessation_note) == ("died", "Told by her daughter")


def test_member_detail_trustee_may_only_record_resignation(signed_in, society, officer_for,
                                                          member):
    url = reverse("member_detail", args=[society.slug, member.membership_number])
    client = signed_in(officer_for("trustee"))

    page = client.get(url).content.decode()
    response = client.post(url, {"reason": "expelled", "on": str(timezone.localdate()),
                                 "note": "Board decision"})

    assert 'value="resigned"' in page and 'value="expelled"' not in page
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.ceased_on is None


def test_member_detail_treasurer_cannot_end_membership(signed_in, society, officer_for,
                                                       member):
    url = reverse("member_detail", args=[society.slug, member.membership_number])

    signed_in(officer_for("treasurer")).post(
        url, {"reason": "resigned", "on": str(timezone.localdate())})

    member.refresh_from_db()
    assert member.ceased_on is None


def test_member_detail_shows_history(signed_in, society, secretary, member):
    services.update_member_details(member, by=member.user, phone="0114 496 0000")

    page = text(signed_in(secretary).get(
        reverse("member_detail", args=[society.slug, member.membership_number])))

    assert "Phone (empty) 0114 496 0000" in page


# --- member classes -------------------------------------------------------------------------

def classes_data(society, **changes) -> dict:
    """The classes formset as the page sends it, with {class name: {field: value}} changes."""
    classes = list(society.member_classes.all())
    data = {"save": "1", "classes-TOTAL_FORMS": str(len(classes)),
            "classes-INITIAL_FORMS": str(len(classes)), "classes-MIN_NUM_FORMS": "0",
            "classes-MAX_NUM_FORMS": "1000"}
    for i, c in enumerate(classes):
        row = {"id": c.pk, "name": c.name, "description": c.description,
               "eligibility": c.eligibility, "votes": c.votes, "weight": c.weight,
               "board_seats": c.board_seats, **changes.get(c.name, {})}
        for key, value in row.items():
            if value is True:
                data[f"classes-{i}-{key}"] = "on"
            elif value is not False:
                data[f"classes-{i}-{key}"] = str(value)
    return data


def test_classes_page_weight_error_shown(signed_in, society, secretary):
    response = signed_in(secretary).post(
        reverse("member_classes", args=[society.slug]),
        classes_data(society, **{name: {"weight": "0"} for name in
                                 ("Service user", "Carer", "Personal assistant")}),
        follow=True)

    assert "Give at least one voting class a weight of 1 part or more." in text(response)
    assert society.member_classes.get(name="Carer").weight == 25


def test_classes_page_saves_new_weights_and_names(signed_in, society, secretary, member):
    response = signed_in(secretary).post(
        reverse("member_classes", args=[society.slug]),
        classes_data(society, **{"Service user": {"weight": "40", "name": "People using care"},
                                 "Carer": {"weight": "35"}}), follow=True)

    assert "The member classes have been saved." in text(response)
    assert [(c.name, c.weight) for c in society.member_classes.all()] == [
        ("People using care", 40), ("Carer", 35), ("Personal assistant", 25)]
    member.refresh_from_db()
    assert member.member_class.name == "People using care"


def test_classes_page_add_class_keeps_100_percent(signed_in, society, secretary):
    response = signed_in(secretary).post(
        reverse("member_classes", args=[society.slug]),
        {"add": "1", "new-name": "Supporter", "new-description": "Friends of the co-op",
         "new-eligibility": "Anyone who supports us"}, follow=True)

    assert "“Supporter” has been added with no weight (0 parts)" in text(response)
    supporter = society.member_classes.get(name="Supporter")
    assert (supporter.votes, supporter.weight) == (False, 0)
    voting = society.member_classes.filter(votes=True)
    assert sum(c.weight for c in voting) == 100


def test_classes_page_add_duplicate_name_refused(signed_in, society, secretary):
    response = signed_in(secretary).post(
        reverse("member_classes", args=[society.slug]),
        {"add": "1", "new-name": "carer", "new-votes": "on"}, follow=True)

    assert "Two classes cannot have the same name." in text(response)
    assert society.member_classes.count() == 3


def test_classes_page_trustee_refused(signed_in, society, officer_for):
    response = signed_in(officer_for("trustee")).post(
        reverse("member_classes", args=[society.slug]),
        {"add": "1", "new-name": "Supporter"})

    assert response.status_code == 403
    assert society.member_classes.count() == 3


# --- hints and errors stay linked to their fields in prefixed forms and for service errors --

@pytest.mark.parametrize("page", ["application", "classes"])
def test_prefixed_form_fields_point_to_hints_and_errors_on_page(signed_in, society, secretary,
                                                               application, page):
    client = signed_in(secretary)
    if page == "application":
        response = client.post(reverse("application_detail", args=[society.slug, application.pk]),
                               {"reject": "1", "reject-reason": ""})
    else:
        response = client.get(reverse("member_classes", args=[society.slug]))

    assert missing_descriptions(response) == []


def test_service_error_linked_to_its_field(signed_in, society, member, secretary):
    request = services.request_class_change(
        member, to_class=society.member_classes.get(name="Carer"), reason="Why not")

    response = signed_in(secretary).post(
        reverse("decide_class_change", args=[society.slug, request.pk]), {"decision": "reject"})

    assert_field_error(response, "note", "Give a reason. The member will be told it.")
