"""The register of interests: topics and deemed classes, versioned declarations that are never
edited or deleted, and officers' returns with their reminders."""

import importlib
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coop import audit_names
from coop.models import AuditEntry, Officer, Society
from membership.enums import DEFAULT_TOPICS, InterestType
from membership.interests import returns, selectors, services
from membership.interests.services import InterestError
from membership.models import Declaration, DeclarationReminder, InterestTopic, OfficerReturn
from membership.services import create_default_classes
from tests.factories import OfficerFactory, UserFactory

PA_PAY = "PA pay and conditions"
SUPPLIERS = "Contracts and suppliers"


def topic(society, name):
    return InterestTopic.objects.get(society=society, name=name)


def actions(obj=None, prefix="membership."):
    entries = AuditEntry.objects.filter(action__startswith=prefix).order_by("id")
    if obj is not None:
        entries = entries.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    return list(entries.values_list("action", flat=True))


def declare(society, person, *, by=None, topics=(SUPPLIERS,), **fields):
    fields = {"interest_type": InterestType.FAMILY, "other_party": "Acme Care Ltd",
              "description": "My sister runs a care agency that bids for our contracts.",
              "began_on": date(2024, 5, 1)} | fields
    return services.declare(society, person, by=by or person,
                            topics=[topic(society, t) for t in topics], **fields)


# --- topics -----------------------------------------------------------------------------------

def test_a_new_society_starts_with_five_topics_and_pas_deemed_in_pa_pay(society):
    assert [t.name for t in selectors.topics(society)] == DEFAULT_TOPICS
    deemed = {t.name: [c.name for c in t.deemed_classes.all()]
              for t in selectors.topics(society)}
    assert deemed == {PA_PAY: ["Personal assistant"], "New services for users": [],
                      "New services for carers": [], SUPPLIERS: [],
                      "Employment of relatives": []}


def test_the_data_migration_seeds_a_society_made_before_the_register(db):
    old = Society.objects.create(name="Old Co-op", slug="old")
    create_default_classes(old)
    migration = importlib.import_module("membership.migrations.0005_seed_interest_topics")

    migration.seed(apps, None)
    migration.seed(apps, None)  # running again adds nothing

    assert list(InterestTopic.objects.filter(society=old).values_list("name", flat=True)) == \
        DEFAULT_TOPICS
    assert [c.name for c in topic(old, PA_PAY).deemed_classes.all()] == ["Personal assistant"]


def test_the_data_migration_leaves_a_society_that_has_topics_alone(society):
    services.add_topic(society, name="Minibus", by=None)

    importlib.import_module("membership.migrations.0005_seed_interest_topics").seed(apps, None)

    assert InterestTopic.objects.filter(society=society).count() == 6


def test_officers_add_rename_and_retire_topics_and_each_is_audited(society, secretary):
    carers = society.member_classes.get(name="Carer")
    minibus = services.add_topic(society, name="  Minibus  ", deemed_classes=[carers],
                                 by=secretary)
    assert minibus.name == "Minibus"
    assert list(minibus.deemed_classes.all()) == [carers]
    assert minibus.position == len(DEFAULT_TOPICS)

    services.update_topic(minibus, name="Minibus and transport", deemed_classes=[],
                          by=secretary)
    minibus.refresh_from_db()
    assert minibus.name == "Minibus and transport"
    assert not minibus.deemed_classes.exists()

    services.retire_topic(minibus, by=secretary)
    assert minibus.retired_on == timezone.localdate()
    assert minibus not in selectors.topics(society)
    assert minibus in selectors.topics(society, include_retired=True)
    with pytest.raises(InterestError, match="already retired"):
        services.retire_topic(minibus, by=secretary)

    assert actions(minibus) == ["membership.topic.added", "membership.topic.changed",
                                "membership.topic.retired"]
    changed = AuditEntry.objects.get(action="membership.topic.changed")
    assert changed.data == {"before": {"name": "Minibus", "deemed": ["Carer"]},
                            "after": {"name": "Minibus and transport", "deemed": []}}
    assert changed.actor == secretary


@pytest.mark.parametrize("name", ["pa pay and conditions", " PA pay and conditions ", ""])
def test_a_topic_name_must_be_new_and_not_blank(society, secretary, name):
    with pytest.raises(InterestError) as error:
        services.add_topic(society, name=name, by=secretary)
    assert error.value.field == "name"
    assert InterestTopic.objects.filter(society=society).count() == len(DEFAULT_TOPICS)


