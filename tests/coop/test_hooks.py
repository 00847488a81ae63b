"""The ground (coop) reaches the apps above it only through coop.hooks."""

from coop.models import Society, User
from membership.models import InterestTopic, MemberClass
from tests.factories import MemberFactory, OfficerFactory, SocietyFactory


def test_society_created_in_admin_gets_classes_and_topics(client, db):
    admin = User.objects.create_superuser(email="root@example.org", password="pw-long-enough-1")
    client.force_login(admin)
    response = client.post("/admin/coop/society/add/", {
        "name": "Admin Made Co-op", "slug": "admin-made", **admin_form_defaults()})
    assert response.status_code == 302, response.content.decode()[:2000]
    society = Society.objects.get(slug="admin-made")
    assert MemberClass.objects.filter(society=society).count() == 3
    assert InterestTopic.objects.filter(society=society).exists()


def admin_form_defaults() -> dict:
    """The add form's initial values, so the post changes only the name and slug."""
    from django.contrib.admin import site
    from django.test import RequestFactory

    model_admin = site._registry[Society]
    request = RequestFactory().get("/admin/coop/society/add/")
    request.user = User.objects.filter(is_superuser=True).first()
    form = model_admin.get_form(request)()
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    for prefix in ("officers", "officer_set"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_member_sees_member_navigation_and_outsider_does_not(client, db):
    society = SocietyFactory(slug="mutual")
    member = MemberFactory(society=society)
    client.force_login(member.user)
    assert client.get("/s/mutual/").context["is_current_member_here"] is True
    outsider = SocietyFactory(slug="elsewhere")
    assert client.get(f"/s/{outsider.slug}/").context["is_member_here"] is False


def test_societies_for_user_counts_members_and_officers(db):
    from coop.selectors import societies_for_user

    joined, served, other = SocietyFactory(), SocietyFactory(), SocietyFactory()
    member = MemberFactory(society=joined)
    OfficerFactory(society=served, user=member.user, role="trustee")
    assert set(societies_for_user(member.user)) == {joined, served}
    assert other not in societies_for_user(member.user)
