"""Who gets what, as a table: (person, method, url) -> status. Another society's data, or a
society you have no link to, is 404; a role that is not enough is 403; no one signed in is 401."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import ApplicationFactory, MemberFactory, OfficerFactory, UserFactory

BASE = "/api/v1/societies/mutual"
ENDPOINTS = {
    "society": ("get", f"{BASE}/"),
    "register": ("get", f"{BASE}/members/"),
    "my entry": ("get", f"{BASE}/members/me/"),
    "my shares": ("get", f"{BASE}/members/me/shares/"),
    "applications": ("get", f"{BASE}/applications/"),
    "owing payment": ("get", f"{BASE}/applications/?state=approved"),
    "application": ("get", f"{BASE}/applications/{{application}}/"),
    "approve": ("post", f"{BASE}/applications/{{application}}/approve/"),
    "reject": ("post", f"{BASE}/applications/{{application}}/reject/"),
    "payments": ("get", f"{BASE}/payments/"),
    "record payment": ("post", f"{BASE}/payments/"),
}
#          society register my    my      appli-  owing   appli-  approve reject  pay-    record
#                           entry shares  cations payment cation                  ments   payment
TABLE = {
    "anonymous":       (401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401),
    "outsider":        (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "other secretary": (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "member":          (200, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403),
    "scrutineer":      (200, 403, 404, 404, 403, 403, 403, 403, 403, 403, 403),
    "treasurer":       (200, 200, 404, 404, 403, 200, 403, 403, 403, 200, 201),
    "trustee":         (200, 200, 404, 404, 200, 200, 200, 200, 200, 200, 201),
    "chair":           (200, 200, 404, 404, 200, 200, 200, 200, 200, 200, 201),
    "secretary":       (200, 200, 404, 404, 200, 200, 200, 200, 200, 200, 201),
}
CASES = [(who, endpoint, expected)
         for who, row in TABLE.items()
         for endpoint, expected in zip(ENDPOINTS, row, strict=True)]


def person(who, society, other_society):
    if who == "anonymous":
        return None
    if who == "outsider":
        return UserFactory()
    if who == "other secretary":
        return OfficerFactory(society=other_society, role="secretary").user
    if who == "member":
        return MemberFactory(society=society).user
    return OfficerFactory(society=society, role=who).user


def body(endpoint, awaiting_payment):
    if endpoint == "record payment":
        return {"application": awaiting_payment.pk, "method": "bank_transfer", "amount": "1.00",
                "received_on": timezone.localdate().isoformat()}
    return {"reason": "Not in our area"}


@pytest.mark.parametrize("who, endpoint, expected", CASES)
def test_permission_table(who, endpoint, expected, society, other_society):
    application = ApplicationFactory(society=society)
    awaiting_payment = ApplicationFactory(society=society, approved=True)
    user = person(who, society, other_society)
    client = APIClient()
    if user is not None:
        client.force_login(user)
    method, url = ENDPOINTS[endpoint]
    url = url.format(application=application.pk)

    if method == "post":
        response = client.post(url, body(endpoint, awaiting_payment), format="json")
    else:
        response = client.get(url)

    assert response.status_code == expected, response.content
