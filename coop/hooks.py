"""How the apps built on the ground take part in what happens in it.

`coop` is the ground floor: it may not import membership, voting, surplus or meetings. Where it
needs their help (a new society needs its member classes; a society page needs to know whether the
visitor is a member), it sends one of these signals and the upper apps answer, having connected
their receivers in `AppConfig.ready` (pretalx's plugin signals are the model).
"""

from django.dispatch import Signal

# Sent inside the transaction that creates a society (the service and the admin both send it).
# Keyword arguments: society, by (the user, or None). Receivers set up what the society needs.
society_created = Signal()

# Asked for who belongs to a society. Keyword argument: user. Each receiver returns a boolean
# expression over Society (an Exists(...) on OuterRef("pk")) true where the person belongs.
belonging = Signal()

# Asked for template context shared by every page of a society. Keyword arguments: request,
# society. Each receiver returns a dict that is merged into the context.
society_page_context = Signal()

# Asked, for the officers' register, which terms end soon. Keyword argument: society. A receiver
# returns (meeting, {officer ids}) for the next meeting at which those officers' terms end.
terms_ending = Signal()


def answers(signal: Signal, **kwargs) -> list:
    """The non-empty answers of every receiver, in the order they connected."""
    return [answer for _, answer in signal.send(sender=None, **kwargs) if answer is not None]
