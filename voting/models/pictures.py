"""Officers' own pictures for ballot options and election candidates (a photo of the candidate,
a picture of the service), shown beside the option in the standard and easy-read versions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop import text

from .ballots import Ballot, BallotOption

ALT_TEXT_MAX = 150
ALT_TEXT_MISSING = ("Describe the picture in words for people who cannot see it, for example "
                    "“Photo of Ann smiling”.")


def picture_name(instance, filename: str) -> str:
    """A random name: nothing in the address reveals the option or who uploaded it. The
    service names the file after the format Pillow found, so the extension can be trusted."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"option-pictures/{uuid.uuid4().hex}.{extension}"


class OptionPicture(models.Model):
    """One picture for one option. `label` keeps the option's name so that the picture follows
    its option when a draft's options are written again (drafting replaces the rows)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="+")
    option = models.OneToOneField(BallotOption, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="picture")
    label = models.CharField(max_length=200)
    image = models.ImageField(upload_to=picture_name, width_field="width",
                              height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=20)
    alt_text = models.CharField("alt text", max_length=ALT_TEXT_MAX,
                                validators=[text.validate_one_line],
                                error_messages={"blank": ALT_TEXT_MISSING})
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""),
                                   name="option_picture_has_alt_text"),
            models.UniqueConstraint(fields=["ballot", "label"],
                                    name="option_picture_one_per_label"),
        ]

    def __str__(self):
        return f"Picture for {self.label}"
