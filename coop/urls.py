from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("coop.account_urls")),
    path("s/<slug:slug>/", include("membership.urls")),
    path("s/<slug:slug>/officers/", include("coop.officer_urls")),
    path("s/<slug:slug>/ballots/", include("voting.urls")),
    path("s/<slug:slug>/meetings/manage/", include("meetings.officer_urls")),
    path("s/<slug:slug>/meetings/", include("meetings.urls")),
    path("s/<slug:slug>/surplus/", include("surplus.urls")),
    path("s/<slug:slug>/interests/", include("membership.interests.urls")),
    path("api/", include("coop.api_urls")),
    path("", include("coop.stripe_urls")),
    path("admin/", admin.site.urls),
]
