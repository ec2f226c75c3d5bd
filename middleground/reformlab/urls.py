from django.urls import path, re_path

from . import views

app_name = "reformlab"
urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.csv", views.compare_export, name="compare_export"),
    path("builder/", views.builder, name="builder"),
    path("scenarios/<slug:slug>/", views.scenario_detail, name="scenario"),
    re_path(
        r"^scenarios/(?P<slug>[-\w]+)/export\.(?P<fmt>csv|json|pdf)$",
        views.scenario_export,
        name="scenario_export",
    ),
    path("scenarios/<slug:slug>/edit/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<slug:slug>/delete/", views.scenario_delete, name="scenario_delete"),
    path("scenarios/<slug:slug>/publish/", views.scenario_publish, name="scenario_publish"),
]
