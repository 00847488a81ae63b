"""A receipt code is in no log line, audit entry, address or error report: it leads to the
vote, so whoever reads the logs must not find it. Every logger is captured at DEBUG (SQL
included) while members vote and check receipts on the pages and through the API."""

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter
from rest_framework.test import APIClient

from coop.models import AuditEntry
from tests.factories import MemberFactory
from voting import services

from .conftest import option

BASE = "/api/v1/societies/mutual/ballots"


class Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.name} {record.getMessage()} {record.args!r} "
                          f"{getattr(record, 'request', '')!r}")


@pytest.fixture
def every_log_line():
    """Every record of every logger, at DEBUG, with SQL statements and their parameters."""
    handler = Everything()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in
                                      list(logging.root.manager.loggerDict))]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    debug_cursor, connection.force_debug_cursor = connection.force_debug_cursor, True
    try:
        yield handler.lines
    finally:
        connection.force_debug_cursor = debug_cursor
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_no_receipt_code_in_any_log_or_audit_entry(society, classes, secretary, client,
                                                   every_log_line):
    voters = [MemberFactory(society=society, member_class=classes[0]) for _ in range(2)]
    ballot = services.open_ballot(
        services.create_ballot(society, by=secretary, title="Fruit", summary="Which?",
                               kind="choice", options=["Apples", "Pears"]),
        by=secretary, closes_at=timezone.now() + timedelta(days=7))
    apples = option(ballot, "Apples")
    by_api = api_client(voters[0].user).post(f"{BASE}/{ballot.pk}/vote/",
                                             {"choices": {str(apples.pk): 1}}, format="json")
    code_api = by_api.json()["receipt"]
    client.force_login(voters[1].user)
    code_web = services.cast_vote(ballot, voters[1], {apples.pk: 1})
    assert every_log_line, "the capture should see SQL at least"
    services.close_ballot(ballot, by=secretary, reason="Counting")

    checker = api_client(voters[0].user)
    answers = [checker.post(f"{BASE}/{ballot.pk}/receipts/check/", {"code": code},
                            format="json").status_code
               for code in (code_api, code_web, "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "ZZZZ")]
    page = client.post(f"/s/mutual/ballots/{ballot.pk}/check-receipt/", {"code": code_web})

    assert answers == [200, 200, 404, 400]
    assert "Your vote was counted." in page.content.decode()
    logged = "\n".join(every_log_line)
    audit = "\n".join(f"{e.action} {e.data} {e.object_repr}" for e in AuditEntry.objects.all())
    for code in (code_api, code_web, "ZZZZ-ZZZZ-ZZZZ-ZZZZ"):
        plain = code.replace("-", "")
        assert code not in logged and plain not in logged
        assert code not in audit and plain not in audit


def test_error_reports_hide_the_receipt_cookie(rf):
    """Django's error report (emailed to admins on a 500) shows cookies: the receipt cookie's
    name marks it as a secret, so the report hides its value."""
    from voting.views import RECEIPT_COOKIE

    request = rf.get("/")
    request.COOKIES[RECEIPT_COOKIE.format(1)] = "ABCD-EFGH-JKMN-PQRS:signed"

    assert "ABCD" not in str(SafeExceptionReporterFilter().get_safe_cookies(request))
