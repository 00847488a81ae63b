"""Who may open which meeting page: one row per (method, page), one column per role.

OK = 200; LOG = 302 to the sign-in page; GO = 302 somewhere else (a write that worked);
NO = 403; NA = 405 (a page that only takes a POST, opened with GET by someone allowed to post).

Roles: anonymous; a current member; a signed-in person who is no member ("nobody"); a member
of another society ("outsider"); and the five officer roles. Officers here are not members.
The board (chair, secretary, trustees) prepares meetings; the chair and the secretary run
them and keep the minutes; the board and the scrutineer count hands. A refused request also
changes nothing: the audit log stays as it was. Another co-op's meeting is not found (404).
A second table holds the members' meeting pages: members act for themselves; officers
(who are not members) may read them but not act."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from meetings import elections, services
from meetings.models import Contest
from tests.factories import MemberFactory, OfficerFactory, UserFactory
from tests.pages import PageCheckingClient

OK, LOG, GO, NO, NA = 200, "to sign-in", "elsewhere", 403, 405

ROLES = ["anonymous", "member", "nobody", "outsider",
         "trustee", "secretary", "chair", "treasurer", "scrutineer"]

# Row: (method, url name, what its pk is, expected status for each role in ROLES order).
TABLE = [
    #                                         anon mem  nob  outs trust secr chair treas scrut
    ("GET",  "meeting_new",         None,    (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_manage",      "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_edit",        "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_cancel",      "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "item_new",            "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "item_move",           "i",     (LOG, NO,  NO,  NO,  NA,   NA,  NA,   NO,   NO)),
    ("GET",  "item_withdraw",       "i",     (LOG, NO,  NO,  NO,  NA,   NA,  NA,   NO,   NO)),
    ("GET",  "item_open_ahead",     "i",     (LOG, NO,  NO,  NO,  NA,   NA,  NA,   NO,   NO)),
    ("GET",  "meeting_send_notice", "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_deliveries",  "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_letters_pdf", "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_proxy_from_post", "m", (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_attendance",  "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_elections",   "m",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "contest_start",       "c",     (LOG, NO,  NO,  NO,  NA,   NA,  NA,   NO,   NO)),
    ("GET",  "contest_appoint",     "c",     (LOG, NO,  NO,  NO,  NA,   NA,  NA,   NO,   NO)),
    ("GET",  "meeting_run",         "m",     (LOG, NO,  NO,  NO,  NO,   OK,  OK,   NO,   NO)),
    ("GET",  "meeting_start",       "m",     (LOG, NO,  NO,  NO,  NO,   NA,  NA,   NO,   NO)),
    ("GET",  "meeting_end",         "m",     (LOG, NO,  NO,  NO,  NO,   NA,  NA,   NO,   NO)),
    ("GET",  "item_withdrawals",    "i",     (LOG, NO,  NO,  NO,  NO,   NA,  NA,   NO,   NO)),
    ("GET",  "item_open_vote",      "i",     (LOG, NO,  NO,  NO,  NO,   NA,  NA,   NO,   NO)),
    ("GET",  "item_tellers",        "i",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   OK)),
    ("GET",  "item_close_vote",     "i",     (LOG, NO,  NO,  NO,  NO,   NA,  NA,   NO,   NO)),
    ("GET",  "item_declare",        "i",     (LOG, NO,  NO,  NO,  NO,   NA,  NA,   NO,   NO)),
    ("GET",  "minutes_edit",        "m",     (LOG, NO,  NO,  NO,  NO,   OK,  OK,   NO,   NO)),
    ("GET",  "minutes_approve",     "m",     (LOG, NO,  NO,  NO,  NO,   NA,  NA,   NO,   NO)),
    # Writes. GO: it worked; OK: the page came back with the reason it could not (the
    # meeting is not in the right state), which still shows the role was let in.
    ("POST", "meeting_new",         None,    (LOG, NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "meeting_cancel",      "m",     (LOG, NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "item_new",            "m",     (LOG, NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "item_move",           "i",     (LOG, NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "item_withdraw",       "i",     (LOG, NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "item_open_ahead",     "i",     (LOG, NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "meeting_attendance",  "m",     (LOG, NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "meeting_elections",   "m",     (LOG, NO,  NO,  NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "contest_start",       "c",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   NO)),
    ("POST", "meeting_start",       "m",     (LOG, NO,  NO,  NO,  NO,   OK,  OK,   NO,   NO)),
    ("POST", "item_open_vote",      "i",     (LOG, NO,  NO,  NO,  NO,   OK,  OK,   NO,   NO)),
    ("POST", "item_tellers",        "i",     (LOG, NO,  NO,  NO,  OK,   OK,  OK,   NO,   OK)),
    ("POST", "minutes_edit",        "m",     (LOG, NO,  NO,  NO,  NO,   OK,  OK,   NO,   NO)),
    ("POST", "minutes_approve",     "m",     (LOG, NO,  NO,  NO,  NO,   OK,  OK,   NO,   NO)),
]

POST_DATA = {
    "meeting_new": {"kind": "general", "date": "{in_30_days}", "time": "18:00",
                    "place": "Hall"},
    "meeting_cancel": {"reason": "The hall flooded."},
    "item_new": {"title": "Any other business", "kind": "other"},
    "item_move": {"direction": "down"},
    "meeting_attendance": {"member": "{member}", "action": "present"},
    "meeting_elections": {"nominations-close_date": "{tomorrow}",
                          "nominations-close_time": "12:00"},
    "contest_start": {"start-{contest}-closes_date": "{in_30_days}",
                      "start-{contest}-closes_time": "12:00"},
    "minutes_edit": {"action": "draft"},
}

CASES = [
    pytest.param(role, method, name, target, expected, id=f"{method} {name} as {role}")
    for method, name, target, row in TABLE
    for role, expected in zip(ROLES, row, strict=True)
]


# The members' pages (meetings/urls.py), opened with GET. NF = 404: there is nothing
# to show (no minutes yet). Pages that only take a POST answer GET with 405, before sign-in.
NF = 404
MEMBER_TABLE = [
    #                                         anon mem  nob  outs trust secr chair treas scrut
    ("meetings_list",        (),             (LOG, OK,  NO,  NO,  OK,   OK,  OK,   OK,   OK)),
    ("meeting_detail",       ("m",),         (LOG, OK,  NO,  NO,  OK,   OK,  OK,   OK,   OK)),
    ("meeting_ics",          ("m",),         (LOG, OK,  NO,  NO,  OK,   OK,  OK,   OK,   OK)),
    ("meeting_check_in",     ("m",),         (LOG, OK,  NO,  NO,  NO,   NO,  NO,   NO,   NO)),
    ("meeting_apologies",    ("m",),         (NA,  NA,  NA,  NA,  NA,   NA,  NA,   NA,   NA)),
    ("meeting_proxy",        ("m",),         (LOG, OK,  NO,  NO,  NO,   NO,  NO,   NO,   NO)),
    ("meeting_proxy_revoke", ("m",),         (NA,  NA,  NA,  NA,  NA,   NA,  NA,   NA,   NA)),
    ("meeting_proxy_votes",  ("m", "i"),     (LOG, OK,  NO,  NO,  NO,   NO,  NO,   NO,   NO)),
    ("meeting_screen",       ("m",),         (LOG, OK,  NO,  NO,  OK,   OK,  OK,   OK,   OK)),
    ("meeting_nominations",  ("m",),         (LOG, OK,  NO,  NO,  OK,   OK,  OK,   OK,   OK)),
    ("nomination_new",       ("m", "c"),     (LOG, OK,  NO,  NO,  NO,   NO,  NO,   NO,   NO)),
    ("nomination_second",    ("n",),         (NA,  NA,  NA,  NA,  NA,   NA,  NA,   NA,   NA)),
    ("nomination_accept",    ("n",),         (LOG, OK,  NO,  NO,  NO,   NO,  NO,   NO,   NO)),
    ("nomination_withdraw",  ("n",),         (NA,  NA,  NA,  NA,  NA,   NA,  NA,   NA,   NA)),
    ("meeting_minutes",      ("m",),         (LOG, OK,  NO,  NO,  OK,   OK,  OK,   OK,   OK)),
    ("meeting_minutes_pdf",  ("m",),         (LOG, NF,  NO,  NO,  NF,   NF,  NF,   NF,   NF)),
    ("requisitions",         (),             (LOG, OK,  NO,  NO,  OK,   OK,  OK,   OK,   OK)),
    ("requisition_new",      (),             (LOG, OK,  NO,  NO,  NO,   NO,  NO,   NO,   NO)),
    ("requisition_support",  ("r",),         (NA,  NA,  NA,  NA,  NA,   NA,  NA,   NA,   NA)),
]

MEMBER_CASES = [
    pytest.param(role, name, targets, expected, id=f"GET {name} as {role}")
    for name, targets, row in MEMBER_TABLE
    for role, expected in zip(ROLES, row, strict=True)
]


def make_meeting(society, by):
    """A called AGM in 20 days with a resolution, open nominations for one class and notice
    sent (one member by post)."""
    MemberFactory(society=society, contact_by_post=True)
    seats = society.member_classes.order_by("position").first()
    type(seats).objects.filter(pk=seats.pk).update(board_seats=1)
    meeting = services.create_meeting(society, by=by, kind="agm", place="Hall",
                                      starts_at=timezone.now() + timedelta(days=20))
    item = services.add_item(meeting, by=by, title="Buy a minibus",
                             description="That we buy a minibus.", resolution_kind="ordinary")
    services.send_notice(meeting, by=by)
    [contest] = elections.open_nominations(meeting, by=by,
                                           close_at=timezone.now() + timedelta(days=10))
    return {"m": meeting.pk, "i": item.pk, "c": contest.pk}


@pytest.fixture
def world(society, other_society):
    officers = {role: OfficerFactory(society=society, role=role).user
                for role in ["trustee", "secretary", "chair", "treasurer", "scrutineer"]}
    member = MemberFactory(society=society)
    users = {"anonymous": None, "member": member.user, "nobody": UserFactory(),
             "outsider": MemberFactory(society=other_society).user, **officers}
    return users, make_meeting(society, officers["secretary"]), member


@pytest.fixture
def member_world(world, society):
    """The world, plus a nomination of the member (by another member) and a requisition
    started by someone else, for the members' pages."""
    users, targets, member = world
    proposer = MemberFactory(society=society, member_class=member.member_class)
    contest = Contest.objects.get(pk=targets["c"])
    nomination = elections.nominate(contest, proposer=proposer, candidate=member)
    requisition = services.start_requisition(society, proposer,
                                             purpose="To talk about the minibus.")
    return users, {**targets, "n": nomination.pk, "r": requisition.pk}


