"""Rewrite audit entries written before pseudonyms so that they name nobody, and record the
re-anchoring. Run once after upgrading (see the README's "Personal data" section)."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coop import audit, audit_names
from coop.models import Officer
from membership.models import Application, Declaration, Member
from membership.privacy.parts import member_person


def people_by_society() -> dict:
    """Everyone an old entry could name, by society (None: platform-wide entries)."""
    people = defaultdict(list)
    for m in Member.objects.select_related("user"):
        people[m.society_id].append(member_person(m))
    for a in Application.objects.select_related("user"):
        people[a.society_id].append(audit_names.Person(
            a.user_id, tuple(n for n in (a.full_name, a.email, a.user.email) if n)))
    for d in Declaration.objects.select_related("person"):
        people[d.society_id].append(audit_names.Person(d.person_id, (d.person_name,)))
    for o in Officer.objects.select_related("user"):
        people[o.society_id].append(audit_names.person_of_user(o.user))
    users = [audit_names.person_of_user(u) for u in get_user_model().objects.all()]
    for society_id in list(people):
        people[society_id] += users  # an actor's own login name, in any society's entries
    people[None] = users
    return dict(people)


class Command(BaseCommand):
    help = ("Replace people's names in audit entries written before pseudonyms with their "
            "pseudonymous ids, rehash the chain and record a re-anchoring entry.")

    def handle(self, *args, **options):
        try:
            result = audit.reanchor(people_by_society())
        except ValueError as error:
            raise CommandError(str(error)) from error
        if result.anchor_id is None:
            self.stdout.write(f"Nothing to rewrite: {result.checked} entries name nobody.")
            return
        self.stdout.write(
            f"Rewrote {result.rewritten} of {result.checked} entries and recorded the "
            f"re-anchoring as entry {result.anchor_id}.\nThe chain's head before the rewrite "
            f"was {result.previous_head}: keep it with the minutes of the next board meeting.")
