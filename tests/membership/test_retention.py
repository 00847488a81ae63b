"""Retention that runs: with the default rules, on 1 June 2026, things on each side of each
period are kept, stripped of contact details, anonymised or deleted; the dry run lists the
same and changes nothing; each run writes one audit entry with counts and no names."""

import io
import json
from datetime import date, datetime, time

import pytest
from django.core.management import call_command
from django.utils import timezone

from coop import audit
from coop.models import AuditEntry
from meetings.models import Apology, Attendance, Contest, Meeting, Nomination, Proxy
from membership.models import Declaration, Member
from membership.privacy.retention import apply_retention
from tests.factories import MemberFactory

TODAY = date(2026, 6, 1)


def at(day: date):
    return timezone.make_aware(datetime.combine(day, time(18)))


def former(society, name, ceased_on, **extra):
    return MemberFactory(society=society, full_name=name, admitted_on=date(2010, 1, 1),
                         ceased_on=ceased_on, cessation_reason="resigned",
                         phone="07700 900123", access_needs="Hearing loop", large_print=True,
                         **extra)


@pytest.fixture
def people(society):
    return {
        "ten_years_ago": former(society, "Ada Tenyears", date(2016, 6, 1)),
        "a_day_short_of_ten": former(society, "Basil Almostten", date(2016, 6, 2)),
        "one_year_ago": former(society, "Cora Oneyear", date(2025, 6, 1)),
        "a_day_short_of_one": former(society, "Dev Almostone", date(2025, 6, 2)),
        "current": MemberFactory(society=society, full_name="Esme Current",
                                 phone="07700 900456", access_needs="Step-free access"),
    }


def declaration(society, member, ended_on, previous=None):
    return Declaration.objects.create(
        society=society, person=member.user, person_name=member.full_name,
        interest_type="financial", description="Owns a care agency", ended_on=ended_on,
        declared_by=member.user, previous=previous)


def meeting(society, day, by):
    return Meeting.objects.create(society=society, kind="agm", title=f"AGM {day}",
                                  starts_at=at(day), place="The hall", created_by=by)


@pytest.fixture
def records(society, people, secretary):
    esme = people["current"]
    others = [MemberFactory(society=society) for _ in range(2)]
    old = declaration(society, esme, None)
    ended_six = declaration(society, esme, date(2020, 6, 1), previous=old)
    ended_short = declaration(society, others[0], date(2020, 6, 2))
    current = declaration(society, others[1], None)
    meetings = {day: meeting(society, day, secretary) for day in (
        date(2024, 6, 1), date(2024, 6, 2), date(2023, 6, 1), date(2023, 6, 2))}
    proxies = {day: Proxy.objects.create(meeting=meetings[day], appointer=esme,
                                         holder=others[0])
               for day in (date(2024, 6, 1), date(2024, 6, 2))}
    attendance = {day: Attendance.objects.create(meeting=meetings[day], member=others[1])
                  for day in (date(2023, 6, 1), date(2023, 6, 2))}
    apologies = {day: Apology.objects.create(meeting=meetings[day], member=esme)
                 for day in (date(2023, 6, 1), date(2023, 6, 2))}
    nominations = {}
    for day in (date(2023, 6, 1), date(2023, 6, 2)):
        contest = Contest.objects.create(meeting=meetings[day], member_class=esme.member_class,
                                         seats=1, nominations_close_at=at(day))
        nominations[day] = Nomination.objects.create(contest=contest, candidate=esme,
                                                      proposer=others[0])
    return {"declarations": (old, ended_six, ended_short, current), "proxies": proxies,
            "attendance": attendance, "apologies": apologies, "nominations": nominations}


def fresh(member) -> Member:
    return Member.objects.get(pk=member.pk)


def test_register_entry_anonymised_ten_years_after_ceasing_and_not_a_day_before(
        society, people):
    apply_retention(society, today=TODAY)

    ada, basil = fresh(people["ten_years_ago"]), fresh(people["a_day_short_of_ten"])
    assert ada.anonymised_at is not None
    assert ada.full_name == "Former member"
    assert (ada.address, ada.postcode, ada.phone, ada.access_needs) == ("", "", "", "")
    assert ada.shares_held == 1 and ada.ceased_on == date(2016, 6, 1), "the register keeps these"
    assert basil.anonymised_at is None and basil.full_name == "Basil Almostten"