def test_renaming_onto_another_topics_name_is_refused_but_keeping_its_own_is_fine(
        society, secretary):
    suppliers = topic(society, SUPPLIERS)
    with pytest.raises(InterestError) as error:
        services.update_topic(suppliers, name="Employment of Relatives", deemed_classes=[],
                              by=secretary)
    assert error.value.field == "name"

    services.update_topic(suppliers, name="Contracts and Suppliers", deemed_classes=[],
                          by=secretary)
    assert topic(society, "Contracts and Suppliers").pk == suppliers.pk


def test_another_societys_classes_cannot_be_deemed(society, other_society, secretary):
    theirs = other_society.member_classes.first()
    with pytest.raises(InterestError) as error:
        services.add_topic(society, name="Minibus", deemed_classes=[theirs], by=secretary)
    assert error.value.field == "deemed_classes"
    assert not InterestTopic.objects.filter(society=society, name="Minibus").exists()

    with pytest.raises(InterestError) as error:
        services.update_topic(topic(society, PA_PAY), name=PA_PAY, deemed_classes=[theirs],
                              by=secretary)
    assert error.value.field == "deemed_classes"
    assert [c.name for c in topic(society, PA_PAY).deemed_classes.all()] == ["Personal assistant"]
    assert actions() == []


def test_the_same_topic_name_may_be_used_by_two_societies(society, other_society, secretary):
    services.add_topic(society, name="Minibus", by=secretary)
    services.add_topic(other_society, name="Minibus", by=None)
    assert InterestTopic.objects.filter(name="Minibus").count() == 2


# --- declarations -----------------------------------------------------------------------------

def test_a_member_declares_an_interest_and_it_is_audited(society, member):
    declaration = declare(society, member.user)

    assert declaration.person_name == member.full_name
    assert declaration.other_party == "Acme Care Ltd"
    assert [t.name for t in declaration.topics.all()] == [SUPPLIERS]
    assert not declaration.is_ended
    assert list(Declaration.objects.current()) == [declaration]
    entry = AuditEntry.objects.get(action="membership.interest.declared")
    assert entry.actor == member.user
    assert entry.object_id == str(declaration.pk)
    assert entry.data == {"topics": [SUPPLIERS], "type": "family"}


def test_someone_who_is_not_a_member_is_named_by_their_account(society):
    officer = UserFactory(display_name="Sam Officer")
    assert declare(society, officer).person_name == "Sam Officer"


@pytest.mark.parametrize(("fields", "field"), [
    ({"interest_type": ""}, "interest_type"),
    ({"interest_type": "bribe"}, "interest_type"),
    ({"description": "   "}, "description"),
    ({"topics": ()}, "topics"),
    ({"began_on": date.today() + timedelta(days=2)}, "began_on"),
])
def test_a_declaration_with_a_mistake_is_refused_next_to_the_field(society, member, fields,
                                                                   field):
    with pytest.raises(InterestError) as error:
        declare(society, member.user, **fields)
    assert error.value.field == field
    assert not Declaration.objects.exists()
    assert actions() == []


def test_another_societys_topics_are_refused(society, other_society, member):
    with pytest.raises(InterestError) as error:
        services.declare(society, member.user, by=member.user,
                         topics=[topic(other_society, SUPPLIERS)], interest_type="financial",
                         description="A contract.")
    assert error.value.field == "topics"


def test_amending_adds_a_new_version_and_keeps_the_old_one(society, member):
    first = declare(society, member.user)

    second = services.amend(first, by=member.user, note="She sold the agency's shares",
                            interest_type=InterestType.PERSONAL,
                            topics=[topic(society, SUPPLIERS), topic(society, PA_PAY)])

    first.refresh_from_db()
    assert second.pk != first.pk
    assert second.previous == first
    assert first.interest_type == "family"  # the old version is untouched
    assert second.interest_type == "personal"
    assert second.description == first.description  # unchanged fields carry over
    assert second.other_party == "Acme Care Ltd"
    assert second.began_on == date(2024, 5, 1)
    assert {t.name for t in second.topics.all()} == {SUPPLIERS, PA_PAY}
    assert [t.name for t in first.topics.all()] == [SUPPLIERS]
    assert list(Declaration.objects.latest_versions()) == [second]
    assert Declaration.objects.count() == 2
    assert selectors.history(first) == [first, second]
    assert selectors.history(second) == [first, second]
    entry = AuditEntry.objects.get(action="membership.interest.amended")
    assert entry.object_id == str(second.pk)
    assert entry.data == {"previous": first.pk, "changed": ["interest_type", "topics"],
                          "note": "She sold the agency's shares"}


