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
