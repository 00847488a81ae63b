"""A year's accounts PDF: checked with a real parser, stored under MEDIA_ROOT with a random
name (never the client's), and downloadable only by the society's own people."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surplus import services
from surplus.models import FinancialYear
from tests.factories import MemberFactory
from tests.pages import assert_field_error
from tests.pdfs import PDF, pdf_bytes

YEAR = {"starts_on": "2025-04-01", "ends_on": "2026-03-31", "income": "250000",
        "expenditure": "212000", "notes": ""}


@pytest.fixture
def media(settings, tmp_path):
    """The site's real storage settings (FileSystemStorage on MEDIA_ROOT), on a fresh dir."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": settings.MEDIA_ROOT}}}
    return settings.MEDIA_ROOT


@pytest.fixture
def treasurer_client(client, officer_for):
    client.force_login(officer_for("treasurer"))
    return client


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def post_year(client, society, accounts):
    return client.post(reverse("year_new", args=[society.slug]), YEAR | {"accounts": accounts})


def test_a_real_pdf_is_stored_under_media_root_with_a_random_name(treasurer_client, society,
                                                                    media):
    post_year(treasurer_client, society, upload("../../Board accounts.PDF.exe", PDF))

    year = FinancialYear.objects.get(society=society)
    stored = media / year.accounts.name
    assert stored.is_file() and stored.read_bytes() == PDF
    assert stored.resolve().is_relative_to(media.resolve())
    assert "Board" not in year.accounts.name and ".exe" not in year.accounts.name
    assert year.accounts.name.startswith("accounts/") and stored.suffix == ".pdf"


def test_two_uploads_of_the_same_file_name_get_different_names(treasurer_client, society,
                                                               media):
    first = post_year(treasurer_client, society, upload("accounts.pdf", PDF))
    assert first.status_code == 302
    year = FinancialYear.objects.get(society=society)
    treasurer_client.post(reverse("year_edit", args=[society.slug, year.pk]),
                          YEAR | {"accounts": upload("accounts.pdf", pdf_bytes(pages=2))})
    replaced = FinancialYear.objects.get(pk=year.pk).accounts.name
    assert replaced != year.accounts.name
    assert (media / year.accounts.name).read_bytes() == PDF  # the old one is not overwritten


@pytest.mark.parametrize("content, message", [
    (b"%PDF-1.7\nThis is a text file that starts like a PDF.\n%%EOF\n",
     "The file is not a PDF that can be opened."),
    (b"%PDF-", "The file is not a PDF that can be opened."),
    (pdf_bytes(pages=0), "The file is not a PDF that can be opened."),
    (pdf_bytes(password="secret"), "The PDF is protected by a password"),
    (PDF + b" " * (10 * 1024 * 1024), "The file is bigger than 10 MB."),
], ids=["text-with-pdf-header", "header-only", "no-pages", "encrypted", "too-big"])
def test_what_is_not_a_usable_pdf_is_refused_and_nothing_is_stored(treasurer_client, society,
                                                                    media, content, message):
    response = post_year(treasurer_client, society, upload("accounts.pdf", content))

    assert response.status_code == 200
    assert_field_error(response, "accounts", message)
    assert not FinancialYear.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_another_societys_member_cannot_download_the_accounts(client, society, other_society,
                                                              officer_for, media):
    year = services.create_year(society, by=officer_for("treasurer"),
                                starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31),
                                income=Decimal("10"), expenditure=Decimal("5"),
                                accounts=upload("accounts.pdf", PDF))
    download = reverse("year_accounts", args=[society.slug, year.pk])
    own, outsider = MemberFactory(society=society), MemberFactory(society=other_society)

    client.force_login(outsider.user)
    refused = client.get(download)
    assert refused.status_code in (403, 404) and PDF not in refused.content
    client.force_login(own.user)
    allowed = client.get(download)
    assert allowed.status_code == 200 and b"".join(allowed.streaming_content) == PDF


def test_media_root_is_not_served_at_media_url(client, society, officer_for, media, settings):
    year = services.create_year(society, by=officer_for("treasurer"),
                                starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31),
                                income=Decimal("10"), expenditure=Decimal("5"),
                                accounts=upload("accounts.pdf", PDF))
    client.force_login(officer_for("treasurer"))
    assert client.get(settings.MEDIA_URL + year.accounts.name).status_code == 404
