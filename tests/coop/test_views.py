"""coop pages through the Django test client: home, officers' dashboard, rules, register of
officers, audit log and the account page.

Every response these tests fetch passes through `PageCheckingClient`, which fails the test when a
page lacks a Content Security Policy, allows 'unsafe-inline', carries inline script or style, or
points a field's aria-describedby at a hint or error that is not on the page.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.api_auth import hash_key
from coop.models import ApiToken, AuditEntry
from tests.factories import MemberFactory, OfficerFactory, UserFactory
from tests.pages import PageCheckingClient, missing_descriptions, page_problems, text


@pytest.fixture
def client():
    return PageCheckingClient()


@pytest.fixture
def signed_in(client):
    """signed_in(user) -> the checking client with a session for `user`."""

    def make(user):
        client.force_login(user)
        return client

    return make


def test_page_checker_catches_inline_script_and_style():
    """The checker itself must fail on what it is meant to catch."""
    from django.http import HttpResponse

    bad = HttpResponse('<p style="color:red" onclick="x()">Hi</p><script>alert(1)</script>'
                       '<input aria-describedby="id_x_hint">')
    bad.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'unsafe-inline'"

    problems = page_problems(bad)

    assert any("style=" in p for p in problems)
    assert any("onclick" in p for p in problems)
    assert any("inline <script>" in p for p in problems)
    assert any("allows unsafe code" in p for p in problems)
    assert "aria-describedby on <input> points to missing id id_x_hint" in problems
    no_policy = HttpResponse("<p>fine</p>")
    assert page_problems(no_policy) == ["no Content-Security-Policy header"]


# --- home -----------------------------------------------------------------------------------

def test_home_anonymous_shows_landing_with_societies(client, society):
    response = client.get("/")

    assert response.status_code == 200
    assert "Create an account" in text(response)
    assert reverse("society", args=[society.slug]) in response.content.decode()


def test_home_member_sees_membership_details_and_empty_sections(signed_in, society):
    member = MemberFactory(society=society, full_name="Alex Morgan", postcode="S1 2AB",
                           address="1 Mill Lane")

    page = text(signed_in(member.user).get("/"))

    assert society.name in page
    assert f"Member number {member.membership_number}, Service user" in page
    assert "Alex Morgan 1 Mill Lane S1 2AB" in page
    assert "Your shares 1 share (£1.00 paid)" in page
    assert "Open votes There are no open votes at the moment." in page
    assert "Meetings There are no meetings coming up." in page


def test_home_lists_open_votes_and_whether_the_member_has_voted(signed_in, society, secretary):
    from datetime import timedelta

    from django.utils import timezone

    from voting import services

    member = MemberFactory(society=society)
    ballot = services.create_ballot(society, by=secretary, title="Adopt the new rules",
                                    summary="Whether to adopt them.")
    services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + timedelta(days=3))
    client = signed_in(member.user)

    assert "Adopt the new rules : you have not voted yet. Voting closes on" in text(client.get("/"))
    services.cast_vote(ballot, member, {ballot.options.get(code="for").pk: 1})
    assert "Adopt the new rules : you have voted. Voting closes on" in text(client.get("/"))


def test_home_lists_called_meetings_and_a_live_one_to_check_in_to(signed_in, society,
                                                                  secretary):
    from datetime import timedelta

    from meetings import services
    from meetings.models import Meeting

    member = MemberFactory(society=society)
    called = services.create_meeting(society, by=secretary, kind="general", place="The hall",
                                     title="Summer general meeting",
                                     starts_at=timezone.now() + timedelta(days=20))
    services.send_notice(called, by=secretary)
    services.create_meeting(society, by=secretary, kind="agm", place="The hall",
                            title="Not yet called", starts_at=timezone.now() + timedelta(days=40))
    client = signed_in(member.user)

    page = text(client.get("/"))
    assert "Meetings Summer general meeting :" in page and "Not yet called" not in page

    Meeting.objects.filter(pk=called.pk).update(starts_at=timezone.now())
    services.start_meeting(called, by=secretary)
    assert "Summer general meeting : happening now. Check in" in text(client.get("/"))


def test_home_member_does_not_see_other_society(signed_in, society, other_society):
    member = MemberFactory(society=society)
    MemberFactory(society=other_society, full_name="Someone Elsewhere")

    page = text(signed_in(member.user).get("/"))

    assert "Someone Elsewhere" not in page
    assert "Join a co-op" in page
    assert other_society.name in page


def test_home_applicant_sees_pending_application(signed_in, society, user):
    from tests.factories import ApplicationFactory

    ApplicationFactory(society=society, user=user,
                       member_class=society.member_classes.get(name="Carer"))

    page = text(signed_in(user).get("/"))

    assert "You applied to join as a carer" in page


def test_home_former_member_sees_end_date(signed_in, society):
    member = MemberFactory(society=society, ceased_on=timezone.localdate(),
                           cessation_reason="resigned")

    page = text(signed_in(member.user).get("/"))

    assert "Former member (ended" in page


def test_former_member_is_not_offered_pages_only_current_members_may_use(signed_in, society):
    member = MemberFactory(society=society, ceased_on=timezone.localdate(),
                           cessation_reason="resigned")
    current = MemberFactory(society=society)

    former_page = signed_in(member.user).get(reverse("society", args=[society.slug]))
    current_page = signed_in(current.user).get(reverse("society", args=[society.slug]))

    for name in ("my_interests", "surplus_home"):
        link = reverse(name, args=[society.slug])
        assert link not in former_page.content.decode()
        assert link in current_page.content.decode()
    assert reverse("my_membership", args=[society.slug]) in former_page.content.decode()


def test_home_officer_sees_link_to_officer_pages(signed_in, society, secretary):
    response = signed_in(secretary).get("/")

    assert "You are: secretary" in text(response)
    assert reverse("officer_dashboard", args=[society.slug]) in response.content.decode()


# --- officers' dashboard --------------------------------------------------------------------

def test_officer_dashboard_shows_links_for_role(signed_in, society, officer_for):
    page = signed_in(officer_for("treasurer")).get(
        reverse("officer_dashboard", args=[society.slug])).content.decode()

    assert reverse("register", args=[society.slug]) in page
    assert reverse("audit_log", args=[society.slug]) in page
    assert reverse("applications", args=[society.slug]) not in page
    assert reverse("society_rules", args=[society.slug]) not in page


def test_officer_dashboard_links_treasurer_to_money_pages(signed_in, society, officer_for):
    from membership.services import approve_application
    from tests.factories import ApplicationFactory

    approve_application(ApplicationFactory(society=society), by=officer_for("secretary"))

    response = signed_in(officer_for("treasurer")).get(
        reverse("officer_dashboard", args=[society.slug]))

    html = response.content.decode()
    for name in ("reports", "withdrawals", "reconciliation"):
        assert reverse(name, args=[society.slug]) in html
    assert "1 approved applicant waiting to pay" in text(response)


def test_officer_dashboard_scrutineer_has_no_money_pages(signed_in, society, officer_for):
    html = signed_in(officer_for("scrutineer")).get(
        reverse("officer_dashboard", args=[society.slug])).content.decode()

    assert reverse("reports", args=[society.slug]) not in html
    assert reverse("withdrawals", args=[society.slug]) not in html


def test_officer_dashboard_counts_pending_applications(signed_in, society, secretary):
    from tests.factories import ApplicationFactory

    ApplicationFactory(society=society)
    ApplicationFactory(society=society)

    page = text(signed_in(secretary).get(reverse("officer_dashboard", args=[society.slug])))

    assert "2 waiting for a decision" in page


# --- the society's rules --------------------------------------------------------------------

def rules_data(society, **changes) -> dict:
    """The rules form as the page would send it back unchanged, with `changes` applied."""
    values = {
        "name": society.name, "registration_number": society.registration_number,
        "address": society.address, "contact_email": society.contact_email,
        "financial_year_end_day": society.financial_year_end_day,
        "financial_year_end_month": society.financial_year_end_month,
        "share_value": society.share_value, "notice_clear_days": society.notice_clear_days,
        "quorum_minimum": society.quorum_minimum, "quorum_percent": society.quorum_percent,
        "special_resolution_percent": society.special_resolution_percent,
        "proxies_allowed": society.proxies_allowed,
        "max_proxies_per_holder": society.max_proxies_per_holder,
        "online_meetings_allowed": society.online_meetings_allowed,
        "hybrid_meetings_allowed": society.hybrid_meetings_allowed,
        "quorum_counts_proxies": society.quorum_counts_proxies,
        "proxy_deadline_clear_days": society.proxy_deadline_clear_days,
        "requisition_percent": society.requisition_percent,
        "requisition_maximum": society.requisition_maximum,
        "agm_months_after_year_end": society.agm_months_after_year_end,
        "agm_max_months_between": society.agm_max_months_between,
        "trustee_term_years": society.trustee_term_years,
        "proxy_deadline_unit": society.proxy_deadline_unit,
        "proxy_deadline_hours": society.proxy_deadline_hours,
        "post_deemed_delivery_hours": society.post_deemed_delivery_hours,
        "allow_advance_votes": society.allow_advance_votes,
        "advance_votes_close_hours": society.advance_votes_close_hours,
        "not_cast_money": society.not_cast_money,
        "empty_class_policy": society.empty_class_policy,
        "conflict_policy": society.conflict_policy,
        "class_breakdown_minimum": society.class_breakdown_minimum,
        "max_voters_helped_per_ballot": society.max_voters_helped_per_ballot,
        "shares_withdrawable": society.shares_withdrawable,
        "withdrawal_notice_days": society.withdrawal_notice_days,
        "withdrawals_suspended": society.withdrawals_suspended,
        "max_holding": society.max_holding,
        "multiple_shares_allowed": society.multiple_shares_allowed,
        "payment_instructions": society.payment_instructions,
        "reserve_rule": society.reserve_rule, "reserve_percent": society.reserve_percent,
        "reserve_fixed": society.reserve_fixed, "asset_lock": society.asset_lock,
        **{f: getattr(society, f) for f in (
            "register_retention_years", "contact_retention_years",
            "declaration_retention_years", "proxy_retention_years",
            "attendance_retention_years", "nomination_retention_years",
            "ballot_challenge_days")},
        **changes,
    }
    data = {}
    for key, value in values.items():
        if value is True:
            data[key] = "on"
        elif value is not False:
            data[key] = str(value)
    return data


@pytest.fixture
def rules_url(society):
    return reverse("society_rules", args=[society.slug])


def test_rules_page_shows_current_rules(signed_in, society, secretary, rules_url):
    response = signed_in(secretary).get(rules_url)

    assert response.status_code == 200
    assert 'name="special_resolution_percent" value="75' in response.content.decode()


def test_rules_page_groups_share_rules_under_headings(signed_in, society, secretary,
                                                     rules_url):
    response = signed_in(secretary).get(rules_url)

    html = response.content.decode()
    headings = re.findall(r"<h2>([^<]+)</h2>", html)
    assert headings == ["About the society", "Financial year", "Shares",
                        "When a member leaves", "General meetings", "Proxies",
                        "Voting ahead of a meeting", "Voting", "Surplus", "Keeping personal data"]
    shares = html[html.index("<h2>Shares</h2>"):html.index("<h2>When a member leaves</h2>")]
    leaving = html[html.index("<h2>When a member leaves</h2>"):
                   html.index("<h2>General meetings</h2>")]
    for name in ("share_value", "multiple_shares_allowed", "max_holding",
                 "payment_instructions"):
        assert f'name="{name}"' in shares
    for name in ("shares_withdrawable", "withdrawal_notice_days", "withdrawals_suspended"):
        assert f'name="{name}"' in leaving
    assert "Members get their share money back when they leave" in text(response)


def test_rules_share_rules_saved_and_audited(signed_in, society, secretary, rules_url):
    response = signed_in(secretary).post(rules_url, rules_data(
        society, shares_withdrawable=False, multiple_shares_allowed=True, max_holding="20000",
        payment_instructions="Sort code 00-00-00, account 12345678"), follow=True)

    assert "The society's rules have been saved." in text(response)
    society.refresh_from_db()
    assert (society.shares_withdrawable, society.multiple_shares_allowed, society.max_holding) == (
        False, True, Decimal("20000"))
    assert society.payment_instructions == "Sort code 00-00-00, account 12345678"
    entry = AuditEntry.objects.get(action="coop.society.rules_changed")
    assert set(entry.data) == {"shares_withdrawable", "multiple_shares_allowed", "max_holding",
                               "payment_instructions"}


def test_rules_holding_cap_below_one_share_refused(signed_in, society, secretary, rules_url):
    response = signed_in(secretary).post(rules_url, rules_data(
        society, share_value="5.00", max_holding="1.00"))

    assert "There is a problem" in text(response)
    assert "cannot be less than the value of one share" in text(response)
    assert 'id="id_max_holding_error"' in response.content.decode()
    assert "Constraint" not in text(response)
    society.refresh_from_db()
    assert society.max_holding == Decimal("100000")


def test_home_approved_applicant_is_asked_to_pay(signed_in, society, secretary, user):
    from membership.services import approve_application
    from tests.factories import ApplicationFactory

    approve_application(ApplicationFactory(society=society, user=user), by=secretary)

    response = signed_in(user).get("/")

    assert "has been approved. You become a member when you have paid" in text(response)
    assert reverse("pay", args=[society.slug]) in response.content.decode()


def test_rules_change_saved_and_audited(signed_in, society, secretary, rules_url):
    response = signed_in(secretary).post(
        rules_url, rules_data(society, notice_clear_days=21, proxies_allowed=False),
        follow=True)

    assert "The society's rules have been saved." in text(response)
    society.refresh_from_db()
    assert (society.notice_clear_days, society.proxies_allowed) == (21, False)
    entry = AuditEntry.objects.get(action="coop.society.rules_changed")
    assert entry.actor == secretary
    assert entry.data == {"notice_clear_days": {"from": 14, "to": 21},
                          "proxies_allowed": {"from": True, "to": False}}


def test_rules_advance_voting_saved_and_audited(signed_in, society, secretary, rules_url):
    page = signed_in(secretary).get(rules_url).content.decode()
    ahead = page[page.index("<h2>Voting ahead of a meeting</h2>"):page.index("<h2>Voting</h2>")]
    assert 'name="allow_advance_votes"' in ahead and 'name="advance_votes_close_hours"' in ahead

    response = signed_in(secretary).post(rules_url, rules_data(
        society, allow_advance_votes=True, advance_votes_close_hours=72), follow=True)

    assert "The society's rules have been saved." in text(response)
    society.refresh_from_db()
    assert (society.allow_advance_votes, society.advance_votes_close_hours) == (True, 72)
    entry = AuditEntry.objects.get(action="coop.society.rules_changed")
    assert entry.data == {"allow_advance_votes": {"from": False, "to": True},
                          "advance_votes_close_hours": {"from": 48, "to": 72}}


def test_rules_advance_voting_needs_at_least_an_hour(signed_in, society, secretary, rules_url):
    response = signed_in(secretary).post(rules_url, rules_data(
        society, allow_advance_votes=True, advance_votes_close_hours=0))

    assert response.status_code == 200
    assert "greater than or equal to 1" in text(response)
    society.refresh_from_db()
    assert not society.allow_advance_votes


def test_rules_conflict_policy_saved_and_audited(signed_in, society, secretary, rules_url):
    page = signed_in(secretary).get(rules_url).content.decode()
    assert 'name="conflict_policy"' in page

    signed_in(secretary).post(rules_url, rules_data(society, conflict_policy="recuse"))

    society.refresh_from_db()
    assert society.conflict_policy == "recuse"
    entry = AuditEntry.objects.get(action="coop.society.rules_changed")
    assert entry.data == {"conflict_policy": {"from": "declare", "to": "recuse"}}


def test_rules_unchanged_writes_no_audit(signed_in, society, secretary, rules_url):
    signed_in(secretary).post(rules_url, rules_data(society))

    assert not AuditEntry.objects.filter(action="coop.society.rules_changed").exists()


@pytest.mark.parametrize("percent", ["50", "49.99", "100.01", "150"])
def test_rules_special_resolution_out_of_range_refused(signed_in, society, secretary, rules_url,
                                                       percent):
    response = signed_in(secretary).post(
        rules_url, rules_data(society, special_resolution_percent=percent))

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "Enter a percentage above 50 and no more than 100." in page
    assert "Constraint" not in page
    society.refresh_from_db()
    assert society.special_resolution_percent == Decimal("75")


@pytest.mark.parametrize("percent", ["50.01", "100"])
def test_rules_special_resolution_in_range_saved(signed_in, society, secretary, rules_url,
                                                 percent):
    signed_in(secretary).post(rules_url, rules_data(society, special_resolution_percent=percent))

    society.refresh_from_db()
    assert society.special_resolution_percent == Decimal(percent)


@pytest.mark.parametrize("month, day", [(2, 30), (4, 31), (6, 31), (2, 29)])
def test_rules_financial_year_end_must_exist(signed_in, society, secretary, rules_url, month,
                                             day):
    response = signed_in(secretary).post(rules_url, rules_data(
        society, financial_year_end_month=month, financial_year_end_day=day))

    assert "That day does not exist in that month." in text(response)
    assert 'id="id_financial_year_end_day_error"' in response.content.decode()
    society.refresh_from_db()
    assert (society.financial_year_end_month, society.financial_year_end_day) == (3, 31)


def test_rules_financial_year_end_valid_date_saved(signed_in, society, secretary, rules_url):
    signed_in(secretary).post(rules_url, rules_data(
        society, financial_year_end_month=12, financial_year_end_day=31))

    society.refresh_from_db()
    assert (society.financial_year_end_month, society.financial_year_end_day) == (12, 31)


def test_rules_trustee_refused(signed_in, society, officer_for, rules_url):
    response = signed_in(officer_for("trustee")).post(
        rules_url, rules_data(society, notice_clear_days=1))

    assert response.status_code == 403
    society.refresh_from_db()
    assert society.notice_clear_days == 14


# --- register of officers -------------------------------------------------------------------

def test_officers_register_shows_start_and_end_dates(signed_in, society, secretary):
    OfficerFactory(society=society, role="treasurer", user=UserFactory(display_name="Kim Ode"),
                   started_on=date(2024, 1, 15), ended_on=date(2025, 2, 1))

    page = text(signed_in(secretary).get(reverse("officers_register", args=[society.slug])))

    assert "Kim Ode Treasurer 15 Jan 2024 1 Feb 2025" in page
    assert "Secretary" in page and "Current" in page


def test_officers_register_appoint_officer(signed_in, society, secretary):
    person = UserFactory(email="new.trustee@example.org", display_name="Nia Trustee")

    response = signed_in(secretary).post(
        reverse("officers_register", args=[society.slug]),
        {"email": "New.Trustee@example.org", "role": "trustee", "started_on": "2026-01-05"},
        follow=True)

    assert "The officer has been added to the register." in text(response)
    assert "Nia Trustee Trustee 5 Jan 2026" in text(response)
    assert person.offices.get().society == society


def test_officers_register_appoint_unknown_email_shows_error(signed_in, society, secretary):
    response = signed_in(secretary).post(
        reverse("officers_register", args=[society.slug]),
        {"email": "nobody@example.org", "role": "trustee", "started_on": "2026-01-05"})

    assert "Nobody has an account with that email address." in text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert missing_descriptions(response) == []


def test_officers_register_end_term(signed_in, society, secretary):
    officer = OfficerFactory(society=society, role="trustee")

    response = signed_in(secretary).post(
        reverse("end_office", args=[society.slug, officer.pk]), follow=True)

    assert "term as trustee has ended" in text(response)
    officer.refresh_from_db()
    assert officer.ended_on == timezone.localdate()


def test_officers_register_trustee_cannot_appoint(signed_in, society, officer_for):
    trustee = officer_for("trustee")
    UserFactory(email="someone@example.org")

    response = signed_in(trustee).post(
        reverse("officers_register", args=[society.slug]),
        {"email": "someone@example.org", "role": "chair", "started_on": "2026-01-05"})

    assert "Add an officer" not in text(response)
    assert not society.officers.filter(role="chair").exists()


def test_end_office_other_society_officer_not_found(signed_in, society, other_society,
                                                    secretary):
    elsewhere = OfficerFactory(society=other_society, role="trustee")

    response = signed_in(secretary).post(
        reverse("end_office", args=[society.slug, elsewhere.pk]))

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.ended_on is None


# --- audit log ------------------------------------------------------------------------------

def test_audit_log_visible_to_secretary(signed_in, society, secretary):
    from coop.services import update_rules

    update_rules(society, by=secretary, notice_clear_days=28)

    page = text(signed_in(secretary).get(reverse("audit_log", args=[society.slug])))

    assert "coop.society.rules_changed" in page
    assert "notice_clear_days" in page


def test_audit_log_shows_only_this_society(signed_in, society, other_society, secretary):
    from coop.services import update_rules

    update_rules(other_society, by=secretary, registration_number="RS-ELSEWHERE")

    page = text(signed_in(secretary).get(reverse("audit_log", args=[society.slug])))

    assert "RS-ELSEWHERE" not in page


@pytest.mark.parametrize("who", ["member", "scrutineer"])
def test_audit_log_refused_to_member_and_scrutineer(signed_in, society, officer_for, who):
    user = MemberFactory(society=society).user if who == "member" else officer_for("scrutineer")

    response = signed_in(user).get(reverse("audit_log", args=[society.slug]))

    assert response.status_code == 403
    assert "You cannot see this page" in text(response)


# --- account and API tokens -----------------------------------------------------------------

def test_account_token_created_and_key_shown_once(signed_in, user):
    client = signed_in(user)

    response = client.post(reverse("account_settings"), {"name": "Spreadsheet"})

    token = ApiToken.objects.get(user=user)
    key = re.search(r"<code>([A-Za-z0-9_-]{30,})</code>", response.content.decode()).group(1)
    assert hash_key(key) == token.key_hash
    assert token.name == "Spreadsheet"
    assert key not in client.get(reverse("account_settings")).content.decode()


def test_account_token_without_name_shows_error(signed_in, user):
    response = signed_in(user).post(reverse("account_settings"), {"name": ""})

    assert "Give the token a name." in text(response)
    assert not ApiToken.objects.exists()


def test_account_token_revoked(signed_in, user):
    client = signed_in(user)
    client.post(reverse("account_settings"), {"name": "Old laptop"})
    token = ApiToken.objects.get(user=user)

    response = client.post(reverse("revoke_api_token", args=[token.pk]), follow=True)

    assert "The token “Old laptop” no longer works." in text(response)
    assert "Old laptop" in text(response) and "Revoked" in text(response)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_account_token_of_someone_else_cannot_be_revoked(signed_in, user):
    from coop.api_auth import create_token

    theirs, _ = create_token(UserFactory(), "theirs")

    response = signed_in(user).post(reverse("revoke_api_token", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_account_page_needs_sign_in(client):
    response = client.get(reverse("account_settings"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
