from django.db import models


class OfficerRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    SECRETARY = "secretary", "Secretary"
    TREASURER = "treasurer", "Treasurer"
    TRUSTEE = "trustee", "Trustee"
    SCRUTINEER = "scrutineer", "Scrutineer"


class EmptyClassPolicy(models.TextChoices):
    RESCALE = "rescale", "Share the empty class's weight among the other classes"
    NOT_CAST = "not_cast", "Keep the empty class's share as not cast"


class NotCastMoney(models.TextChoices):
    """Where the pounds of a share kept as not cast go (allocation ballots, policy "not
    cast"). Reserves by default: nobody in that class chose an option, and giving its share
    to the options the other classes chose would hand them weight the rules deny them (that is
    what the "rescale" policy is for). Reserves are where a surplus goes when members do not
    decide otherwise, so the money stays the society's, for the whole membership."""

    RESERVES = "reserves", "It goes to the co-op's reserves"
    UNALLOCATED = "unallocated", "It stays unallocated, for the members to decide on later"


class ProxyDeadlineUnit(models.TextChoices):
    CLEAR_DAYS = "clear_days", "Clear days before the meeting (by the end of a day)"
    HOURS = "hours", "Hours before the meeting starts (to the minute)"


class ConflictPolicy(models.TextChoices):
    DECLARE = "declare", "Declare: members with an interest say so, and their votes count"
    RECUSE = "recuse", "Recuse: members with an interest do not vote"
    RECORD = "record", "Record only: interests are asked for and kept; counting is unaffected"


class ReserveRule(models.TextChoices):
    PERCENT = "percent", "A percentage of the surplus"
    FIXED = "fixed", "A fixed sum"


# Named groups of roles; permissions.py reads these.
BOARD_ROLES = {OfficerRole.CHAIR, OfficerRole.SECRETARY, OfficerRole.TRUSTEE}
REGISTER_READERS = BOARD_ROLES | {OfficerRole.TREASURER}
AUDIT_READERS = BOARD_ROLES | {OfficerRole.TREASURER}
RULE_KEEPERS = {OfficerRole.CHAIR, OfficerRole.SECRETARY}
