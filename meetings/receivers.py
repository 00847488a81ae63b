"""Meetings' answers to the ground's hooks (coop/hooks.py), connected in MeetingsConfig.ready."""

from django.dispatch import receiver

from coop import hooks

from .elections import retiring_trustees
from .selectors import next_agm


@receiver(hooks.terms_ending, dispatch_uid="meetings.terms_ending")
def trustees_retiring_at_next_agm(*, society, **kwargs):
    """The next AGM whose notice has gone out, and the trustees whose term ends by it."""
    meeting = next_agm(society)
    if meeting is None:
        return None
    return meeting, set(retiring_trustees(meeting).values_list("pk", flat=True))