def test_history_follows_three_versions_from_any_of_them(society, member):
    first = declare(society, member.user)
    second = services.amend(first, by=member.user, description="Now my brother's agency.")
    third = services.end(second, by=member.user, ended_on=timezone.localdate())
    for version in (first, second, third):
        assert selectors.history(version) == [first, second, third]
    assert list(Declaration.objects.latest_versions()) == [third]


def test_an_amended_version_cannot_be_amended_or_ended_again(society, member):
    first = declare(society, member.user)
    services.amend(first, by=member.user, description="Updated.")

    with pytest.raises(InterestError, match="already been amended"):
        services.amend(first, by=member.user, description="Again.")
    with pytest.raises(InterestError, match="already been amended"):
        services.end(first, by=member.user)
    assert Declaration.objects.count() == 2


def test_an_amendment_is_checked_like_a_declaration(society, member):
    first = declare(society, member.user)
    with pytest.raises(InterestError) as error:
        services.amend(first, by=member.user, description="")
    assert error.value.field == "description"
    assert Declaration.objects.count() == 1


def test_ending_an_interest_adds_a_version_with_the_end_date(society, member):
    first = declare(society, member.user)
    yesterday = timezone.localdate() - timedelta(days=1)

    ended = services.end(first, by=member.user, ended_on=yesterday, note="She retired")

    assert ended.previous == first
    assert ended.ended_on == yesterday
    assert ended.is_ended
    assert ended.description == first.description
    assert [t.name for t in ended.topics.all()] == [SUPPLIERS]
    assert not Declaration.objects.current().exists()
    assert list(Declaration.objects.latest_versions()) == [ended]
    with pytest.raises(InterestError, match="already ended"):
        services.end(ended, by=member.user)
    with pytest.raises(InterestError, match="has ended"):
        services.amend(ended, by=member.user, description="Back again.")
    assert actions() == ["membership.interest.declared", "membership.interest.ended"]
    assert AuditEntry.objects.get(action="membership.interest.ended").data == {
        "previous": first.pk, "ended_on": yesterday.isoformat(), "note": "She retired"}


def test_an_end_date_before_it_began_or_in_the_future_is_refused(society, member):
    first = declare(society, member.user, began_on=date(2024, 5, 1))
    for ended_on in (date(2024, 4, 30), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(InterestError) as error:
            services.end(first, by=member.user, ended_on=ended_on)
        assert error.value.field == "ended_on"
    assert Declaration.objects.count() == 1
    assert services.end(first, by=member.user, ended_on=date(2024, 5, 1)).ended_on == \
        date(2024, 5, 1)


def test_an_officer_can_record_a_declaration_for_a_member(society, member, secretary):
    declaration = declare(society, member.user, by=secretary)
    assert declaration.person == member.user
    assert declaration.declared_by == secretary
    assert AuditEntry.objects.get(action="membership.interest.declared").actor == secretary


def test_a_declaration_is_never_edited_or_deleted(society, member):
    declaration = declare(society, member.user)

    declaration.description = "Quietly changed"
    with pytest.raises(PermissionError):
        declaration.save()
    with pytest.raises(PermissionError):
        declaration.delete()
    with pytest.raises(PermissionError):
        Declaration.objects.filter(pk=declaration.pk).update(description="Quietly changed")
    with pytest.raises(PermissionError):
        Declaration.objects.update(description="Quietly changed")
    with pytest.raises(PermissionError):
        Declaration.objects.filter(pk=declaration.pk).delete()
    with pytest.raises(PermissionError):
        Declaration.objects.all().delete()

    declaration.refresh_from_db()
    assert declaration.description.startswith("My sister")


# --- officers' returns ------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 12, date(2026, 1, 31)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 3, 31), 1, date(2025, 4, 30)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2025, 12, 15), 12, date(2026, 12, 15)),
    (date(2025, 12, 31), 2, date(2026, 2, 28)),
])
def test_add_months_keeps_the_day_or_uses_the_months_last(day, months, expected):
    assert returns.add_months(day, months) == expected


