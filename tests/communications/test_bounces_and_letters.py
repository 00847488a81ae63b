"""The provider's bounce and complaint webhook (Mailgun through django-anymail, with a payload
signed the way Mailgun signs it), what it changes for later messages, and the print run."""

import hashlib
import hmac
import json
import time

import pytest
from weasyprint.layout import boxes

from communications import selectors, sending, services
from communications.enums import Method
from communications.models import AddressProblem, Delivery

pytestmark = pytest.mark.django_db

KEY = "test-signing-key"
MM = 96 / 25.4  # CSS px per millimetre
PT = 96 / 72


def mailgun_event(event: str, recipient: str, *, key=KEY, **extra) -> str:
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return json.dumps({
        "signature": {"timestamp": timestamp, "token": token,
                      "signature": signature.hexdigest()},
        "event-data": {"event": event, "recipient": recipient, "timestamp": time.time(),
                       "id": "ev1", "message": {"headers": {"message-id": "m1@example"}},
                       "delivery-status": {"message": "550 mailbox unavailable",
                                           "description": "No such mailbox", "code": 550},
                       **extra}})


@pytest.fixture
def signing_key(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": KEY}


def post(client, body):
    return client.post("/anymail/mailgun/tracking/", body, content_type="application/json")


def test_a_permanent_bounce_marks_the_address(client, signing_key, people):
    address = people["both"].email
    response = post(client, mailgun_event("failed", address.upper(), severity="permanent"))
    assert response.status_code == 200
    problem = AddressProblem.objects.get()
    assert (problem.address, problem.kind) == (address.lower(), "bounced")
    assert "No such mailbox" in problem.detail


def test_a_complaint_marks_the_address_and_a_temporary_failure_does_not(
        client, signing_key, people):
    post(client, mailgun_event("failed", people["email"].email, severity="temporary"))
    assert not AddressProblem.objects.exists()
    post(client, mailgun_event("complained", people["email"].email))
    assert AddressProblem.objects.get().kind == "complained"


def test_a_wrongly_signed_event_changes_nothing(client, signing_key, people):
    response = post(client, mailgun_event("failed", people["email"].email, key="wrong",
                                          severity="permanent"))
    assert response.status_code == 400
    assert not AddressProblem.objects.exists()


def test_without_a_signing_key_the_webhook_answers_503(client, people):
    response = post(client, mailgun_event("failed", people["email"].email))
    assert response.status_code == 503
    assert not AddressProblem.objects.exists()


def test_after_a_bounce_messages_go_by_post_or_not_at_all(
        client, signing_key, society, secretary, people, classes):
    for key in ("both", "email"):
        post(client, mailgun_event("failed", people[key].email, severity="permanent"))
    news = services.create_draft(society, by=secretary, kind="news", subject="News",
                                 body="Hello", audience="classes", classes=[classes["Carer"]])
    services.send_now(news, by=secretary)
    methods = dict(Delivery.objects.filter(message=news, member__in=[
        people["both"], people["email"]]).values_list("member__full_name", "method"))
    assert methods == {"Bo Both": Method.POST}  # Eve asked for email only: news stops
    notice = services.create_draft(society, by=secretary, kind="notice", subject="Notice",
                                   body="The law says", audience="all")
    services.send_now(notice, by=secretary)
    assert Delivery.objects.get(message=notice, member=people["email"]).method == Method.POST


def page_words(document):
    return [[box for box in page._page_box.descendants() if isinstance(box, boxes.TextBox)]
            for page in document.pages]


def test_print_run_has_each_post_member_in_their_format(society, secretary, people, classes):
    news = services.create_draft(society, by=secretary, kind="news", subject="Rota forum",
                                 body="# Rotas\n\n- weekend cover",
                                 easy_read_body="We want to talk about rotas.",
                                 audience="classes", classes=[classes["Carer"]])
    services.send_now(news, by=secretary)
    Delivery.objects.filter(member=people["post"]).update(easy_read=True)
    letters = sending.letters_for(sending.print_run(news))
    assert [letter.name for letter in letters] == ["Bo Both", "Lee Large", "Pat Post"]
    document = sending.letters_document(news, letters)
    pages = page_words(document)
    assert len(pages) == 3  # one page per member
    by_name = {}
    for words in pages:
        text = " ".join(b.text for b in words)
        name = next(n for n in ("Bo Both", "Lee Large", "Pat Post") if f"Dear {n}," in text)
        by_name[name] = (words, text)
        # The address block's first line, where a DL window shows it.
        first = next(b for b in words if b.text.strip() == name)
        assert 49.5 * MM <= first.position_y <= 51 * MM  # 50mm from the top
        assert 19.5 * MM <= first.position_x <= 20.5 * MM  # 20mm from the left
    large_words, _ = by_name["Lee Large"]
    greeting = next(i for i, b in enumerate(large_words) if b.text.startswith("Dear "))
    assert min(b.style["font_size"] for b in large_words[greeting:]) >= 18 * PT
    plain_words, pat = by_name["Pat Post"]
    assert max(b.style["font_size"] for b in plain_words if b.text.startswith("Dear")) < 18 * PT
    assert pat.index("We want to talk about rotas.") < pat.index("weekend cover")
    assert "We want to talk about rotas." not in by_name["Bo Both"][1]
    assert sending.letters_pdf(news, letters).startswith(b"%PDF-")
    assert selectors.counts(news).large_print == 1
