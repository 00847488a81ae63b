"""Real PDFs for upload tests, made with pypdf (the same parser the upload check uses, so a
file it writes is one it can read)."""

import io

import pypdf


def pdf_bytes(*, pages: int = 1, password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)  # A4 in points
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = pdf_bytes()
