from django.urls import path

from . import views

urlpatterns = [
    path("", views.society_page, name="society"),
    path("apply/", views.apply, name="apply"),
    path("apply/sent/", views.application_sent, name="application_sent"),
    path("me/", views.my_membership, name="my_membership"),
    path("me/details/", views.edit_details, name="edit_details"),
    path("me/class/", views.change_class, name="change_class"),
    path("me/resign/", views.resign, name="resign"),
    path("register/inspection/", views.inspection_copy, name="inspection_copy"),
]
