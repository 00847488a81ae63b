"""Officers' pictures for options and candidates: checked to be a real picture with alt text,
stored under a random name through Django's storage API, and audited. Like the options, a
picture can change only until the ballot opens, so every voter sees the same ballot."""

from django.db import transaction
from PIL import Image, UnidentifiedImageError

from coop import audit

from ..errors import VotingError
from ..models import BallotOption, OptionPicture
from ..models.pictures import ALT_TEXT_MAX, ALT_TEXT_MISSING
from .drafting import require_draft

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
# Raster formats only: an SVG can carry script, and browsers run it when opened directly.
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"),
           "GIF": ("gif", "image/gif"), "WEBP": ("webp", "image/webp")}


def check_alt_text(alt_text: str) -> str:
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise VotingError(ALT_TEXT_MISSING, field="alt_text")
    if len(alt_text) > ALT_TEXT_MAX:
        raise VotingError(f"Keep the description to {ALT_TEXT_MAX} characters or fewer "
                          f"(it has {len(alt_text)}).", field="alt_text")
    return alt_text


def check_image(upload) -> tuple[str, str]:
    """(extension, content type) of an uploaded picture, or a VotingError saying what is wrong."""
    if upload is None:
        raise VotingError("Choose a picture to upload.", field="image")
    if upload.size > MAX_BYTES:
        raise VotingError("The picture must be smaller than 2 MB.", field="image")
    try:
        upload.seek(0)
        with Image.open(upload) as picture:
            found, size = picture.format, picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise VotingError("This file is not a picture we can show. Choose a PNG, JPEG, GIF "
                          "or WebP picture.", field="image") from None
    finally:
        upload.seek(0)
    if found not in FORMATS:
        raise VotingError("Choose a PNG, JPEG, GIF or WebP picture.", field="image")
    if max(size) > MAX_SIDE:
        raise VotingError(f"The picture is too big: make it at most {MAX_SIDE} pixels wide "
                          "and high.", field="image")
    return FORMATS[found]


def set_option_picture(option: BallotOption, *, image, alt_text: str, by) -> OptionPicture:
    """Attach a picture to an option or candidate, replacing any it had. Side effects: the file
    is written to the default storage (a replaced file is deleted after commit, the new one at
    once if the database write fails); one audit entry, `voting.option.picture_set`."""
    alt_text = check_alt_text(alt_text)
    extension, content_type = check_image(image)
    if not option.ballot.is_editable:
        raise VotingError("This ballot has opened, so its pictures can no longer change.")
    picture = OptionPicture(option=option, label=option.label, content_type=content_type,
                            alt_text=alt_text, added_by=by)
    picture.image.save(f"picture.{extension}", image, save=False)
    try:
        with transaction.atomic():
            ballot = require_draft(option.ballot)
            old = OptionPicture.objects.filter(ballot=ballot, label=option.label).first()
            if old is not None:
                _delete_file_after_commit(old)
                old.delete()
            picture.ballot = ballot
            picture.full_clean()
            picture.save()
            audit.record("voting.option.picture_set", society=ballot.society, actor=by,
                         obj=ballot, data={"option": option.label, "alt_text": alt_text,
                                           "replaced": old is not None})
    except BaseException:
        picture.image.storage.delete(picture.image.name)  # nothing half-written
        raise
    return picture


def remove_option_picture(option: BallotOption, *, by) -> None:
    """Take an option's picture off. Side effects: the file is deleted after commit; one audit
    entry, `voting.option.picture_removed`."""
    with transaction.atomic():
        ballot = require_draft(option.ballot)
        picture = OptionPicture.objects.filter(ballot=ballot, label=option.label).first()
        if picture is None:
            raise VotingError("This option has no picture.")
        _delete_file_after_commit(picture)
        picture.delete()
        audit.record("voting.option.picture_removed", society=ballot.society, actor=by,
                     obj=ballot, data={"option": option.label})


def _delete_file_after_commit(picture: OptionPicture) -> None:
    storage, name = picture.image.storage, picture.image.name
    transaction.on_commit(lambda: storage.delete(name))
