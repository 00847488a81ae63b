"""Messages go out through a real SMTP server run by the test: each member in their format,
news only to those who agreed with a working one-click unsubscribe, statutory notices to
everyone chosen, a second send sends nothing, a refused address is recorded with its reason."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communications import consent, selectors, sending, services
from communications.enums import DeliveryStatus, Method
from communications.models import Delivery
from coop.models import AuditEntry
from coop.services import CoopError

pytestmark = pytest.mark.django_db

BODY = "# Forum on rotas\n\nCome and talk about:\n\n- weekend cover\n- holidays\n\n" \
       "Read [the rota plan](https://example.org/rota)."


@pytest.fixture
def news(society, secretary, classes):
    return services.create_draft(society, by=secretary, kind="news", subject="Rota forum",
                                 body=BODY, easy_read_body="We want to talk about rotas.",
                                 audience="classes", classes=[classes["Carer"]])


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a service queues after commit (the email task), as the real commit would."""

    def run(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return run


def parts(mail) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in mail.walk()
            if part.get_content_maintype() == "text"}


def test_counts_before_sending_say_how_each_member_gets_it(news, people):
    counts = selectors.counts(news)
    # Carers: Eve, Ezra by email; Pat, Lee by post; Bo both. Quinn gave no consent.
    assert (counts.members, counts.email, counts.post) == (5, 3, 3)
    assert (counts.large_print, counts.easy_read, counts.left_out) == (1, 1, 1)
    assert not Delivery.objects.exists()


