"""The site's URLs plus `/bench/ok/`, a bare view the HTTP benchmark measures as its baseline
(it passes through the same middleware as every other page). Used only by
`bench._bench_settings`, never by the normal site."""

from django.http import HttpResponse
from django.urls import path

from coop.urls import urlpatterns as site_urls


def ok(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok, name="bench-ok"), *site_urls]
