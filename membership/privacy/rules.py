"""The society's retention rules, their defaults and why each period is what it is. The periods
are fields on `Society` (officers change them on the rules page); the reasons are shown in the
privacy notice and on the erasure page."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RetentionRule:
    field: str
    what: str
    default: str
    reason: str


RULES = [
    RetentionRule(
        "register_retention_years", "A former member's register entry", "10 years",
        "The Co-operative and Community Benefit Societies Act 2014 (s.30) requires a register "
        "of members and former members; keeping entries 10 years after cessation covers the "
        "period in which a former member's share or a payment can still be questioned."),
    RetentionRule(
        "contact_retention_years", "A former member's contact details, access needs and "
        "communication preferences", "1 year",
        "We need them only to settle what is owed when someone leaves (share money paid back "
        "after the notice period) and to answer questions soon after; the register keeps only "
        "name and address."),
    RetentionRule(
        "declaration_retention_years", "An ended declaration of interest", "6 years after it "
        "ended",
        "Decisions taken while it applied can be challenged for 6 years (Limitation Act 1980); "
        "the register of interests shows who had an interest when they were made."),
    RetentionRule(
        "proxy_retention_years", "Proxy appointments", "2 years after the meeting",
        "Until the meeting's minutes are approved at the next AGM and any challenge to a vote "
        "at it has been made."),
    RetentionRule(
        "attendance_retention_years", "Attendance, apologies and withdrawals at a meeting",
        "3 years after the meeting",
        "They show the meeting was quorate and who voted in the room; the approved minutes "
        "keep the counts after that."),
    RetentionRule(
        "nomination_retention_years", "Nominations for trustee", "3 years after the meeting",
        "A trustee serves 3 years by default; nominations show the election was valid until "
        "the term it filled is over."),
    RetentionRule(
        "ballot_challenge_days", "Who voted in a ballot (the marked roll)",
        "28 days after the result is published",
        "Long enough to challenge the result; then, as returning officers destroy marked "
        "registers, only the counts are kept."),
]

KEPT_FOR_THE_LAW = [
    ("The register entry (name, address, class, dates, shares)",
     "The 2014 Act (s.30) requires it while the person is a member and for the society's "
     "retention period after they leave."),
    ("The share ledger and payments",
     "The society's accounts and HMRC need them for 6 years after the end of the financial "
     "year they belong to."),
    ("The audit log",
     "It proves the records were not altered. It names people only by a pseudonymous id; the "
     "readable name is removed when the register entry is anonymised."),
]
