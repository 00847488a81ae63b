from django.urls import path

from membership import views as membership_views

from . import views

urlpatterns = [
    path("", views.account_settings, name="account_settings"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("my-data.json", membership_views.my_data, name="my_data"),
]
