from django.db import models


class MeetingKind(models.TextChoices):
    AGM = "agm", "Annual general meeting"
    GENERAL = "general", "General meeting"
    SPECIAL = "special", "Special general meeting"
    BOARD = "board", "Board meeting"


class MeetingState(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    CALLED = "called", "Notice sent"
    LIVE = "live", "Happening now"
    ENDED = "ended", "Held"
    CANCELLED = "cancelled", "Cancelled"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "In person and online"


class AgendaItemKind(models.TextChoices):
    APOLOGIES = "apologies", "Apologies for absence"
    DECLARATIONS = "declarations", "Declarations of interest"
    MINUTES = "minutes", "Minutes of the last meeting"
    ACCOUNTS = "accounts", "Accounts"
    ELECTION = "election", "Election of trustees"
    RESOLUTION = "resolution", "Resolution"
    OTHER = "other", "Other business"


class NoticeMethod(models.TextChoices):
    EMAIL = "email", "Email"
    POST = "post", "Letter by post"


class ProxyDirection(models.TextChoices):
    FOR = "for", "Vote for"
    AGAINST = "against", "Vote against"
    ABSTAIN = "abstain", "Abstain"


# A new AGM's agenda starts with these, in this order.
AGM_ITEMS = [
    (AgendaItemKind.APOLOGIES, "Apologies for absence"),
    (AgendaItemKind.DECLARATIONS, "Declarations of interest"),
    (AgendaItemKind.MINUTES, "Minutes of the last general meeting"),
    (AgendaItemKind.ACCOUNTS, "Accounts for the year"),
    (AgendaItemKind.ELECTION, "Election of trustees"),
]
