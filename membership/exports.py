"""The register of members as pandas frames, written to CSV or XLSX.

Rows come from one `values()` query (no model instances), and XLSX is written with the
xlsxwriter engine in constant-memory mode, which is several times faster than openpyxl."""

from django.http import HttpResponse

import pandas as pd

REGISTER_COLUMNS = {
    "membership_number": "Membership number",
    "full_name": "Name",
    "address": "Postal address",
    "postcode": "Postcode",
    "email": "Email address for notices",
    "member_class__name": "Class",
    "shares_held": "Shares held",
    "amount_paid": "Amount paid (£)",
    "admitted_on": "Date admitted",
    "ceased_on": "Date ceased",
    "cessation_reason": "Reason ceased",
}

INSPECTION_COLUMNS = {
    "full_name": "Name",
    "address": "Postal address",
    "postcode": "Postcode",
    "admitted_on": "Date admitted",
    "ceased_on": "Date ceased",
}


def register_records(members) -> list[tuple]:
    return list(members.values_list(*REGISTER_COLUMNS))


def register_frame(members) -> pd.DataFrame:
    rows = register_records(members)
    frame = pd.DataFrame.from_records(list(rows), columns=list(REGISTER_COLUMNS.values()))
    frame["Amount paid (£)"] = frame["Amount paid (£)"].map(lambda d: f"{d:.2f}")
    return frame


def inspection_rows(society) -> list[dict]:
    """The inspection copy (s.103): names, addresses and dates only; nothing about shares,
    class, access needs or care."""
    from .models import Member

    return list(Member.objects.filter(society=society).order_by("full_name", "pk")
                .values(*INSPECTION_COLUMNS))


def inspection_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=list(INSPECTION_COLUMNS))
    return frame.rename(columns=INSPECTION_COLUMNS)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # utf-8-sig so that spreadsheet programs read names with accents correctly.
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str) -> bytes:
    import io

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": {"constant_memory": True,
                                                   "strings_to_urls": False,
                                                   "strings_to_formulas": False}}) as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def csv_response(frame: pd.DataFrame, filename: str) -> HttpResponse:
    response = HttpResponse(to_csv_bytes(frame), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(frame: pd.DataFrame, filename: str, *, sheet: str) -> HttpResponse:
    response = HttpResponse(
        to_xlsx_bytes(frame, sheet=sheet),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
