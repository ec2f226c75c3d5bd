from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("import/", views.import_polis, name="import"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/open/", views.open_consultation, name="open"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path("<slug:slug>/participate/", views.participate, name="participate"),
    path("<slug:slug>/statements/new/", views.add_statement, name="add_statement"),
    path("<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("<slug:slug>/moderation/<int:pk>/", views.moderate, name="moderate"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results/status/", views.results_status, name="results_status"),
    path("<slug:slug>/export/polis.zip", views.export_polis, name="export_polis"),
    path("<slug:slug>/export.json", views.export_json, name="export_json"),
    path("<slug:slug>/report/", views.report, name="report"),
    path("<slug:slug>/report.pdf", views.report_pdf, name="report_pdf"),
]
