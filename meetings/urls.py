from django.urls import path

from . import views
from . import views_nominations as nominations

urlpatterns = [
    path("", views.meetings_list, name="meetings_list"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/invite.ics", views.meeting_ics, name="meeting_ics"),
    path("<int:pk>/check-in/", views.meeting_check_in, name="meeting_check_in"),
    path("<int:pk>/apologies/", views.meeting_apologies, name="meeting_apologies"),
    path("<int:pk>/proxy/", views.meeting_proxy, name="meeting_proxy"),
    path("<int:pk>/proxy/revoke/", views.meeting_proxy_revoke, name="meeting_proxy_revoke"),
    path("<int:pk>/items/<int:item_pk>/proxy-votes/", views.meeting_proxy_votes,
         name="meeting_proxy_votes"),
    path("<int:pk>/screen/", views.meeting_screen, name="meeting_screen"),
    path("<int:pk>/nominations/", nominations.meeting_nominations, name="meeting_nominations"),
    path("<int:pk>/nominations/<int:contest_pk>/new/", nominations.nomination_new,
         name="nomination_new"),
    path("nominations/<int:pk>/second/", nominations.nomination_second, name="nomination_second"),
    path("nominations/<int:pk>/accept/", nominations.nomination_accept, name="nomination_accept"),
    path("nominations/<int:pk>/withdraw/", nominations.nomination_withdraw,
         name="nomination_withdraw"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/minutes.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("requisitions/", nominations.requisitions, name="requisitions"),
    path("requisitions/new/", nominations.requisition_new, name="requisition_new"),
    path("requisitions/<int:pk>/support/", nominations.requisition_support,
         name="requisition_support"),
]