def test_contact_details_removed_a_year_after_ceasing_keeping_what_the_register_needs(
        society, people):
    apply_retention(society, today=TODAY)

    basil, cora, dev = (fresh(people[k]) for k in (
        "a_day_short_of_ten", "one_year_ago", "a_day_short_of_one"))
    for removed in (basil, cora):
        assert removed.contact_removed_at is not None
        assert (removed.email, removed.phone, removed.access_needs) == ("", "", "")
        assert not removed.large_print
        assert removed.full_name and removed.address, "the register still needs these"
    assert dev.contact_removed_at is None
    assert (dev.phone, dev.access_needs, dev.large_print) == ("07700 900123", "Hearing loop",
                                                              True)


def test_current_member_is_untouched(society, people):
    apply_retention(society, today=TODAY)

    esme = fresh(people["current"])
    assert (esme.full_name, esme.phone, esme.access_needs) == (
        "Esme Current", "07700 900456", "Step-free access")


def test_declarations_deleted_six_years_after_ending_with_their_earlier_versions(
        society, records):
    old, ended_six, ended_short, current = records["declarations"]

    apply_retention(society, today=TODAY)

    left = set(Declaration.objects.values_list("pk", flat=True))
    assert left == {ended_short.pk, current.pk}


def test_meeting_records_deleted_after_their_periods(society, records):
    apply_retention(society, today=TODAY)

    assert set(Proxy.objects.values_list("meeting__starts_at__date", flat=True)) == {
        date(2024, 6, 2)}
    for model in (Attendance, Apology):
        assert set(model.objects.values_list("meeting__starts_at__date", flat=True)) == {
            date(2023, 6, 2)}, model
    assert set(Nomination.objects.values_list("contest__meeting__starts_at__date",
                                              flat=True)) == {date(2023, 6, 2)}


def test_longer_society_rule_keeps_what_the_default_would_remove(society, records, people):
    society.register_retention_years = 12
    society.proxy_retention_years = 3
    society.save()

    apply_retention(society, today=TODAY)

    assert fresh(people["ten_years_ago"]).anonymised_at is None
    assert Proxy.objects.count() == 2


def test_run_writes_one_audit_entry_with_counts_and_no_names(society, people, records):
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    apply_retention(society, today=TODAY)

    [entry] = AuditEntry.objects.filter(id__gt=before)
    assert entry.action == "membership.retention.applied"
    assert entry.data["counts"] == {
        "register_entries_anonymised": 1, "contact_details_removed": 2,
        "declarations_deleted": 2, "proxies_deleted": 1, "attendance_deleted": 1,
        "apologies_deleted": 1, "withdrawals_deleted": 0, "nominations_deleted": 1,
        "marked_rolls_reduced": 0}
    text = json.dumps(entry.data) + entry.object_repr + entry.actor_label
    for name in ("Ada", "Basil", "Cora", "Esme", "Tenyears"):
        assert name not in text
    assert audit.verify() is None


def test_second_run_changes_nothing(society, people, records):
    apply_retention(society, today=TODAY)

    again = apply_retention(society, today=TODAY)

    assert set(again.counts.values()) == {0}


def test_dry_run_command_lists_the_people_and_changes_nothing(society, people, records):
    before = AuditEntry.objects.count()
    out = io.StringIO()

    call_command("apply_retention", "--dry-run", "--today", "2026-06-01", stdout=out)

    text = out.getvalue()
    assert "register entries anonymised: 1" in text and "Ada Tenyears" in text
    assert "contact details removed: 2" in text
    assert "Basil Almostten" in text and "Cora Oneyear" in text
    assert "Dev Almostone" not in text
    assert "proxies deleted: 1" in text
    assert AuditEntry.objects.count() == before
    assert fresh(people["ten_years_ago"]).anonymised_at is None
    assert Proxy.objects.count() == 2 and Declaration.objects.count() == 4


def test_command_applies_and_the_audit_chain_still_verifies(society, people, records):
    call_command("apply_retention", "--today", "2026-06-01", stdout=io.StringIO())
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    assert fresh(people["ten_years_ago"]).anonymised_at is not None
    assert "intact" in out.getvalue()


def test_queued_task_applies_every_society(society, people):
    out = io.StringIO()

    call_command("apply_retention", "--queue", stdout=out)

    # Tests run tasks immediately; the real "today" is long after all these dates.
    assert fresh(people["ten_years_ago"]).anonymised_at is not None
    assert "Queued" in out.getvalue()
