"""The register of members as pandas frames, written to CSV or XLSX.

Rows come from one `values_list()` query (no model instances). XLSX is written straight with
xlsxwriter in constant-memory mode, one typed call per cell: pandas' own `to_excel` adds a
layer of per-cell objects that made 100,000 members take about 16 s (openpyxl: 45 s).
`bench/register_export.py` measures both formats."""

import io
from datetime import date

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
EXCEL_EPOCH = date(1899, 12, 30)


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


def _defuse_formulas(column: pd.Series) -> pd.Series:
    try:
        risky = column.str.startswith(FORMULA_STARTS).eq(True)
    except AttributeError:  # not a text column
        return column
    return column.where(~risky, "'" + column) if risky.any() else column


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    safe = frame.copy(deep=False)
    for name in safe.columns:
        safe[name] = _defuse_formulas(safe[name])
    # utf-8-sig so that spreadsheet programs read names with accents correctly.
    return safe.to_csv(index=False).encode("utf-8-sig")


def _column_cells(column: pd.Series, formats: dict) -> tuple[list, str, object]:
    """One column as (values with blanks as None, xlsxwriter write method, cell format)."""
    values = column.astype(object).where(column.notna(), None).tolist()
    if column.name in MONEY_COLUMNS:
        return [None if v in (None, "") else float(v) for v in values], "number", formats["money"]
    if pd.api.types.is_bool_dtype(column):
        return values, "boolean", None
    if pd.api.types.is_numeric_dtype(column):
        return values, "number", None
    first = next((v for v in values if v is not None), None)
    if isinstance(first, date):
        epoch = EXCEL_EPOCH.toordinal()
        return ([None if v is None else v.toordinal() - epoch for v in values], "number",
                formats["date"])
    return [None if v in (None, "") else str(v) for v in values], "string", None


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str) -> bytes:
    """One sheet with a bold, frozen, filterable header row; dates and money as numbers."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_urls": False,
                                            "strings_to_formulas": False,
                                            "strings_to_numbers": False})
    formats = {"header": workbook.add_format({"bold": True}),
               "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
               "money": workbook.add_format({"num_format": "0.00"})}
    worksheet = workbook.add_worksheet(sheet[:31])
    columns = [_column_cells(frame[name], formats) for name in frame.columns]
    for col, name in enumerate(frame.columns):
        worksheet.write_string(0, col, str(name), formats["header"])
        widest = max(len(str(v)) for v in [name, *frame[name].iloc[:200]])
        worksheet.set_column(col, col, min(widest + 2, 50))
    worksheet.freeze_panes(1, 0)
    if len(frame.columns):
        worksheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    writers = [(getattr(worksheet, f"write_{kind}"), fmt) for _, kind, fmt in columns]
    # constant_memory writes a row out as soon as the next one starts: go row by row.
    for row, cells in enumerate(zip(*(values for values, _, _ in columns)), start=1):
        for col, value in enumerate(cells):
            if value is not None:
                write, fmt = writers[col]
                write(row, col, value, fmt)
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
