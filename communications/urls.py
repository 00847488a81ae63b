from django.urls import path

from . import views, views_officer

urlpatterns = [
    # Members
    path("", views.my_messages, name="my_messages"),
    path("<int:pk>/", views.my_message, name="my_message"),
    # The board
    path("manage/", views_officer.message_list, name="message_list"),
    path("manage/new/", views_officer.message_new, name="message_new"),
    path("manage/<int:pk>/", views_officer.message_detail, name="message_detail"),
    path("manage/<int:pk>/edit/", views_officer.message_edit, name="message_edit"),
    path("manage/<int:pk>/send/", views_officer.message_send, name="message_send"),
    path("manage/<int:pk>/schedule/", views_officer.message_schedule, name="message_schedule"),
    path("manage/<int:pk>/letters.pdf", views_officer.message_letters, name="message_letters"),
    path("manage/<int:pk>/sample-letter.pdf", views_officer.message_sample_letter,
         name="message_sample_letter"),
    path("manage/<int:pk>/posted/", views_officer.message_posted, name="message_posted"),
]
