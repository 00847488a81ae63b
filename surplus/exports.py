"""The surplus history as a spreadsheet: CSV (formula-safe, money as exact text) and XLSX
(money as numbers shown to the penny, so a spreadsheet can add it up), built with pandas.

A society has a few dozen years at most, so the XLSX goes through pandas' own writer; the
register's fast writer in `membership.exports` is for 100,000-row sheets."""

import io
from decimal import Decimal

import pandas as pd
from django.http import HttpResponse

from membership.exports import to_csv_bytes

from .enums import OptionType
from .money import PENNY
from .selectors import HistoryRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def money_columns(types: list[OptionType]) -> list[str]:
    return ["Income (£)", "Expenditure (£)", "Surplus (£)", "To reserves (£)",
            "Available to reinvest (£)", *[f"{t.label} (£)" for t in types]]


def history_frame(rows: list[HistoryRow], types: list[OptionType]) -> pd.DataFrame:
    """One row per financial year, money as Decimal."""
    records = [
        (row.year.starts_on, row.year.ends_on, "Yes" if row.decided else "Not yet",
         row.income, row.expenditure, row.surplus, row.to_reserves, row.available,
         *[row.by_type.get(t.value, Decimal("0.00")) for t in types])
        for row in rows]
    columns = ["Year starts", "Year ends", "Decided", *money_columns(types)]
    return pd.DataFrame.from_records(records, columns=columns)


def csv_bytes(frame: pd.DataFrame, types: list[OptionType]) -> bytes:
    """Money stays Decimal, written as exact text ("-1000.00" for a deficit: Decimal cells
    are not quoted as formulas, text cells starting with = + - @ are)."""
    text_money = {name: [Decimal(v).quantize(PENNY) for v in frame[name]]
                  for name in money_columns(types)}
    dates = {name: [d.isoformat() for d in frame[name]] for name in ("Year starts",
                                                                    "Year ends")}
    return to_csv_bytes(frame.assign(**text_money, **dates))


def xlsx_bytes(frame: pd.DataFrame, types: list[OptionType]) -> bytes:
    numbers = frame.assign(**{name: [float(v) for v in frame[name]]
                              for name in money_columns(types)})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        date_format="yyyy-mm-dd", datetime_format="yyyy-mm-dd") as writer:
        numbers.to_excel(writer, sheet_name="Surplus history", index=False)
        sheet, book = writer.sheets["Surplus history"], writer.book
        pennies = book.add_format({"num_format": "#,##0.00"})
        first = len(frame.columns) - len(money_columns(types))
        sheet.set_column(0, first - 1, 14)
        sheet.set_column(first, len(frame.columns) - 1, 22, pennies)
        sheet.freeze_panes(1, 0)
    return buffer.getvalue()


def history_response(rows: list[HistoryRow], types: list[OptionType], *, fmt: str,
                     slug: str) -> HttpResponse:
    frame = history_frame(rows, types)
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(frame, types), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(frame, types), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-surplus-history.{fmt}"'
    return response
