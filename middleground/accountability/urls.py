from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("", views.strategy_list, name="index"),
    path("members/<str:kind>/<str:ident>/", views.member_detail, name="member"),
    path("cells/<int:pk>/", views.cell_detail, name="cell"),
    path("cells/<int:pk>/score/", views.cell_score, name="cell_score"),
    path("cells/<int:pk>/reconcile/", views.cell_reconcile, name="cell_reconcile"),
    path("cells/<int:pk>/reply/", views.cell_reply, name="cell_reply"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/assign/", views.cycle_assign, name="cycle_assign"),
    path("cycles/<int:pk>/review/", views.cycle_review, name="cycle_review"),
    path("cycles/<int:pk>/finalise/", views.cycle_finalise, name="cycle_finalise"),
    path("cycles/<int:pk>/correct/", views.cycle_correct, name="cycle_correct"),
    path("cycles/<int:pk>/report.pdf", views.cycle_report, name="report"),
    path(
        "commitments/<int:pk>/members/<int:member_pk>/report/",
        views.self_report,
        name="self_report",
    ),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/report.csv", views.import_report, name="import_report"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/commitments/", views.commitment_list, name="commitments"),
    path(
        "<slug:slug>/commitments/from-recommendations/",
        views.commitments_from_strategy,
        name="commitments_from_strategy",
    ),
    path("<slug:slug>/import/", views.import_upload, name="import_upload"),
    path("<slug:slug>/cycles/open/", views.cycle_open, name="cycle_open"),
]
