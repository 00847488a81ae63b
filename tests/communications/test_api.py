"""The messages API for the board: list, create a draft (400 with field errors on bad input,
nothing written), send now or schedule (409 the second time), and each copy's status."""

import pytest
from rest_framework.test import APIClient

from communications.models import Delivery, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(secretary):
    client = APIClient()
    client.force_authenticate(secretary)
    return client


def base(society):
    return f"/api/v1/societies/{society.slug}/messages/"


def draft(by_name, **extra):
    return {"kind": "news", "subject": "Rota forum", "body": "Come along",
            "audience": "classes", "classes": [by_name["Carer"].pk], **extra}


def test_create_send_and_read_delivery_status(api, society, people, classes, smtp,
                                              django_capture_on_commit_callbacks):
    created = api.post(base(society), draft(classes), format="json")
    assert created.status_code == 201, created.data
    body = created.data
    assert body["state"] == "draft"
    assert body["counts"] == {"members": 5, "email": 3, "post": 3, "large_print": 1,
                              "easy_read": 1, "left_out": 1}
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"{base(society)}{body['id']}/send/", {}, format="json")
    assert sent.status_code == 200 and sent.data["state"] == "sent"
    assert len(smtp.messages) == 3
    again = api.post(f"{base(society)}{body['id']}/send/", {}, format="json")
    assert again.status_code == 409 and "already been sent" in again.data["detail"]
    copies = api.get(f"{base(society)}{body['id']}/deliveries/").data["results"]
    assert len(copies) == 6
    assert {(c["method"], c["status"]) for c in copies} == {("email", "sent"),
                                                            ("post", "queued")}
    listed = api.get(base(society)).data["results"]
    assert [m["subject"] for m in listed] == ["Rota forum"]


def test_bad_input_is_a_400_naming_each_field(api, society, other_society, classes):
    theirs = other_society.member_classes.first()
    response = api.post(base(society), {"kind": "gossip", "subject": "", "audience": "classes",
                                        "classes": [theirs.pk]}, format="json")
    assert response.status_code == 400
    assert {"kind", "subject", "body", "classes"} <= set(response.data)
    no_class = api.post(base(society), draft(classes, classes=[]), format="json")
    assert no_class.status_code == 400 and "classes" in no_class.data
    assert not Message.objects.exists()


def test_schedule_through_the_api(api, society, classes):
    created = api.post(base(society), draft(classes), format="json").data
    past = api.post(f"{base(society)}{created['id']}/send/",
                    {"send_at": "2020-01-01T09:00:00Z"}, format="json")
    assert past.status_code == 400 and "send_at" in past.data
    later = api.post(f"{base(society)}{created['id']}/send/",
                     {"send_at": "2099-01-01T09:00:00Z"}, format="json")
    assert later.status_code == 200 and later.data["state"] == "scheduled"
    assert not Delivery.objects.exists()


def test_members_and_other_societies_are_refused(society, other_society, people, officer_for):
    client = APIClient()
    client.force_authenticate(people["email"].user)
    assert client.get(base(society)).status_code == 403
    client.force_authenticate(officer_for("secretary", other_society))
    assert client.get(base(society)).status_code == 404
    assert APIClient().get(base(society)).status_code in (401, 403)
