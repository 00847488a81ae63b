"""The root URLconf: part of the composition root, so it may import every app."""

from django.contrib import admin
from django.urls import include, path

from communications import views as communications_views
from communications import webhooks as communications_webhooks
from membership import views as membership_views
from membership import webhooks

from . import dashboard

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("account/my-data.json", membership_views.my_data, name="my_data"),
    path("account/", include("coop.account_urls")),
    path("s/<slug:slug>/", include("membership.urls")),
    path("s/<slug:slug>/officers/", include("coop.officer_urls")),
    path("s/<slug:slug>/ballots/", include("voting.urls")),
    path("s/<slug:slug>/meetings/manage/", include("meetings.officer_urls")),
    path("s/<slug:slug>/meetings/", include("meetings.urls")),
    path("s/<slug:slug>/surplus/", include("surplus.urls")),
    path("s/<slug:slug>/interests/", include("membership.interests.urls")),
    path("s/<slug:slug>/messages/", include("communications.urls")),
    path("unsubscribe/<str:token>/", communications_views.unsubscribe, name="unsubscribe"),
    path("anymail/mailgun/tracking/", communications_webhooks.mailgun_tracking,
         name="mailgun_tracking"),
    path("api/", include("coop.api_urls")),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("stripe/connect/webhook/", webhooks.stripe_connect_webhook,
         name="stripe_connect_webhook"),
    path("admin/", admin.site.urls),
]

handler404 = "coop.errors.page_not_found"
handler500 = "coop.errors.server_error"