def officer(society, started_on, role="trustee", **extra):
    return OfficerFactory(society=society, role=role, started_on=started_on, **extra).user


def return_made_on(society, person, day, nil=True):
    """A return made on `day` (the service stamps now; move it back as if made then)."""
    ret = returns.make_return(society, person, nil=nil, by=person)
    OfficerReturn.objects.filter(pk=ret.pk).update(
        made_at=timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=12))))
    return ret


def status_of(society, person, today):
    return next(s for s in returns.officer_statuses(society, today) if s.person == person)


def test_a_return_is_due_on_taking_office(society):
    trustee = officer(society, date(2026, 1, 10))

    status = status_of(society, trustee, date(2026, 1, 10))
    assert status.due_on == date(2026, 1, 10)
    assert status.last_return is None
    assert status.state == "due_soon"
    assert status_of(society, trustee, date(2026, 1, 11)).state == "overdue"
    assert status_of(society, trustee, date(2026, 1, 11)).state_label == "Overdue"


def test_the_next_return_is_due_twelve_months_after_the_last(society):
    trustee = officer(society, date(2024, 6, 1))
    ret = return_made_on(society, trustee, date(2025, 1, 31))

    status = status_of(society, trustee, date(2025, 6, 1))
    assert status.last_return == ret
    assert status.due_on == date(2026, 1, 31)
    assert status.state == "up_to_date"
    assert status_of(society, trustee, date(2026, 1, 1)).state == "due_soon"
    assert status_of(society, trustee, date(2026, 1, 31)).state == "due_soon"
    assert status_of(society, trustee, date(2026, 2, 1)).state == "overdue"


def test_a_return_made_on_29_february_is_next_due_on_28_february(society):
    trustee = officer(society, date(2023, 6, 1))
    return_made_on(society, trustee, date(2024, 2, 29))
    assert status_of(society, trustee, date(2024, 3, 1)).due_on == date(2025, 2, 28)


def test_a_return_from_an_earlier_term_does_not_count(society):
    user = UserFactory()
    Officer.objects.create(society=society, user=user, role="trustee",
                           started_on=date(2022, 1, 1), ended_on=date(2023, 1, 1))
    return_made_on(society, user, date(2022, 6, 1))
    Officer.objects.create(society=society, user=user, role="chair",
                           started_on=date(2023, 3, 1))
    status = status_of(society, user, date(2023, 3, 2))
    assert status.last_return is None
    assert status.due_on == date(2023, 3, 1)


def test_a_nil_return_needs_no_current_declarations_and_a_return_needs_some(society):
    trustee = officer(society, date(2026, 1, 10))
    with pytest.raises(InterestError) as error:
        returns.make_return(society, trustee, nil=False, by=trustee)
    assert error.value.field == "nil"

    nil = returns.make_return(society, trustee, nil=True, by=trustee)
    assert nil.nil and not nil.declarations.exists()

    declaration = declare(society, trustee)
    with pytest.raises(InterestError) as error:
        returns.make_return(society, trustee, nil=True, by=trustee)
    assert error.value.field == "nil"

    full = returns.make_return(society, trustee, nil=False, by=trustee)
    assert list(full.declarations.all()) == [declaration]
    assert actions(full) == ["membership.interest.return_made"]
    assert AuditEntry.objects.filter(action="membership.interest.return_made").count() == 2
    with pytest.raises(PermissionError):
        full.delete()


def test_an_ended_declaration_allows_a_nil_return(society):
    trustee = officer(society, date(2026, 1, 10))
    services.end(declare(society, trustee), by=trustee)
    assert returns.make_return(society, trustee, nil=True, by=trustee).nil


def remind(society, today, capture):
    with capture(execute=True):
        return returns.send_return_reminders(society, today=today)


