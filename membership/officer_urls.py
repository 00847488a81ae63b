from django.urls import path

from . import views, views_shares

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications/<int:application_id>/", views.application_detail,
         name="application_detail"),
    path("applications/<int:application_id>/payment/", views_shares.record_joining_payment,
         name="record_joining_payment"),
    path("register/", views.register, name="register"),
    path("register/export.<str:fmt>", views.register_export, name="register_export"),
    path("register/<int:number>/", views.member_detail, name="member_detail"),
    path("register/<int:number>/payment/", views_shares.record_member_payment,
         name="record_member_payment"),
    path("register/<int:number>/certificate/", views_shares.member_certificate,
         name="member_certificate"),
    path("withdrawals/", views_shares.withdrawals, name="withdrawals"),
    path("withdrawals/<int:withdrawal_id>/", views_shares.withdrawal_detail,
         name="withdrawal_detail"),
    path("withdrawals/<int:withdrawal_id>/refund/", views_shares.refund_to_card,
         name="refund_withdrawal"),
    path("reports/", views_shares.reports_page, name="reports"),
    path("reports/reconciliation/", views_shares.reconciliation, name="reconciliation"),
    path("reports/reconciliation/<uuid:payment_id>/refund/", views_shares.refund_held_payment,
         name="refund_held_payment"),
    path("reports/reconciliation/<uuid:payment_id>/accept/", views_shares.accept_held_payment,
         name="accept_held_payment"),
    path("reports/<str:report>.csv", views_shares.report_csv, name="report_csv"),
    path("class-changes/", views.class_changes, name="class_changes"),
    path("class-changes/<int:request_id>/", views.decide_class_change,
         name="decide_class_change"),
    path("classes/", views.member_classes, name="member_classes"),
]
