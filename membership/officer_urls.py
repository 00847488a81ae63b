from django.urls import path

from . import views

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications/<int:application_id>/", views.application_detail,
         name="application_detail"),
    path("register/", views.register, name="register"),
    path("register/export.<str:fmt>", views.register_export, name="register_export"),
    path("register/<int:number>/", views.member_detail, name="member_detail"),
    path("register/<int:number>/share-paid/", views.record_share_paid, name="record_share_paid"),
    path("class-changes/", views.class_changes, name="class_changes"),
    path("class-changes/<int:request_id>/", views.decide_class_change,
         name="decide_class_change"),
    path("classes/", views.member_classes, name="member_classes"),
]
