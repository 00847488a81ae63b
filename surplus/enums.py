from django.db import models

from coop.enums import ReserveRule  # noqa: F401 (the society's rule lives with the society)


class OptionType(models.TextChoices):
    USER_SERVICE = "user_service", "A new service for users"
    CARER_SERVICE = "carer_service", "A new service for carers"
    PA_PAY = "pa_pay", "A pay rise for personal assistants"
    RESERVES = "reserves", "Put it in reserves"
    OTHER = "other", "Something else"


class PayRiseKind(models.TextChoices):
    ONE_OFF = "one_off", "A one-off bonus, spent once"
    PERMANENT = "permanent", "A permanent rise, a cost every year from now on"


class ProposalBallotKind(models.TextChoices):
    ALLOCATION = "allocation", "Members split 100 points across the options"
    CHOICE = "choice", "Members pick one package"


# Topics (by name) an option type brings to the ballot, so the interests policy applies.
TOPIC_FOR_TYPE = {
    OptionType.PA_PAY: "PA pay and conditions",
    OptionType.USER_SERVICE: "New services for users",
    OptionType.CARER_SERVICE: "New services for carers",
}
