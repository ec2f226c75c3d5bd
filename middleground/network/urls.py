from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("countries/", views.country_list, name="countries"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/new/", views.institution_create, name="institution_create"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
    path("institutions/<slug:slug>/edit/", views.institution_edit, name="institution_edit"),
    path("apply/", views.apply, name="apply"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/<slug:slug>/", views.expert_detail, name="expert"),
    path("experts/<slug:slug>/edit/", views.expert_edit, name="expert_edit"),
    path("focus-areas/", views.focus_area_list, name="focus_areas"),
    path("focus-areas/<slug:slug>/", views.focus_area_detail, name="focus_area"),
    path("task-forces/", views.task_force_list, name="task_forces"),
    path("task-forces/<slug:slug>/", views.task_force_detail, name="task_force"),
    path("task-forces/<slug:slug>/members/", views.task_force_members, name="task_force_members"),
]