def _data(name, member, targets) -> dict:
    today = timezone.localdate()
    values = {"in_30_days": today + timedelta(days=30), "tomorrow": today + timedelta(days=1),
              "member": member.pk, "contest": targets["c"]}
    return {k.format(**values): v.format(**values)
            for k, v in POST_DATA.get(name, {}).items()}


@pytest.mark.parametrize("role, method, name, target, expected", CASES)
def test_permission_table(world, society, role, method, name, target, expected):
    users, targets, member = world
    client = PageCheckingClient()
    if users[role] is not None:
        client.force_login(users[role])
    url = reverse(name, args=[society.slug] + ([targets[target]] if target else []))
    audit_before = AuditEntry.objects.count()

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _data(name, member, targets))

    login_url = reverse("account_login")
    if expected == LOG:
        assert response.status_code == 302
        assert response.url.startswith(login_url)
    elif expected == GO:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert not response.url.startswith(login_url)
    else:
        assert response.status_code == expected
    if expected in (LOG, NO, NA):
        assert AuditEntry.objects.count() == audit_before


def test_the_table_covers_every_officer_meeting_page():
    from meetings import officer_urls

    names = {p.name for p in officer_urls.urlpatterns}
    assert names - {name for _, name, _, _ in TABLE} == set()


OBJECT_PAGES = sorted({(name, target) for _, name, target, _ in TABLE if target})


