"""A member with no email sends back the proxy form from their letter; the secretary enters
it. The same rules hold as online, the entry is audited, and the proxy works at the meeting."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from meetings import selectors
from meetings.models import Meeting, Proxy
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, assert_field_error, text


def _page(society, meeting):
    return reverse("meeting_proxy_from_post", args=[society.slug, meeting.pk])


def _client(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


def test_the_secretary_enters_a_directed_proxy_sent_by_post(society, classes, secretary,
                                                             called_meeting):
    by_post = MemberFactory(society=society, member_class=classes[0], full_name="Iris Post",
                            contact_by_email=False, contact_by_post=True, email="")
    holder = MemberFactory(society=society, member_class=classes[0], full_name="Hal Holder")
    item = called_meeting.resolution
    client = _client(secretary)

    response = client.post(_page(society, called_meeting), {
        "appointer": by_post.pk, "holder": holder.pk, f"item_{item.pk}": "against"},
        follow=True)

    assert "Entered: Iris Post appointed Hal Holder as their proxy." in text(response)
    assert "Iris Post Hal Holder Yes" in text(response)
    proxy = selectors.proxy_of(called_meeting, by_post)
    assert proxy.holder == holder
    assert [(i.item_id, i.direction) for i in proxy.instructions.all()] == [(item.pk, "against")]
    entry = AuditEntry.objects.filter(action="meetings.proxy.entered_from_post").get()
    assert entry.actor == secretary and entry.data["appointer"] == by_post.membership_number


def test_a_form_that_arrives_after_the_deadline_is_refused_next_to_the_field(
        society, classes, secretary, called_meeting):
    by_post, holder = (MemberFactory(society=society, member_class=classes[0])
                       for _ in range(2))
    # The meeting is now two days away: the deadline (2 clear days before) has passed.
    Meeting.objects.filter(pk=called_meeting.pk).update(
        starts_at=timezone.now() + timedelta(days=2))
    client = _client(secretary)

    response = client.post(_page(society, called_meeting), {
        "appointer": by_post.pk, "holder": holder.pk,
        f"item_{called_meeting.resolution.pk}": "proxy"})

    assert response.status_code == 200
    assert "The deadline for appointing a proxy was the end of" in text(response)
    assert not Proxy.objects.filter(meeting=called_meeting).exists()


def test_the_holder_limit_applies_to_forms_sent_by_post(society, classes, secretary,
                                                         called_meeting, set_rules):
    set_rules(max_proxies_per_holder=1)
    first, second, holder = (MemberFactory(society=society, member_class=classes[0])
                             for _ in range(3))
    client = _client(secretary)
    item = called_meeting.resolution
    client.post(_page(society, called_meeting), {
        "appointer": first.pk, "holder": holder.pk, f"item_{item.pk}": "proxy"})

    response = client.post(_page(society, called_meeting), {
        "appointer": second.pk, "holder": holder.pk, f"item_{item.pk}": "proxy"})

    assert_field_error(response, "holder", "already holds 1 proxies")
    assert Proxy.objects.filter(meeting=called_meeting, holder=holder).count() == 1
