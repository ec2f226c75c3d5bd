from django.urls import path

from . import views

app_name = "delphi"
urlpatterns = [
    path("", views.study_list, name="studies"),
    path("new/", views.study_create, name="study_create"),
    path("<slug:slug>/", views.study_detail, name="study"),
    path("<slug:slug>/edit/", views.study_edit, name="study_edit"),
    path("<slug:slug>/items/new/", views.item_create, name="item_create"),
    path("<slug:slug>/items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("<slug:slug>/items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("<slug:slug>/launch/", views.study_launch, name="launch"),
    path("<slug:slug>/publish/", views.study_publish, name="publish"),
    path("<slug:slug>/version/", views.new_version, name="new_version"),
    path("<slug:slug>/panel/", views.panel, name="panel"),
    path("<slug:slug>/rounds/close/", views.round_close, name="round_close"),
    path("<slug:slug>/rounds/open/", views.round_open, name="round_open"),
    path("<slug:slug>/answer/", views.answer, name="answer"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/report/", views.panel_report, name="report"),
    path("<slug:slug>/report.pdf", views.panel_report_pdf, name="report_pdf"),
    path("<slug:slug>/answers.csv", views.export_csv, name="export_csv"),
    path("<slug:slug>/answers.json", views.export_json, name="export_json"),
]