@pytest.mark.parametrize("name, target", OBJECT_PAGES, ids=[n for n, _ in OBJECT_PAGES])
def test_another_coops_meeting_is_not_found(society, other_society, name, target):
    """The chair of this co-op, using its address, cannot reach another co-op's meeting,
    agenda item or election, by GET or by POST."""
    chair = OfficerFactory(society=society, role="chair").user
    elsewhere = make_meeting(other_society, OfficerFactory(society=other_society).user)
    client = PageCheckingClient()
    client.force_login(chair)
    url = reverse(name, args=[society.slug, elsewhere[target]])
    post_only = dict((n, row[ROLES.index("chair")]) for m, n, _, row in TABLE
                     if m == "GET")[name] == NA
    assert client.get(url).status_code == (405 if post_only else 404)
    get_only = name in {"meeting_manage", "meeting_deliveries", "meeting_letters_pdf",
                        "meeting_run"}
    assert client.post(url, {"reason": "x", "direction": "up"}).status_code == (
        405 if get_only else 404)


@pytest.mark.parametrize("role, name, targets, expected", MEMBER_CASES)
def test_member_pages_permission_table(member_world, society, role, name, targets, expected):
    users, ids = member_world
    client = PageCheckingClient()
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse(name, args=[society.slug, *[ids[t] for t in targets]]))
    if expected == LOG:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


def test_the_member_table_covers_every_member_meeting_page():
    from meetings import urls

    names = {p.name for p in urls.urlpatterns}
    assert names - {name for name, _, _ in MEMBER_TABLE} == set()
