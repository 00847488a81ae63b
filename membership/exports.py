"""The register of members as pandas frames, written to CSV or XLSX.

Rows come from one `values_list()` query (no model instances) and become a frame without a
Python call per row. XLSX is not written with pandas' `to_excel`: with xlsxwriter's
constant-memory mode it loses data (pandas writes column by column, and that mode keeps only
the current row, so every row but the last came out with just its first cell); without it, or
with openpyxl, 100,000 members took 21 s and 45 s of CPU. See the comment above the XLSX writer
and `bench/register_export.py`."""

import io
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import xlsxwriter
from django.http import HttpResponse

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
# Money is exact text ("1.00") in the frame and the CSV, and a number shown with two decimals
# in XLSX so that a spreadsheet can add it up.
MONEY_COLUMNS = {"Amount paid (£)"}

INSPECTION_COLUMNS = {
    "full_name": "Name",
    "address": "Postal address",
    "postcode": "Postcode",
    "admitted_on": "Date admitted",
    "ceased_on": "Date ceased",
}

# A spreadsheet treats a cell starting with one of these as a formula; a member could put one
# in their name to run it on an officer's computer ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def register_records(members) -> list[tuple]:
    """The register's rows as tuples in REGISTER_COLUMNS order: the query on its own."""
    return list(members.values_list(*REGISTER_COLUMNS))


def register_frame(members) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(register_records(members),
                                      columns=list(REGISTER_COLUMNS.values()))
    frame["Amount paid (£)"] = [f"{amount:.2f}" for amount in frame["Amount paid (£)"]]
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


def _defused(column: pd.Series) -> pd.Series | None:
    """The column with formula-like text quoted, or None if nothing in it needs that."""
    try:
        risky = column.str.startswith(FORMULA_STARTS).eq(True)
    except AttributeError:  # not a text column
        return None
    return column.where(~risky, "'" + column) if risky.any() else None


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    defused = {name: column for name in frame.columns
               if (column := _defused(frame[name])) is not None}
    safe = frame.assign(**defused) if defused else frame
    # utf-8-sig so that spreadsheet programs read names with accents correctly.
    return safe.to_csv(index=False).encode("utf-8-sig")


# --- XLSX -------------------------------------------------------------------------------------
# xlsxwriter's constant-memory mode writes each row to disk as soon as the next one starts, so
# the rows go in one at a time with `write_row` (never column by column). Dates and money go in
# as numbers; the column's format shows them as dates and pounds, so a spreadsheet can sort and
# add them up. See `bench/register_export.py` for the time 100,000 members take.

XLSX_OPTIONS = {
    "constant_memory": True,
    # Member-entered text stays text: never a formula, a link or a number.
    "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
}
XLSX_STRING_MAX = 32_767  # the longest text a cell holds, in UTF-16 code units
XLSX_FORMATS = {"date": {"num_format": "yyyy-mm-dd"}, "money": {"num_format": "0.00"}}


def xlsx_cells(column: pd.Series) -> tuple[list, str]:
    """A column's cell values as xlsxwriter writes them (None for an empty cell), and their
    kind: "money", "date" or "" (numbers and text, written as they are)."""
    values = column.astype(object).where(column.notna(), None).tolist()
    if column.name in MONEY_COLUMNS:
        return [None if v in (None, "") else float(Decimal(v)) for v in values], "money"
    first = next((v for v in values if v is not None), None)
    kind = "date" if isinstance(first, date) and not isinstance(first, datetime) else ""
    return [None if v == "" else excel_text(v) if isinstance(v, str) else v
            for v in values], kind


def excel_text(value: str) -> str:
    """Text cut to the longest a cell holds. xlsxwriter cuts it too, but then `write_row`
    stops and leaves the rest of the row empty."""
    if len(value) <= XLSX_STRING_MAX // 2:  # too short to be too long: skip encoding it
        return value
    return value.encode("utf-16-le")[:2 * XLSX_STRING_MAX].decode("utf-16-le", "ignore")


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str) -> bytes:
    """One sheet: a bold, frozen, filterable header row, then the frame's rows, with dates and
    money as numbers that a spreadsheet can sort and add up."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, XLSX_OPTIONS)
    formats = {kind: workbook.add_format(spec) for kind, spec in XLSX_FORMATS.items()}
    worksheet = workbook.add_worksheet(sheet[:31])
    columns = []
    for col, name in enumerate(frame.columns):
        values, kind = xlsx_cells(frame[name])
        columns.append(values)
        widest = max(len(str(v)) for v in [name, *frame[name].iloc[:200]])
        # Cells written without a format of their own take the column's.
        worksheet.set_column(col, col, min(widest + 2, 50), formats.get(kind))
    worksheet.write_row(0, 0, [str(name) for name in frame.columns],
                        workbook.add_format({"bold": True}))
    worksheet.freeze_panes(1, 0)
    if columns:
        worksheet.autofilter(0, 0, len(frame), len(columns) - 1)
    for row, values in enumerate(zip(*columns, strict=True), start=1):
        if worksheet.write_row(row, 0, values):  # the only error left: past Excel's last row
            raise ValueError(f"An XLSX sheet holds at most 1,048,575 rows after its header; "
                             f"this one needs {len(frame):,}.")
    workbook.close()
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
