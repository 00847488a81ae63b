from django.urls import path

from . import views

urlpatterns = [
    path("", views.account_settings, name="account_settings"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
]
