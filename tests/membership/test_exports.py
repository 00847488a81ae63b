"""Downloads of the register of members (officers: CSV and XLSX with the s.30 columns) and the
inspection copy any member may ask for, read back the way a spreadsheet user would."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.utils.escape import unescape

from coop.models import AuditEntry
from membership import exports
from membership.models import Member
from tests.factories import MemberFactory, OfficerFactory

S30_COLUMNS = ["Name", "Postal address", "Email address for notices", "Shares held",
               "Amount paid (£)", "Date admitted", "Date ceased"]
INSPECTION_COLUMNS = ["Name", "Postal address", "Postcode", "Date admitted", "Date ceased"]
# Things only the officers' register may show; the inspection copy must not.
PRIVATE = ["Needs a BSL interpreter", "07700 900", "@example.org", "Service user", "Carer",
           "Personal assistant"]


def klass(society, name):
    return society.member_classes.get(name=name)


@pytest.fixture
def people(society, other_society):
    """Two current members and a former one in `society`, and one elsewhere."""
    common = {"society": society, "access_needs": "Needs a BSL interpreter"}
    sian = MemberFactory(**common, full_name="Siân Ó Súilleabháin",
                         address="Flat 2\n14 Heol y Coed\nCardiff", postcode="CF14 1AB",
                         email="sian@example.org", phone="07700 900001",
                         member_class=klass(society, "Service user"),
                         admitted_on=date(2024, 1, 15))
    peter = MemberFactory(**common, full_name="Peter Smith", address="3 Mill Lane\nLeeds",
                          postcode="LS1 4AP", email="", phone="07700 900002",
                          contact_by_email=False, contact_by_post=True,
                          member_class=klass(society, "Carer"), shares_held=0,
                          amount_paid=Decimal("0.00"), admitted_on=date(2024, 3, 1))
    ruth = MemberFactory(**common, full_name="Ruth Okafor", address="9 Station Road\nBristol",
                         postcode="BS1 6QA", email="ruth@example.org", phone="07700 900003",
                         member_class=klass(society, "Personal assistant"),
                         admitted_on=date(2023, 5, 2), ceased_on=date(2025, 6, 30),
                         cessation_reason="resigned")
    MemberFactory(society=other_society, full_name="Zed Elsewhere")
    return {"sian": sian, "peter": peter, "ruth": ruth}


def export_url(society, fmt):
    return reverse("register_export", args=[society.slug, fmt])


def download(client, user, society, fmt, **filters):
    client.force_login(user)
    response = client.get(export_url(society, fmt), filters)
    assert response.status_code == 200, response.status_code
    return response


def read_csv(response) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def read_xlsx(response) -> pd.DataFrame:
    frame = pd.read_excel(io.BytesIO(response.content), engine="openpyxl")
    return frame.astype(object).where(frame.notna(), None)


def csv_rows_from_database(society, **filters) -> list[dict]:
    return [{
        "Membership number": str(m.membership_number), "Name": m.full_name,
        "Postal address": m.address, "Postcode": m.postcode,
        "Email address for notices": m.email, "Class": m.member_class.name,
        "Shares held": str(m.shares_held), "Amount paid (£)": f"{m.amount_paid:.2f}",
        "Date admitted": m.admitted_on.isoformat(),
        "Date ceased": m.ceased_on.isoformat() if m.ceased_on else "",
        "Reason ceased": m.cessation_reason,
    } for m in Member.objects.filter(society=society, **filters).order_by("membership_number")]


def names(frame) -> list[str]:
    return sorted(frame["Name"])


# --- the officers' register -----------------------------------------------------------------

def test_register_export_url_is_under_officers(society):
    assert export_url(society, "csv") == "/s/mutual/officers/register/export.csv"
    assert export_url(society, "xlsx") == "/s/mutual/officers/register/export.xlsx"


def test_register_csv_matches_database_including_former_members(client, secretary, society,
                                                               people):
    response = download(client, secretary, society, "csv")

    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="mutual-register-of-members.csv"' in (
        response["Content-Disposition"])
    frame = read_csv(response)
    assert set(S30_COLUMNS) <= set(frame.columns)
    assert frame.to_dict("records") == csv_rows_from_database(society)
    assert "Ruth Okafor" in set(frame["Name"]), "former members stay on the register"
    assert "Zed Elsewhere" not in set(frame["Name"])


def test_register_csv_keeps_accents_line_breaks_and_pennies(client, secretary, society, people):
    frame = read_csv(download(client, secretary, society, "csv")).set_index("Name")

    sian = frame.loc["Siân Ó Súilleabháin"]
    assert sian["Postal address"] == "Flat 2\n14 Heol y Coed\nCardiff"
    assert sian["Amount paid (£)"] == "1.00"
    assert frame.loc["Peter Smith", "Amount paid (£)"] == "0.00"
    assert frame.loc["Peter Smith", "Shares held"] == "0"
    assert frame.loc["Ruth Okafor", "Date ceased"] == "2025-06-30"
    assert frame.loc["Ruth Okafor", "Reason ceased"] == "resigned"


def test_register_xlsx_matches_database_including_former_members(client, secretary, society,
                                                                people):
    response = download(client, secretary, society, "xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert 'filename="mutual-register-of-members.xlsx"' in response["Content-Disposition"]
    frame = read_xlsx(response)
    assert set(S30_COLUMNS) <= set(frame.columns)
    expected = [{
        "Membership number": m.membership_number, "Name": m.full_name,
        "Postal address": m.address, "Postcode": m.postcode,
        "Email address for notices": m.email or None, "Class": m.member_class.name,
        "Shares held": m.shares_held, "Amount paid (£)": float(m.amount_paid),
        "Date admitted": m.admitted_on, "Date ceased": m.ceased_on,
        "Reason ceased": m.cessation_reason or None,
    } for m in Member.objects.filter(society=society).order_by("membership_number")]
    rows = frame.to_dict("records")
    for row in rows:
        for column in ("Date admitted", "Date ceased"):
            row[column] = row[column].date() if row[column] is not None else None
    assert rows == expected
    assert len(rows) == 3


def test_register_xlsx_has_real_dates_and_money_a_spreadsheet_can_add(client, secretary,
                                                                      society, people):
    content = download(client, secretary, society, "xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active

    header = [cell.value for cell in sheet[1]]
    assert sheet.title == "Register of members"
    assert sheet.freeze_panes == "A2", "the header row stays in view"
    assert all(cell.font.bold for cell in sheet[1])
    amount = sheet.cell(row=2, column=header.index("Amount paid (£)") + 1)
    admitted = sheet.cell(row=2, column=header.index("Date admitted") + 1)
    assert amount.data_type == "n" and amount.number_format == "0.00"
    assert admitted.is_date


def test_register_export_neutralises_spreadsheet_formulas(client, secretary, society):
    formula = '=HYPERLINK("http://evil.example/","Click me")'
    MemberFactory(society=society, full_name=formula, address="+44 Fake Street")

    csv = read_csv(download(client, secretary, society, "csv"))
    sheet = openpyxl.load_workbook(io.BytesIO(
        download(client, secretary, society, "xlsx").content)).active

    assert csv.loc[0, "Name"] == "'" + formula
    assert csv.loc[0, "Postal address"] == "'+44 Fake Street"
    name = sheet.cell(row=2, column=2)
    assert name.data_type == "s" and name.value == formula, "text, never a formula"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_register_export_filters_by_name(client, secretary, society, people, fmt):
    response = download(client, secretary, society, fmt, q="okafor")

    frame = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert names(frame) == ["Ruth Okafor"]


def test_register_export_filters_by_membership_number(client, secretary, society, people):
    number = people["peter"].membership_number

    frame = read_csv(download(client, secretary, society, "csv", q=str(number)))

    assert list(frame["Membership number"]) == [str(number)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_register_export_filters_by_class(client, secretary, society, people, fmt):
    carer = klass(society, "Carer")

    response = download(client, secretary, society, fmt, member_class=carer.pk)

    frame = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert names(frame) == ["Peter Smith"]


@pytest.mark.parametrize(("status", "expected"), [
    ("current", ["Peter Smith", "Siân Ó Súilleabháin"]),
    ("former", ["Ruth Okafor"]),
    ("all", ["Peter Smith", "Ruth Okafor", "Siân Ó Súilleabháin"]),
    ("", ["Peter Smith", "Ruth Okafor", "Siân Ó Súilleabháin"]),
])
def test_register_export_filters_by_status(client, secretary, society, people, status,
                                           expected):
    frame = read_csv(download(client, secretary, society, "csv", status=status))

    assert names(frame) == expected


def test_register_export_with_filters_matching_nobody_has_header_only(client, secretary,
                                                                     society, people):
    csv = read_csv(download(client, secretary, society, "csv", q="nobody by this name"))
    xlsx = read_xlsx(download(client, secretary, society, "xlsx", q="nobody by this name"))

    assert len(csv) == 0 and set(S30_COLUMNS) <= set(csv.columns)
    assert len(xlsx) == 0 and set(S30_COLUMNS) <= set(xlsx.columns)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_register_export_writes_audit_entry(client, secretary, society, people, fmt):
    download(client, secretary, society, fmt, status="current")

    entry = AuditEntry.objects.get(action="membership.register.exported")
    assert entry.actor == secretary
    assert entry.society == society
    assert entry.data == {"format": fmt, "rows": 2}


def test_register_export_unknown_format_is_not_found(client, secretary, society, people):
    client.force_login(secretary)

    response = client.get(export_url(society, "pdf"))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="membership.register.exported").exists()


def test_register_export_query_count_does_not_grow_with_members(client, secretary, society):
    client.force_login(secretary)
    MemberFactory(society=society)
    # The export's audit entry names the secretary; the first one makes their pseudonym.
    client.get(export_url(society, "csv"))
    with CaptureQueriesContext(connection) as one:
        client.get(export_url(society, "csv"))
    for _ in range(20):
        MemberFactory(society=society)
    with CaptureQueriesContext(connection) as many:
        response = client.get(export_url(society, "csv"))

    assert len(read_csv(response)) == 21
    assert len(many) == len(one)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("who", "status"), [
    ("secretary", 200), ("chair", 200), ("trustee", 200), ("treasurer", 200),
    ("scrutineer", 403), ("member", 403), ("secretary_elsewhere", 403), ("nobody", 403),
])
def test_register_export_permissions(client, society, other_society, people, fmt, who, status):
    if who == "member":
        user = people["sian"].user
    elif who == "secretary_elsewhere":
        user = OfficerFactory(society=other_society, role="secretary").user
    elif who == "nobody":
        user = MemberFactory(society=other_society).user
    else:
        user = OfficerFactory(society=society, role=who).user
    client.force_login(user)

    response = client.get(export_url(society, fmt))

    assert response.status_code == status
    exported = AuditEntry.objects.filter(action="membership.register.exported").exists()
    assert exported == (status == 200)
    if status == 403:
        assert "Siân" not in response.content.decode()


def test_register_export_anonymous_is_sent_to_sign_in(client, society, people):
    response = client.get(export_url(society, "csv"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the inspection copy --------------------------------------------------------------------

def inspection_url(society, csv=False):
    return reverse("inspection_copy", args=[society.slug]) + ("?format=csv" if csv else "")


def test_inspection_copy_url(society):
    assert inspection_url(society) == "/s/mutual/register/inspection/"


def test_inspection_copy_page_lists_names_addresses_and_dates_only(client, society, people):
    client.force_login(people["peter"].user)

    response = client.get(inspection_url(society))

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Siân Ó Súilleabháin", "Peter Smith", "Ruth Okafor"):
        assert name in page
    assert "Zed Elsewhere" not in page
    assert "Needs a BSL interpreter" not in page
    assert "07700 900" not in page
    assert "sian@example.org" not in page and "ruth@example.org" not in page


def test_inspection_copy_csv_has_no_shares_class_needs_or_contact(client, society, people):
    client.force_login(people["sian"].user)

    response = client.get(inspection_url(society, csv=True))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "mutual-register-inspection.csv" in response["Content-Disposition"]
    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert list(frame.columns) == INSPECTION_COLUMNS
    text = response.content.decode("utf-8-sig")
    for private in PRIVATE:
        assert private not in text
    assert frame.to_dict("records") == [
        {"Name": m.full_name, "Postal address": m.address, "Postcode": m.postcode,
         "Date admitted": m.admitted_on.isoformat(),
         "Date ceased": m.ceased_on.isoformat() if m.ceased_on else ""}
        for m in sorted(people.values(), key=lambda m: m.full_name)
    ]


def test_inspection_copy_each_request_is_audited(client, society, people):
    user = people["peter"].user
    client.force_login(user)

    client.get(inspection_url(society))
    client.get(inspection_url(society, csv=True))

    logged = AuditEntry.objects.filter(action="membership.register.inspection_copy_requested")
    assert logged.count() == 2
    assert {(e.actor_id, e.society_id) for e in logged} == {(user.pk, society.pk)}


def test_inspection_copy_refused_to_member_of_another_society(client, society, other_society,
                                                               people):
    outsider = MemberFactory(society=other_society).user
    client.force_login(outsider)

    page = client.get(inspection_url(society))
    csv = client.get(inspection_url(society, csv=True))

    assert page.status_code == 403 and csv.status_code == 403
    assert "Siân" not in page.content.decode() + csv.content.decode()
    assert not AuditEntry.objects.filter(
        action="membership.register.inspection_copy_requested").exists()


def test_inspection_copy_refused_to_former_member(client, society, people):
    client.force_login(people["ruth"].user)

    response = client.get(inspection_url(society, csv=True))

    assert response.status_code == 403
    assert "Siân" not in response.content.decode()


def test_inspection_copy_anonymous_is_sent_to_sign_in(client, society, people):
    response = client.get(inspection_url(society, csv=True))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the XLSX writer ------------------------------------------------------------------------

TRICKY_TEXT = [
    "Plain Name", "  leading spaces", "trailing space ", "Flat 1\nHigh Street\n",
    "Smith & Sons <Ltd> \"quoted\"", "tab\tinside", "bell\x07and\x1fcontrol", "carriage\rreturn",
    "_x0041_ looks like Excel's own escape", "emoji 🙂 and Siân Ó Súilleabháin",
    "odd \ufffe character", "=1+2", "x" * 40_000, "🙂" * 20_000, "", None,
]


def tricky_frame() -> pd.DataFrame:
    n = len(TRICKY_TEXT)
    return pd.DataFrame({
        "Membership number": list(range(1, n + 1)),
        "Name": TRICKY_TEXT,
        "Shares held": [i % 3 for i in range(n)],
        "Amount paid (£)": [f"{Decimal(i * 1234567) / 100:.2f}" for i in range(n)],
        "Date admitted": [date(2000 + i, 1 + i % 12, 1 + i) for i in range(n)],
        "Date ceased": [None if i % 3 else date(2025, 6, 30) for i in range(n)],
        "Reason ceased": [None if i % 3 else "resigned" for i in range(n)],
    })


def many_rows_frame(n: int) -> pd.DataFrame:
    """`n` rows cycling through the awkward text, with every kind of cell in every row."""
    text = [TRICKY_TEXT[i % len(TRICKY_TEXT)] for i in range(n)]
    return pd.DataFrame({
        "Membership number": list(range(1, n + 1)),
        "Name": text,
        "Postal address": [f"{i} High Street\n{t or ''}"[:200] for i, t in enumerate(text)],
        "Shares held": [i % 3 for i in range(n)],
        "Amount paid (£)": [f"{Decimal(i * 1234567) / 100:.2f}" for i in range(n)],
        "Date admitted": [date(2000 + i % 25, 1 + i % 12, 1 + i % 28) for i in range(n)],
        "Date ceased": [None if i % 3 else date(2025, 6, 30) for i in range(n)],
        "Reason ceased": ["" if i % 3 else "resigned" for i in range(n)],
    })


def expected_cell(name: str, value):
    """What a spreadsheet holds for a frame's value: empty text is an empty cell, money and
    dates are numbers, text longer than Excel allows is cut at 32,767 UTF-16 units."""
    if value is None or value == "" or pd.isna(value):
        return None
    if name in exports.MONEY_COLUMNS:
        return float(Decimal(value))
    if isinstance(value, str) and len(value.encode("utf-16-le")) > 2 * 32_767:
        return value.encode("utf-16-le")[:2 * 32_767].decode("utf-16-le", "ignore")
    return value


def read_back_cell(value):
    """A cell as openpyxl reads it, with Excel's _xHHHH_ escape (control characters, and text
    that looks like the escape) decoded as Excel decodes it."""
    if isinstance(value, str):
        return unescape(value)
    if isinstance(value, datetime):
        return value.date()
    return value


def test_xlsx_writer_keeps_every_cell_of_every_row():
    frame = many_rows_frame(1_500)

    content = exports.to_xlsx_bytes(frame, sheet="Register of members")

    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(frame.columns)
    assert len(rows) == len(frame) + 1, "a row is missing"
    for number, (row, record) in enumerate(zip(rows[1:], frame.itertuples(index=False),
                                              strict=True), start=2):
        expected = [expected_cell(name, value) for name, value in zip(frame.columns, record,
                                                                      strict=True)]
        assert [read_back_cell(v) for v in row] == expected, f"row {number} differs"


def test_xlsx_writer_round_trips_awkward_text_through_openpyxl():
    frame = tricky_frame()

    sheet = openpyxl.load_workbook(io.BytesIO(
        exports.to_xlsx_bytes(frame, sheet="Register of members"))).active
    names = [sheet.cell(row=r, column=2).value for r in range(2, len(frame) + 2)]

    # Control characters are stored with Excel's _xHHHH_ escape, which Excel decodes and
    # openpyxl does not; the test above decodes them.
    readable = [i for i, text in enumerate(TRICKY_TEXT[:12]) if "_x" not in text
                and not any(ord(c) < 32 and c not in "\t\n" or c == "\ufffe" for c in text)]
    assert len(readable) == 8
    assert [names[i] for i in readable] == [TRICKY_TEXT[i] for i in readable]
    assert len(names[12]) == 32_767, "Excel's longest cell; longer text is cut, not refused"
    assert names[-2:] == [None, None]
    assert sheet.max_row == len(frame) + 1
    assert sheet.cell(row=3, column=4).value == pytest.approx(12345.67)
    assert sheet.cell(row=2, column=6).value.date() == date(2025, 6, 30)
    assert sheet.cell(row=3, column=6).value is None


def test_xlsx_writer_with_no_rows_has_the_header_only():
    frame = tricky_frame().iloc[:0]

    read_back = pd.read_excel(io.BytesIO(exports.to_xlsx_bytes(frame, sheet="Empty")),
                              engine="openpyxl")

    assert list(read_back.columns) == list(frame.columns)
    assert len(read_back) == 0
