"""The register of interests. A declaration is never edited or deleted: amending or ending
it adds a new version that points at the one it replaces, so the history stays whole."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from coop.models import Society
from coop.text import TEXT, bounded_text, validate_name, validate_one_line

from ..enums import InterestType
from .register import MemberClass


class InterestTopic(models.Model):
    """Something a decision can touch ("PA pay and conditions"). Ballots and agenda items
    carry topics; declarations name them."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="interest_topics")
    name = models.CharField(max_length=120, validators=[validate_name])
    retired_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    deemed_classes = models.ManyToManyField(
        MemberClass, blank=True, related_name="deemed_topics",
        help_text="Every member of these classes is deemed to hold an interest in the topic.")

    class Meta:
        ordering = ["society", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["society", "name"],
                                               name="topic_unique_name")]

    def __str__(self):
        return self.name


class DeclarationQuerySet(models.QuerySet):
    def latest_versions(self):
        """Versions nobody has amended or ended since."""
        newer = Declaration.objects.filter(previous=OuterRef("pk"))
        return self.filter(~Exists(newer))

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.latest_versions().filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def delete(self):
        raise PermissionError("Declarations are never deleted: end them instead.")

    def update(self, **kwargs):
        raise PermissionError("Declarations are never edited: amend them instead.")


class Declaration(models.Model):
    """One version of a person's declaration of interest."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="declarations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="declarations")
    person_name = models.CharField(max_length=200, validators=[validate_name])
    topics = models.ManyToManyField(InterestTopic, blank=True, related_name="declarations")
    interest_type = models.CharField(max_length=20, choices=InterestType)
    other_party = models.CharField(
        max_length=200, blank=True,
        help_text="The person or organisation involved, if there is one.",
        validators=[validate_name])
    description = models.TextField(**bounded_text(TEXT))
    began_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    previous = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="next_version")
    declared_at = models.DateTimeField(default=timezone.now)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    change_note = models.CharField(max_length=300, blank=True, validators=[validate_one_line])

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["society", "-declared_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(interest_type="") & ~Q(description=""),
                                   name="declaration_has_type_and_description"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(began_on__isnull=True)
                | Q(ended_on__gte=models.F("began_on")),
                name="declaration_ends_after_it_began"),
        ]
        indexes = [models.Index(fields=["society", "person"], name="declaration_person")]

    def __str__(self):
        return f"{self.person_name}: {self.description[:60]}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Declarations are never edited: amend them instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Declarations are never deleted: end them instead.")

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None and self.ended_on <= timezone.localdate()


class OfficerReturn(models.Model):
    """An officer's return: on taking office and every 12 months they confirm their current
    declarations are complete, or that they have nothing to declare (a nil return)."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="officer_returns")
    made_at = models.DateTimeField(default=timezone.now)
    nil = models.BooleanField(help_text="Nothing to declare.")
    declarations = models.ManyToManyField(Declaration, blank=True, related_name="+")

    class Meta:
        ordering = ["society", "-made_at"]
        indexes = [models.Index(fields=["society", "person", "made_at"],
                                name="officer_return_latest")]

    def __str__(self):
        kind = "Nil return" if self.nil else "Return"
        return f"{kind} by {self.person} on {self.made_at:%d %b %Y}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Returns are never deleted.")


class DeclarationReminder(models.Model):
    """That an officer was reminded (a month before) or marked overdue, so each happens once
    per due date."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due within a month"
        OVERDUE = "overdue", "Overdue"

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    due_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["society", "person", "due_on", "kind"],
                                               name="declaration_reminder_once")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person} ({self.due_on})"
