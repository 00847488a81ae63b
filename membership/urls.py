from django.urls import path

from . import views, views_cards, views_shares
from .privacy import views as privacy_views

urlpatterns = [
    path("", views.society_page, name="society"),
    path("apply/", views.apply, name="apply"),
    path("apply/sent/", views.application_sent, name="application_sent"),
    path("pay/", views_shares.pay, name="pay"),
    path("pay/card/", views_shares.pay_by_card, name="pay_by_card"),
    path("pay/done/", views_shares.pay_done, name="pay_done"),
    path("pay/cancelled/", views_shares.pay_cancelled, name="pay_cancelled"),
    path("me/", views.my_membership, name="my_membership"),
    path("me/details/", views.edit_details, name="edit_details"),
    path("me/class/", views.change_class, name="change_class"),
    path("me/shares/", views_cards.buy_shares, name="buy_shares"),
    path("me/shares/done/", views_cards.buy_shares_done, name="buy_shares_done"),
    path("me/certificate/", views_shares.my_certificate, name="my_certificate"),
    path("me/resign/", views.resign, name="resign"),
    path("register/inspection/", views.inspection_copy, name="inspection_copy"),
    path("privacy/", privacy_views.privacy_notice, name="privacy_notice"),
    path("me/messages/", privacy_views.my_consents, name="my_consents"),
]
