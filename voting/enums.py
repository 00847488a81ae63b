from django.db import models


class BallotKind(models.TextChoices):
    RESOLUTION = "resolution", "Resolution (for, against or abstain)"
    CHOICE = "choice", "Choice (pick one option)"
    APPROVAL = "approval", "Approval (tick any number of options)"
    ALLOCATION = "allocation", "Allocation (split 100 points across the options)"
    RANKED = "ranked", "Election (number the candidates in order of preference)"


class Weighting(models.TextChoices):
    ONE_MEMBER_ONE_VOTE = "one_member", "One member, one vote"
    CLASS_SHARE = "class_share", "Each class carries a fixed share of the result"
    PER_MEMBER = "per_member", "Each member of a class carries a set number of votes"


class ResolutionKind(models.TextChoices):
    ORDINARY = "ordinary", "Ordinary (more than half)"
    SPECIAL = "special", "Special (at least the special resolution threshold)"
    CUSTOM = "custom", "Custom threshold"


class BallotState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Opens later"
    OPEN = "open", "Open for voting"
    CLOSED = "closed", "Closed, waiting for the scrutineer"
    CERTIFIED = "certified", "Certified, waiting to be published"
    PUBLISHED = "published", "Result published"


class PaperState(models.TextChoices):
    ISSUED = "issued", "Issued"
    COUNTED = "counted", "Returned and counted"
    REJECTED = "rejected", "Returned but not counted: the member had already voted online"


RESOLUTION_OPTIONS = [("for", "For"), ("against", "Against"), ("abstain", "Abstain")]
# Kinds where each voter marks exactly one option.
SINGLE_MARK_KINDS = {BallotKind.RESOLUTION, BallotKind.CHOICE}
ALLOCATION_POINTS = 100


class HelpKind(models.TextChoices):
    COMPANION = "companion", "A companion"
    OFFICER = "officer", "An officer"
