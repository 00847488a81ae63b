"""The errors voting's services raise; views turn them into messages, the API into 400/409.
A module of its own, so that `conflicts` and the services can both raise them."""

from coop.services import CoopError


class VotingError(CoopError):
    """A voting rule was broken; the message is shown to the person as it is."""


class DeclaredUnderRecusal(VotingError):
    """A voter declared an interest at the prompt of a recuse ballot: `cast_vote` keeps the
    declaration once the vote's transaction has rolled back, and refuses the vote."""

    def __init__(self, details: dict):
        super().__init__("You have declared an interest in what this ballot decides, so under "
                         "the co-op's rules you do not vote in it.", field="interest")
        self.details = details
