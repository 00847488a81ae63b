"""Officers' pictures for surplus options: the same checks as for ballot options (a real
PNG, JPEG, GIF or WebP under 2 MB, required alt text), stored under a random name through the
storage API, audited, and changeable only while the proposal is a draft."""

from django.core.files import File
from django.db import transaction

from coop import audit
from coop.services import CoopError
from voting.services import pictures as ballot_pictures
from voting.services.pictures import check_alt_text, check_image

from .models import Proposal, ProposalOption, ProposalOptionPicture


def set_option_picture(option: ProposalOption, *, image, alt_text: str,
                       by) -> ProposalOptionPicture:
    """Attach a picture to a surplus option, replacing any it had. Side effects: the file is
    written to the default storage (a replaced one deleted after commit, the new one at once if
    the database write fails); one audit entry, `surplus.option.picture_set`."""
    alt_text = check_alt_text(alt_text)
    extension, content_type = check_image(image)
    _require_draft(option.proposal)
    picture = ProposalOptionPicture(option=option, content_type=content_type,
                                    alt_text=alt_text, added_by=by)
    picture.image.save(f"picture.{extension}", image, save=False)
    try:
        with transaction.atomic():
            proposal = _require_draft(option.proposal, lock=True)
            replaced = forget(option)
            picture.full_clean()
            picture.save()
            audit.record("surplus.option.picture_set", society=proposal.society, actor=by,
                         obj=option, data={"option": option.title, "alt_text": alt_text,
                                           "replaced": replaced})
    except BaseException:
        picture.image.storage.delete(picture.image.name)  # nothing half-written
        raise
    return picture


def remove_option_picture(option: ProposalOption, *, by) -> None:
    """Take a surplus option's picture off. Side effects: the file is deleted after commit;
    one audit entry, `surplus.option.picture_removed`."""
    with transaction.atomic():
        proposal = _require_draft(option.proposal, lock=True)
        if not forget(option):
            raise CoopError("This option has no picture.")
        audit.record("surplus.option.picture_removed", society=proposal.society, actor=by,
                     obj=option, data={"option": option.title})


def share_with_ballot(option: ProposalOption, ballot_option, *, by) -> None:
    """Give the ballot's option a copy of the surplus option's picture, so the ballot page shows
    it too. Called by `put_to_vote` before the ballot opens (pictures are fixed from then)."""
    picture = ProposalOptionPicture.objects.filter(option=option).first()
    if picture is None:
        return
    with picture.image.storage.open(picture.image.name, "rb") as handle:
        ballot_pictures.set_option_picture(ballot_option, image=File(handle, name="copy"),
                                           alt_text=picture.alt_text, by=by)


def forget(option: ProposalOption) -> bool:
    """Delete the option's picture row, and its file once the transaction commits. Call inside
    the transaction that changes the option. True if there was one."""
    picture = ProposalOptionPicture.objects.filter(option=option).first()
    if picture is None:
        return False
    storage, name = picture.image.storage, picture.image.name
    transaction.on_commit(lambda: storage.delete(name))
    picture.delete()
    return True


def _require_draft(proposal: Proposal, *, lock: bool = False) -> Proposal:
    if lock:
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_draft:
        raise CoopError("This proposal has been put to the members, so its pictures can no "
                        "longer change.")
    return proposal
