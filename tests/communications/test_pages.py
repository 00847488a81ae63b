"""The officers' and members' message pages: compose with field errors, counts before sending,
preview in each format, send, print run and posting; a member's Messages page with only their
own messages and their news choice; who may see what."""

import pytest
from django.urls import reverse

from communications import consent, services
from communications.models import Delivery, Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, secretary):
    client.force_login(secretary)
    return client


def url(name, society, *args):
    return reverse(name, args=[society.slug, *args])


def compose_data(by_name, **extra):
    return {"subject": "Rota forum", "body": "# Rotas\n\n- weekend cover", "kind": "news",
            "audience": "classes", "classes": [by_name["Carer"].pk], "easy_read_body": "",
            "preference": "", **extra}


def test_officer_sends_to_a_class_by_email_and_post_with_counts_first(
        officer, society, people, classes, django_capture_on_commit_callbacks, smtp):
    response = officer.post(url("message_new", society), compose_data(classes))
    message = Message.objects.get()
    assert response.url == url("message_detail", society, message.pk)
    page = officer.get(response.url).content.decode()
    for said in ("<dt>By email</dt><dd>3</dd>", "<dt>By post</dt><dd>3</dd>",
                 "<dt>Letters in large print</dt><dd>1</dd>", "<dt>In easy read</dt><dd>1</dd>",
                 "Send now to 5 members", "1 (they have not agreed to get news)"):
        assert said in page
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(url("message_send", society, message.pk))
    assert len(smtp.messages) == 3
    letters = officer.get(url("message_letters", society, message.pk))
    assert letters["Content-Type"] == "application/pdf"
    assert officer.post(url("message_posted", society, message.pk)).status_code == 302
    page = officer.get(url("message_detail", society, message.pk)).content.decode()
    assert "Posted on" in page and "Send now" not in page


def test_compose_errors_are_shown_on_their_fields_and_nothing_is_kept(officer, society, classes):
    response = officer.post(url("message_new", society),
                            compose_data(classes, subject="", classes=[]))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_subject">Enter the subject.' in page
    assert 'href="#id_classes_0">Choose at least one class.' in page
    assert not Message.objects.exists()


def test_another_societys_class_is_refused(officer, society, other_society, classes):
    theirs = other_society.member_classes.first()
    response = officer.post(url("message_new", society),
                            compose_data(classes, classes=[theirs.pk]))
    assert response.status_code == 400 and not Message.objects.exists()


def test_preview_shows_each_format(officer, society, secretary, classes):
    message = services.create_draft(society, by=secretary, kind="news", subject="Forum",
                                    body="# Rotas", easy_read_body="Talk about rotas.",
                                    audience="all")
    detail = url("message_detail", society, message.pk)
    assert "Talk about rotas." not in officer.get(detail).content.decode()
    easy = officer.get(detail + "?format=easy_read").content.decode()
    assert "<p>Talk about rotas.</p>" in easy and "<h1>Rotas</h1>" in easy
    large = officer.get(detail + "?format=large_print").content.decode()
    assert "message-preview--large" in large and "sample-letter.pdf?large=1" in large
    sample = officer.get(url("message_sample_letter", society, message.pk) + "?large=1")
    assert sample.content.startswith(b"%PDF-")


def test_schedule_needs_a_future_time(officer, society, secretary):
    message = services.create_draft(society, by=secretary, kind="notice", subject="N",
                                    body="B", audience="all")
    response = officer.post(url("message_schedule", society, message.pk),
                            {"send_at": "1/1/2020 09:00"})
    assert response.status_code == 400
    assert "Choose a time in the future." in response.content.decode()
    response = officer.post(url("message_schedule", society, message.pk),
                            {"send_at": "1/1/2099 09:00"})
    message.refresh_from_db()
    assert response.status_code == 302 and message.state == "scheduled"


