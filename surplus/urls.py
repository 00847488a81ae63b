from django.urls import path

from . import views, views_costs, views_officer, views_pictures

urlpatterns = [
    # Members
    path("", views.surplus_home, name="surplus_home"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("pictures/<uuid:picture_id>/", views_pictures.option_picture_file,
         name="surplus_picture_file"),
    path("proposals/<int:pk>/options/<int:option_pk>/picture/", views_pictures.option_picture,
         name="surplus_option_picture"),
    path("proposals/<int:pk>/outcome/", views.proposal_outcome, name="proposal_outcome"),
    path("history/", views.history, name="surplus_history"),
    path("history.csv", views.history_export, {"fmt": "csv"}, name="surplus_history_csv"),
    path("history.xlsx", views.history_export, {"fmt": "xlsx"}, name="surplus_history_xlsx"),
    # The treasurer and the board
    path("employment-costs/", views_costs.employment_costs, name="employment_costs"),
    path("years/", views_officer.year_list, name="year_list"),
    path("years/new/", views_officer.year_new, name="year_new"),
    path("years/<int:pk>/", views_officer.year_detail, name="year_detail"),
    path("years/<int:pk>/edit/", views_officer.year_edit, name="year_edit"),
    path("years/<int:pk>/lock/", views_officer.year_lock, name="year_lock"),
    path("years/<int:pk>/accounts.pdf", views_officer.year_accounts, name="year_accounts"),
    path("years/<int:pk>/propose/", views_officer.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/edit/", views_officer.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/options/new/", views_officer.option_new, name="option_new"),
    path("proposals/<int:pk>/options/<int:option_pk>/", views_officer.option_edit,
         name="option_edit"),
    path("proposals/<int:pk>/options/<int:option_pk>/remove/", views_officer.option_remove,
         name="option_remove"),
    path("proposals/<int:pk>/vote/", views_officer.proposal_put_to_vote,
         name="proposal_put_to_vote"),
    path("proposals/<int:pk>/decide/", views_officer.proposal_decide, name="proposal_decide"),
]
