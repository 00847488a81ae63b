"""Uploaded files: stored through Django's storage API (MEDIA_ROOT on disk, or S3-compatible
object storage; see settings), under random names, and checked with a real parser. The
client's file name never reaches the disk: it could collide, leak, or carry a path or an
extension the web server would act on. Files are private and served only by views that
check permission (e.g. surplus's `year_accounts`), never from a public MEDIA_URL."""

import uuid

import pypdf
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 2_000


@deconstructible
class RandomName:
    """`upload_to` for a model FileField: `<folder>/<random>.<extension>`, whatever the client
    called the file. A class (not a closure) so that migrations can refer to it."""

    def __init__(self, folder: str, extension: str):
        self.folder, self.extension = folder.strip("/"), extension.lstrip(".")

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{uuid.uuid4().hex}.{self.extension}"

    def __eq__(self, other):
        return (isinstance(other, RandomName)
                and (self.folder, self.extension) == (other.folder, other.extension))


def check_pdf(upload, *, max_bytes: int = MAX_PDF_BYTES, what: str = "the document") -> None:
    """Raise ValidationError unless `upload` is a PDF that opens: parsed with pypdf, not judged
    by its first bytes (a text file starting "%PDF-" is not a PDF), not encrypted (members
    could not open it), with at least one page, and no bigger than `max_bytes`."""
    megabytes = max_bytes // (1024 * 1024)
    if upload.size > max_bytes:
        raise ValidationError(f"The file is bigger than {megabytes} MB. Save a smaller PDF "
                              "and try again.", code="too_big")
    problem = _pdf_problem(upload)
    upload.seek(0)
    if problem == "encrypted":
        raise ValidationError(f"The PDF is protected by a password, so members could not "
                              f"open it. Save {what} again without a password.",
                              code="encrypted")
    if problem:
        raise ValidationError(f"The file is not a PDF that can be opened. Choose {what} "
                              "saved as a PDF.", code="not_pdf")


def _pdf_problem(upload) -> str | None:
    upload.seek(0)
    try:
        reader = pypdf.PdfReader(upload)
        if reader.is_encrypted:
            return "encrypted"
        pages = len(reader.pages)
        return None if 0 < pages <= MAX_PDF_PAGES else "no pages"
    except Exception:  # noqa: BLE001 - a parser fed hostile bytes can raise almost anything
        return "unreadable"