def test_a_sent_message_cannot_be_edited(officer, society, secretary, people):
    message = services.create_draft(society, by=secretary, kind="notice", subject="N",
                                    body="B", audience="all")
    services.send_now(message, by=secretary)
    response = officer.get(url("message_edit", society, message.pk))
    assert response.status_code == 302
    again = officer.post(url("message_send", society, message.pk))
    assert again.status_code == 400 and "already been sent" in again.content.decode()


@pytest.mark.parametrize("role,status", [("secretary", 200), ("chair", 200), ("trustee", 200),
                                         ("treasurer", 403), ("scrutineer", 403)])
def test_who_may_write_to_members(client, society, officer_for, role, status):
    client.force_login(officer_for(role))
    assert client.get(url("message_list", society)).status_code == status
    assert client.get(url("message_new", society)).status_code == status


def test_a_member_cannot_manage_messages_or_see_another_societys(
        client, society, other_society, secretary, people):
    client.force_login(people["email"].user)
    assert client.get(url("message_list", society)).status_code == 403
    theirs = services.create_draft(other_society, by=secretary, kind="notice", subject="N",
                                   body="B", audience="all")
    client.force_login(secretary)
    assert client.get(url("message_detail", society, theirs.pk)).status_code == 404


def test_members_see_their_own_messages_in_their_format(client, society, secretary, people):
    sent = services.create_draft(society, by=secretary, kind="news", subject="Rota forum",
                                 body="Full text", easy_read_body="Easy words",
                                 audience="all")
    services.send_now(sent, by=secretary)
    services.create_draft(society, by=secretary, kind="notice", subject="Draft only",
                          body="Not yet", audience="all")
    client.force_login(people["easy"].user)
    page = client.get(url("my_messages", society)).content.decode()
    assert "Rota forum" in page and "Draft only" not in page
    detail = client.get(url("my_message", society, sent.pk)).content.decode()
    assert detail.index("Easy words") < detail.index("Full text")
    client.force_login(people["quiet"].user)  # no consent to news: it was not sent to them
    assert "Rota forum" not in client.get(url("my_messages", society)).content.decode()
    assert client.get(url("my_message", society, sent.pk)).status_code == 404


def test_member_changes_their_news_choice(client, society, people):
    member = people["quiet"]
    client.force_login(member.user)
    response = client.post(url("my_messages", society), {})
    assert response.status_code == 400 and "Choose yes or no." in response.content.decode()
    client.post(url("my_messages", society), {"news": "yes"})
    assert consent.may_send_news(member)
    client.post(url("my_messages", society), {"news": "no"})
    assert not consent.may_send_news(member)


@pytest.mark.parametrize("how_many", [1, 4])
def test_message_lists_take_few_queries(client, society, secretary, people, how_many,
                                        django_assert_max_num_queries):
    for n in range(how_many):
        message = services.create_draft(society, by=secretary, kind="notice",
                                        subject=f"Notice {n}", body="B", audience="all")
        services.send_now(message, by=secretary)
    client.force_login(secretary)
    with django_assert_max_num_queries(10):
        page = client.get(url("message_list", society)).content.decode()
    assert page.count("Notice ") == how_many
    client.force_login(people["email"].user)
    with django_assert_max_num_queries(12):
        page = client.get(url("my_messages", society)).content.decode()
    assert page.count("Notice ") == how_many


def test_every_officer_page_refuses_a_member(client, society, secretary, people):
    """Each board page of the app, GET and POST, answers 403 to a member: a new page cannot
    skip the check."""
    from communications import urls

    message = services.create_draft(society, by=secretary, kind="notice", subject="N",
                                    body="B", audience="all")
    client.force_login(people["email"].user)
    officer_pages = [p for p in urls.urlpatterns if str(p.pattern).startswith("manage/")]
    assert len(officer_pages) == 9
    for pattern in officer_pages:
        args = [society.slug] + ([message.pk] if "<int:pk>" in str(pattern.pattern) else [])
        address = reverse(pattern.name, args=args)
        assert client.get(address).status_code in (403, 405), address
        assert client.post(address).status_code == 403, address
    message.refresh_from_db()
    assert message.queued_at is None and message.send_at is None
