"""The officers' meeting pages, mounted at s/<slug>/meetings/manage/."""

from django.urls import path

from . import views_elections as elections
from . import views_officer as officer
from . import views_run as run

urlpatterns = [
    path("new/", officer.meeting_new, name="meeting_new"),
    path("<int:pk>/", officer.meeting_manage, name="meeting_manage"),
    path("<int:pk>/edit/", officer.meeting_edit, name="meeting_edit"),
    path("<int:pk>/cancel/", officer.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/items/new/", officer.item_new, name="item_new"),
    path("items/<int:pk>/move/", officer.item_move, name="item_move"),
    path("items/<int:pk>/withdraw/", officer.item_withdraw, name="item_withdraw"),
    path("items/<int:pk>/open-ahead/", officer.item_open_ahead, name="item_open_ahead"),
    path("<int:pk>/send-notice/", officer.meeting_send_notice, name="meeting_send_notice"),
    path("<int:pk>/deliveries/", officer.meeting_deliveries, name="meeting_deliveries"),
    path("<int:pk>/proxies/from-post/", officer.meeting_proxy_from_post,
         name="meeting_proxy_from_post"),
    path("<int:pk>/letters.pdf", officer.meeting_letters_pdf, name="meeting_letters_pdf"),
    path("<int:pk>/attendance/", officer.meeting_attendance, name="meeting_attendance"),
    path("<int:pk>/elections/", elections.meeting_elections, name="meeting_elections"),
    path("contests/<int:pk>/start/", elections.contest_start, name="contest_start"),
    path("contests/<int:pk>/appoint/", elections.contest_appoint, name="contest_appoint"),
    # The meeting itself: the chair's panel and its actions.
    path("<int:pk>/run/", run.meeting_run, name="meeting_run"),
    path("<int:pk>/start/", run.meeting_start, name="meeting_start"),
    path("<int:pk>/end/", run.meeting_end, name="meeting_end"),
    path("items/<int:pk>/withdrawals/", run.item_withdrawals, name="item_withdrawals"),
    path("items/<int:pk>/open-vote/", run.item_open_vote, name="item_open_vote"),
    path("items/<int:pk>/tellers/", run.item_tellers, name="item_tellers"),
    path("items/<int:pk>/close-vote/", run.item_close_vote, name="item_close_vote"),
    path("items/<int:pk>/declare/", run.item_declare, name="item_declare"),
    path("<int:pk>/minutes/edit/", run.minutes_edit, name="minutes_edit"),
    path("<int:pk>/minutes/approve/", run.minutes_approve, name="minutes_approve"),
]
