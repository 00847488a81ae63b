"""The register of interests, mounted at /s/<slug>/interests/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_interests, name="my_interests"),
    path("declare/", views.declare_interest, name="declare_interest"),
    path("<int:pk>/", views.interest_detail, name="interest_detail"),
    path("<int:pk>/change/", views.amend_interest, name="amend_interest"),
    path("<int:pk>/end/", views.end_interest, name="end_interest"),
    path("register/", views.interest_register, name="interest_register"),
    path("register/download.csv", views.interest_register_export,
         name="interest_register_export"),
    path("topics/", views.interest_topics, name="interest_topics"),
    path("topics/<int:pk>/", views.edit_interest_topic, name="edit_interest_topic"),
    path("topics/<int:pk>/retire/", views.retire_interest_topic, name="retire_interest_topic"),
]