def test_news_emails_arrive_with_both_formats_and_one_click_unsubscribe(
        news, people, secretary, smtp, client, committed):
    committed(services.send_now, news, by=secretary)

    received = {m["To"] for m in smtp.messages}
    assert received == {people[k].email for k in ("email", "easy", "both")}
    (mail,) = smtp.to(people["email"].email)
    assert mail["Subject"] == "Mutual Support: Rota forum"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(http://[^>]+)>", mail["List-Unsubscribe"]).group(1)
    text, html = parts(mail)["text/plain"], parts(mail)["text/html"]
    assert "Dear Eve Email," in text and "- weekend cover" in text and link in text
    assert "<h1>Forum on rotas</h1>" in html and "<li>weekend cover</li>" in html
    assert '<a href="https://example.org/rota">the rota plan</a>' in html
    assert "We want to talk about rotas." not in text  # easy read only for who asked
    easy = parts(smtp.to(people["easy"].email)[0])["text/plain"]
    assert easy.index("We want to talk about rotas.") < easy.index("Forum on rotas")

    # The mail program's one-click: a POST to the header's address, no session, no CSRF.
    client.handler.enforce_csrf_checks = True
    response = client.post(link.removeprefix("http://127.0.0.1:8000"),
                           {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not consent.may_send_news(people["email"])
    assert consent.may_send_news(people["easy"])


def test_statutory_notice_reaches_everyone_chosen_and_has_no_unsubscribe(
        society, people, secretary, smtp, classes, committed):
    notice = services.create_draft(society, by=secretary, kind="notice", subject="Rule change",
                                   body="The rules change.", audience="classes",
                                   classes=[classes["Carer"]])
    committed(services.send_now, notice, by=secretary)
    emailed = {m["To"] for m in smtp.messages}
    assert people["quiet"].email in emailed  # no consent needed for a statutory notice
    assert all(m["List-Unsubscribe"] is None for m in smtp.messages)
    posted = set(Delivery.objects.filter(message=notice, method=Method.POST)
                 .values_list("member__full_name", flat=True))
    assert posted == {"Pat Post", "Lee Large", "Bo Both"}
    letter = Delivery.objects.get(message=notice, member=people["large"], method=Method.POST)
    assert letter.address == f"{people['large'].address}\n{people['large'].postcode}"
    assert (letter.large_print, letter.easy_read, letter.status) == (True, False, "queued")
    assert people["user"].email not in emailed  # not in the class chosen


def test_second_send_sends_nothing(news, people, secretary, smtp, committed):
    committed(services.send_now, news, by=secretary)
    assert len(smtp.messages) == 3
    with pytest.raises(CoopError, match="already been sent"):
        committed(services.send_now, news, by=secretary)
    assert sending.send_email(news.pk) == 0  # the task again: nothing queued is left
    committed(services.resend_email, news, by=secretary)
    assert len(smtp.messages) == 3
    assert Delivery.objects.filter(message=news).count() == 6


def test_refused_address_is_recorded_with_its_reason_and_the_rest_go(
        news, people, secretary, smtp, committed):
    smtp.refuse.add(people["easy"].email)
    committed(services.send_now, news, by=secretary)
    failed = Delivery.objects.get(message=news, member=people["easy"], method=Method.EMAIL)
    assert failed.status == DeliveryStatus.FAILED
    assert "550" in failed.reason and "No such mailbox" in failed.reason
    assert {m["To"] for m in smtp.messages} == {people["email"].email, people["both"].email}
    assert set(Delivery.objects.filter(message=news, method=Method.EMAIL)
               .values_list("status", flat=True)) == {"sent", "failed"}


def test_news_respects_withdrawn_consent(news, people, secretary, smtp, committed):
    consent.withdraw(people["both"], how="website")
    committed(services.send_now, news, by=secretary)
    assert people["both"].email not in {m["To"] for m in smtp.messages}
    assert not Delivery.objects.filter(message=news, member=people["both"]).exists()


def test_nobody_to_send_to_is_refused_and_nothing_is_written(society, secretary, classes):
    draft = services.create_draft(society, by=secretary, kind="news", subject="Hello",
                                  body="Hi", audience="classes", classes=[classes["Carer"]])
    with pytest.raises(CoopError, match="Nobody would get this message"):
        services.send_now(draft, by=secretary)
    draft.refresh_from_db()
    assert draft.queued_at is None and not Delivery.objects.exists()


def test_scheduled_message_goes_when_due_once(news, people, secretary, smtp, committed):
    later = timezone.now() + timezone.timedelta(hours=1)
    services.schedule(news, by=secretary, at=later)
    call_command("run_messages_due")
    assert smtp.messages == []
    type(news).objects.filter(pk=news.pk).update(send_at=timezone.now())
    committed(call_command, "run_messages_due")
    committed(call_command, "run_messages_due")
    assert len(smtp.messages) == 3
    news.refresh_from_db()
    assert news.queued_by is None and news.queued_at is not None


def test_letters_marked_posted_and_every_change_audited(news, people, secretary, smtp, committed):
    committed(services.send_now, news, by=secretary)
    assert services.mark_posted(news, by=secretary) == 3
    assert set(Delivery.objects.filter(message=news, method=Method.POST)
               .values_list("status", flat=True)) == {"sent"}
    with pytest.raises(CoopError, match="already marked"):
        services.mark_posted(news, by=secretary)
    actions = set(AuditEntry.objects.filter(society=news.society)
                  .values_list("action", flat=True))
    assert {"communications.message.drafted", "communications.message.sent",
            "communications.letters.posted"} <= actions


def test_unsubscribe_page_asks_first_and_rejects_a_forged_token(people, client):
    from communications.tokens import unsubscribe_token

    token = unsubscribe_token(people["email"].pk)
    page = client.get(reverse("unsubscribe", args=[token]))
    assert page.status_code == 200 and b"Stop sending me news" in page.content
    assert consent.may_send_news(people["email"])  # a link scanner's GET changes nothing
    assert client.get(reverse("unsubscribe", args=[token[:-2] + "xx"])).status_code == 404
    assert client.post(reverse("unsubscribe", args=["12:abc"])).status_code == 404


def test_a_scheduled_message_nobody_would_get_goes_back_to_draft(society, secretary, classes):
    draft = services.create_draft(society, by=secretary, kind="news", subject="Hello",
                                  body="Hi", audience="classes", classes=[classes["Carer"]])
    services.schedule(draft, by=secretary, at=timezone.now() + timezone.timedelta(hours=1))
    type(draft).objects.filter(pk=draft.pk).update(send_at=timezone.now())
    call_command("run_messages_due")
    draft.refresh_from_db()
    assert draft.state == "draft" and not Delivery.objects.exists()
    assert AuditEntry.objects.filter(action="communications.message.not_sent").exists()


def test_the_task_paths_the_services_name_are_tasks():
    from django.tasks import Task
    from django.utils.module_loading import import_string

    for path in (services.SEND_EMAIL, services.SEND_WHEN_DUE):
        assert isinstance(import_string(path), Task)
