"""The register of members as pandas frames, written to CSV or XLSX.

Rows come from one `values_list()` query (no model instances) and become a frame without a
Python call per row. XLSX is not written with pandas' `to_excel`: with xlsxwriter's
constant-memory mode it loses data (pandas writes column by column, and that mode keeps only
the current row, so every row but the last came out with just its first cell); without it, or
with openpyxl, 100,000 members took 21 s and 45 s of CPU. See the comment above the XLSX writer
and `bench/register_export.py`."""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import xlsxwriter
from django.http import HttpResponse
from xlsxwriter.utility import xl_col_to_name

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
# xlsxwriter writes the workbook around a bold, frozen, filterable header row; the data rows are
# then put into the sheet as the very XML that xlsxwriter's constant-memory mode writes for
# them (tests compare the two byte for byte). Its per-cell calls took ~8 s of CPU for 100,000
# members; rendering the same XML a column at a time takes about 2 s.

XLSX_STRING_MAX = 32767  # Excel's limit, in UTF-16 code units
_XML_SPECIAL = re.compile(r"[&<>]")
# Characters XML cannot hold, and text that already looks like Excel's _xHHHH_ escape.
_EXCEL_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


@dataclass
class XlsxColumn:
    kind: str  # "number", "money", "date" or "string"
    values: list  # None where the cell stays empty


def _xlsx_column(column: pd.Series) -> XlsxColumn:
    values = column.astype(object).where(column.notna(), None).tolist()
    if column.name in MONEY_COLUMNS:
        return XlsxColumn("money", [None if v in (None, "") else float(Decimal(v))
                                    for v in values])
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return XlsxColumn("number", values)
    first = next((v for v in values if v is not None), None)
    if isinstance(first, date) and not isinstance(first, datetime):
        epoch = EXCEL_EPOCH.toordinal()
        return XlsxColumn("date", [None if v is None else v.toordinal() - epoch
                                   for v in values])
    return XlsxColumn("string", [None if v in (None, "") else str(v) for v in values])


def _xlsx_workbook(buffer, frame: pd.DataFrame, sheet: str, columns: list[XlsxColumn]):
    """The workbook with its header row written; returns (workbook, worksheet, formats)."""
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_urls": False,
                                            "strings_to_formulas": False,
                                            "strings_to_numbers": False})
    formats = {"date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
               "money": workbook.add_format({"num_format": "0.00"})}
    header = workbook.add_format({"bold": True})
    worksheet = workbook.add_worksheet(sheet[:31])
    for col, (name, column) in enumerate(zip(frame.columns, columns, strict=True)):
        worksheet.write_string(0, col, str(name), header)
        widest = max(len(str(v)) for v in [name, *frame[name].iloc[:200]])
        worksheet.set_column(col, col, min(widest + 2, 50), formats.get(column.kind))
    worksheet.freeze_panes(1, 0)
    if columns:
        worksheet.autofilter(0, 0, len(frame), len(columns) - 1)
    return workbook, worksheet, formats


def _xlsx_text(value: str) -> str:
    """A string as the <t> element of an inline-string cell, escaped as xlsxwriter does."""
    if len(value) > XLSX_STRING_MAX // 2:
        value = value.encode("utf-16-le")[:2 * XLSX_STRING_MAX].decode("utf-16-le", "ignore")
    if _EXCEL_ESCAPE.search(value):
        value = re.sub(r"(_x[0-9a-fA-F]{4}_)", r"_x005F\1", value)
        value = re.sub(r"[\x00-\x08\x0b-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", value)
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    if _XML_SPECIAL.search(value):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<t{preserve}>{value}</t>"


def _xlsx_cells(letter: str, column: XlsxColumn, style: str) -> list[str]:
    """Each row's <c> element for one column ("" where the cell is empty)."""
    if column.kind == "string":
        return ["" if v is None else
                f'<c r="{letter}{r}" t="inlineStr"><is>{_xlsx_text(v)}</is></c>'
                for r, v in enumerate(column.values, start=2)]
    return ["" if v is None else f'<c r="{letter}{r}"{style}><v>{v:.16G}</v></c>'
            for r, v in enumerate(column.values, start=2)]


def _xlsx_rows(columns: list[XlsxColumn], formats: dict) -> tuple[str, int]:
    """The <row> elements after the header, and the number of the last row written."""
    rendered = [
        _xlsx_cells(xl_col_to_name(col), column,
                    f' s="{formats[column.kind].xf_index}"' if column.kind in formats else "")
        for col, column in enumerate(columns)]
    rows, last = [], 1
    for number, cells in enumerate(zip(*rendered, strict=True), start=2):
        cells = "".join(cells)
        if cells:
            rows.append(f'<row r="{number}">{cells}</row>')
            last = number
    return "".join(rows), last


def _put_rows(workbook: bytes, sheet_path: str, rows: str, dimension: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == sheet_path:
                xml = data.decode()
                if "</sheetData>" not in xml:
                    raise ValueError("The sheet has no header row to put the rows after")
                xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>',
                             xml, count=1)
                data = xml.replace("</sheetData>", rows + "</sheetData>", 1).encode()
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return output.getvalue()


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str) -> bytes:
    """One sheet: a bold, frozen, filterable header row, then the frame's rows, with dates and
    money as numbers that a spreadsheet can sort and add up."""
    columns = [_xlsx_column(frame[name]) for name in frame.columns]
    buffer = io.BytesIO()
    workbook, worksheet, formats = _xlsx_workbook(buffer, frame, sheet, columns)
    workbook.close()
    rows, last = _xlsx_rows(columns, formats)
    if not rows:
        return buffer.getvalue()
    dimension = f"A1:{xl_col_to_name(len(columns) - 1)}{last}"
    return _put_rows(buffer.getvalue(), f"xl/worksheets/sheet{worksheet.index + 1}.xml", rows,
                     dimension)


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
