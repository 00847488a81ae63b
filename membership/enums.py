from django.db import models


class CessationReason(models.TextChoices):
    RESIGNED = "resigned", "Resigned"
    DIED = "died", "Died"
    EXPELLED = "expelled", "Expelled"


class ApplicationState(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved: waiting for the share to be paid"
    ADMITTED = "admitted", "Admitted as a member"
    REJECTED = "rejected", "Not approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RequestState(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"


# The three classes every new society starts with (officers can rename, describe and add).
DEFAULT_CLASSES = [
    {
        "name": "Service user",
        "description": "Disabled people who use the co-op's care and support.",
        "eligibility": "You use care or support services provided or arranged by the co-op.",
        "weight": 50,
    },
    {
        "name": "Carer",
        "description": "Family members and friends who care for someone who uses the co-op.",
        "eligibility": "You give unpaid care to someone who uses the co-op's services.",
        "weight": 25,
    },
    {
        "name": "Personal assistant",
        "description": "Personal assistants (PAs) employed to support people who use the co-op.",
        "eligibility": "You are employed as a personal assistant by a member or by the co-op.",
        "weight": 25,
    },
]

# Register fields whose changes are kept as history (s.30 register and contact preferences).
TRACKED_FIELDS = [
    "full_name", "address", "postcode", "email", "phone",
    "contact_by_email", "contact_by_post", "large_print", "easy_read", "access_needs",
]


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card (online)"
    CASH = "cash", "Cash"
    CHEQUE = "cheque", "Cheque"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    OTHER = "other", "Another way"


OFFLINE_METHODS = [m for m in PaymentMethod if m != PaymentMethod.CARD]


class ShareTransactionKind(models.TextChoices):
    ISSUE = "issue", "Issue"
    ADDITIONAL_ISSUE = "additional_issue", "Additional issue"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    CANCELLATION = "cancellation", "Cancellation"


class PaymentState(models.TextChoices):
    """Payment.state, derived from the payment's timestamps."""

    PENDING = "pending", "Waiting for the money"
    HELD = "held", "Held for an officer to look at"
    CONFIRMED = "confirmed", "Received"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class WithdrawalState(models.TextChoices):
    NOTICE = "notice", "In the notice period: not due yet"
    DUE = "due", "Due to be paid back"
    REPAID = "repaid", "Paid back"


class InterestType(models.TextChoices):
    FINANCIAL = "financial", "Financial (you or someone close gains or loses money)"
    PERSONAL = "personal", "Personal (it affects you in another way)"
    FAMILY = "family", "Family or close relationship"
    OTHER = "other", "Other"


# Seeded for every new society; officers add, rename and retire topics.
DEFAULT_TOPICS = ["PA pay and conditions", "New services for users", "New services for carers",
                  "Contracts and suppliers", "Employment of relatives"]
# (class name, topic name): members of the class are deemed to hold an interest.
DEFAULT_DEEMED = [("Personal assistant", "PA pay and conditions")]
# Officers declare on taking office and then every DECLARATION_MONTHS months.
DECLARATION_MONTHS = 12
DECLARATION_REMINDER_DAYS = 30


class ConsentPurpose(models.TextChoices):
    """Messages that need consent. Statutory notices (meetings, ballots) go to every member by
    their chosen means and need none."""

    NEWS = "news", "News and updates from the co-op"
    SURVEYS = "surveys", "Surveys and asking your views"
    MESSAGES = "messages", "Other messages from officers"


class ConsentMethod(models.TextChoices):
    WEBSITE = "website", "On this website"
    PAPER = "paper", "On a paper form"
    PHONE = "phone", "By phone"
    IN_PERSON = "in_person", "In person"
    EMAIL = "email", "By email"


class ErasureOutcome(models.TextChoices):
    CARRIED_OUT = "carried_out", "Carried out: what the law lets us remove is removed"
    REFUSED = "refused", "Refused: the law needs us to keep it"
