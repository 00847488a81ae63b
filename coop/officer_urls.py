from django.urls import include, path

from . import dashboard, views

urlpatterns = [
    path("", dashboard.officer_dashboard, name="officer_dashboard"),
    path("rules/", views.society_rules, name="society_rules"),
    path("officers/", views.officers_register, name="officers_register"),
    path("officers/<int:officer_id>/end/", views.end_office, name="end_office"),
    path("audit/", views.audit_log, name="audit_log"),
    path("", include("membership.officer_urls")),
]