def test_an_officer_is_reminded_a_month_before_their_return_is_due_and_only_once(
        society, django_capture_on_commit_callbacks):
    trustee = officer(society, date(2024, 6, 1))
    return_made_on(society, trustee, date(2025, 3, 15))  # next due 15 March 2026

    assert remind(society, date(2026, 2, 12), django_capture_on_commit_callbacks) == \
        {"due_soon": 0, "overdue": 0}
    assert mail.outbox == []

    assert remind(society, date(2026, 2, 13), django_capture_on_commit_callbacks) == \
        {"due_soon": 1, "overdue": 0}
    assert remind(society, date(2026, 2, 20), django_capture_on_commit_callbacks) == \
        {"due_soon": 0, "overdue": 0}

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [trustee.email]
    assert email.subject == "Your declaration of interests for Mutual Support is due soon"
    assert "Yours is due on 15 March 2026." in email.body
    assert "/s/mutual/interests/" in email.body
    assert reverse("my_interests", args=[society.slug]) in email.body
    assert not AuditEntry.objects.filter(action="membership.interest.return_overdue").exists()
    assert DeclarationReminder.objects.get().kind == "due_soon"


def test_an_overdue_return_is_audited_and_emailed_once(society,
                                                       django_capture_on_commit_callbacks):
    trustee = officer(society, date(2024, 6, 1))
    return_made_on(society, trustee, date(2025, 3, 15))

    assert remind(society, date(2026, 3, 16), django_capture_on_commit_callbacks) == \
        {"due_soon": 0, "overdue": 1}
    assert remind(society, date(2026, 3, 16), django_capture_on_commit_callbacks) == \
        {"due_soon": 0, "overdue": 0}
    assert remind(society, date(2026, 4, 20), django_capture_on_commit_callbacks) == \
        {"due_soon": 0, "overdue": 0}

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your declaration of interests for Mutual Support is overdue"
    assert "was due on 15 March 2026" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="membership.interest.return_overdue")
    assert entry.society == society
    assert entry.data["due_on"] == "2026-03-15"
    assert str(trustee) not in entry.data["officer"], "named by pseudonym"
    names = audit_names.labels([entry.data["officer"]])
    assert audit_names.readable(entry.data["officer"], names) == str(trustee)


def test_a_new_return_starts_the_reminders_again_for_the_next_due_date(
        society, django_capture_on_commit_callbacks):
    trustee = officer(society, date(2024, 6, 1))
    return_made_on(society, trustee, date(2024, 6, 1))
    remind(society, date(2025, 6, 2), django_capture_on_commit_callbacks)  # overdue
    return_made_on(society, trustee, date(2025, 6, 3))

    assert remind(society, date(2026, 5, 10), django_capture_on_commit_callbacks) == \
        {"due_soon": 1, "overdue": 0}
    assert [e.subject.rsplit(" ", 1)[1] for e in mail.outbox] == ["overdue", "soon"]


def test_former_officers_and_members_are_not_reminded(society, member,
                                                      django_capture_on_commit_callbacks):
    former = officer(society, date(2024, 1, 1), ended_on=date(2025, 12, 31))
    assert former not in [s.person for s in returns.officer_statuses(society, date(2026, 3, 1))]

    assert remind(society, date(2026, 3, 1), django_capture_on_commit_callbacks) == \
        {"due_soon": 0, "overdue": 0}
    assert mail.outbox == []


def test_the_management_command_reminds_officers_of_every_society(
        society, other_society, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    late = officer(society, today - timedelta(days=10))
    soon = officer(other_society, today - timedelta(days=400))
    return_made_on(other_society, soon, returns.add_months(today, -12) + timedelta(days=20))
    officer(society, today - timedelta(days=400), role="chair")  # up to date:
    return_made_on(society, Officer.objects.get(role="chair").user, today - timedelta(days=5))

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_declaration_reminders", stdout=out)

    assert "Reminded 1 officer(s) whose declaration is due soon; marked 1 overdue." in \
        out.getvalue()
    assert sorted(e.to[0] for e in mail.outbox) == sorted([late.email, soon.email])
    assert set(DeclarationReminder.objects.values_list("person", "kind")) == {
        (late.pk, "overdue"), (soon.pk, "due_soon")}


def test_an_officer_with_two_roles_makes_one_return_and_gets_one_reminder(
        society, django_capture_on_commit_callbacks):
    person = officer(society, date(2025, 9, 1), role="trustee")
    OfficerFactory(society=society, user=person, role="treasurer", started_on=date(2026, 1, 5))

    [status] = returns.officer_statuses(society, date(2026, 2, 1))
    assert status.took_office == date(2025, 9, 1)  # from their first current office
    assert remind(society, date(2026, 2, 1), django_capture_on_commit_callbacks) == \
        {"due_soon": 0, "overdue": 1}
    assert len(mail.outbox) == 1
