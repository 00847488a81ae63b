from django.urls import path

from . import views, views_help, views_officer, views_pictures, views_results, views_seal

urlpatterns = [
    # Members
    path("", views.ballot_list, name="ballot_list"),
    path("<int:pk>/", views.ballot_detail, name="ballot_detail"),
    path("pictures/<uuid:picture_id>/", views_pictures.option_picture_file,
         name="option_picture_file"),
    path("<int:pk>/options/<int:option_pk>/picture/", views_pictures.option_picture,
         name="option_picture"),
    path("<int:pk>/help/", views_help.companion, name="ballot_companion"),
    path("<int:pk>/vote/", views.ballot_vote, name="ballot_vote"),
    path("<int:pk>/confirm/", views.ballot_confirm, name="ballot_confirm"),
    path("<int:pk>/receipt/", views.ballot_receipt, name="ballot_receipt"),
    path("<int:pk>/check-receipt/", views.receipt_check, name="receipt_check"),
    # Officers and the scrutineer
    path("new/", views_officer.ballot_new, name="ballot_new"),
    path("<int:pk>/edit/", views_officer.ballot_edit, name="ballot_edit"),
    path("<int:pk>/manage/", views_officer.ballot_manage, name="ballot_manage"),
    path("<int:pk>/open/", views_officer.ballot_open, name="ballot_open"),
    path("<int:pk>/schedule/", views_officer.ballot_schedule, name="ballot_schedule"),
    path("<int:pk>/close/", views_officer.ballot_close, name="ballot_close"),
    path("<int:pk>/publish/", views_officer.ballot_publish, name="ballot_publish"),
    path("<int:pk>/post-list/", views_officer.post_list, name="ballot_post_list"),
    path("<int:pk>/papers.pdf", views_officer.papers_pdf, name="ballot_papers_pdf"),
    path("<int:pk>/take-vote/", views_help.take_vote, name="ballot_take_vote"),
    path("<int:pk>/papers/enter/", views_officer.paper_entry, name="ballot_paper_entry"),
    path("<int:pk>/certify/", views_officer.ballot_certify, name="ballot_certify"),
    path("<int:pk>/seal/", views_seal.set_passphrase, name="ballot_seal"),
    path("<int:pk>/seal/open/", views_seal.open_box, name="ballot_seal_open"),
    # Results
    path("<int:pk>/results/", views_results.ballot_results, name="ballot_results"),
    path("<int:pk>/receipts.txt", views_results.receipts_txt, name="ballot_receipts_txt"),
    path("<int:pk>/results.csv", views_results.results_csv, name="ballot_results_csv"),
    path("<int:pk>/certificate/", views_results.certificate, name="ballot_certificate"),
    path("<int:pk>/certificate.pdf", views_results.certificate_pdf,
         name="ballot_certificate_pdf"),
    path("<int:pk>/ballots.blt", views_results.ballots_blt, name="ballot_blt"),
]
