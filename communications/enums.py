from django.db import models


class MessageKind(models.TextChoices):
    """A statutory notice goes to everyone chosen; news only to those who agreed to get it."""

    NOTICE = "notice", "Statutory notice (goes to everyone chosen)"
    NEWS = "news", "News (only members who agreed to get news)"


class Audience(models.TextChoices):
    ALL = "all", "All current members"
    CLASSES = "classes", "Members of the classes I choose"
    NOT_VOTED = "not_voted", "Members on a vote's roll who have not voted yet"
    MEETING = "meeting", "Members called to a meeting"
    BOARD = "board", "The board"


class Preference(models.TextChoices):
    """The saved filter's contact preference: narrow the audience to those who asked for it."""

    ANY = "", "Any"
    EMAIL = "email", "Asked for email"
    POST = "post", "Asked for post"
    LARGE_PRINT = "large_print", "Asked for large print"
    EASY_READ = "easy_read", "Asked for easy read"


class Method(models.TextChoices):
    EMAIL = "email", "Email"
    POST = "post", "Letter"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class MessageState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"


class ProblemKind(models.TextChoices):
    BOUNCED = "bounced", "Bounced"
    COMPLAINED = "complained", "Marked as spam"
