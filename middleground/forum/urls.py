from django.urls import path

from . import outcome_views, registration_views, views

app_name = "forum"
E = "<slug:slug>/"
S = E + "sessions/<int:pk>/"
urlpatterns = [
    # events and programme (views.py)
    path("", views.event_list, name="events"),
    path("new/", views.event_create, name="event_create"),
    path(E, views.event_detail, name="event"),
    path(E + "edit/", views.event_edit, name="event_edit"),
    path(E + "programme/", views.programme, name="programme"),
    path(E + "sessions/new/", views.session_create, name="session_create"),
    path(S, views.session_detail, name="session"),
    path(S + "edit/", views.session_edit, name="session_edit"),
    path(E + "speakers/<slug:speaker>/", views.speaker_detail, name="speaker"),
    path(E + "programme.json", views.programme_json, name="programme_json"),
    path(E + "programme.csv", views.programme_csv, name="programme_csv"),
    path(E + "calendar.ics", views.event_ics, name="event_ics"),
    path(S + "calendar.ics", views.session_ics, name="session_ics"),
    path("agenda/<str:token>.ics", views.agenda_feed, name="agenda_feed"),
    path("me/calendar/", views.calendar_feeds, name="calendar_feeds"),
    # registration and delegations (registration_views.py)
    path(E + "register/", registration_views.register, name="register"),
    path(E + "registration/", registration_views.my_registration, name="my_registration"),
    path(E + "registration/cancel/", registration_views.cancel, name="cancel"),
    path(E + "registration/agenda/", registration_views.agenda, name="agenda"),
    path(E + "registration/badge.png", registration_views.badge_qr, name="badge_qr"),
    path(E + "registration/certificate.pdf", registration_views.certificate, name="certificate"),
    path(E + "delegations/", registration_views.delegations, name="delegations"),
    path(E + "delegations/<int:pk>/", registration_views.delegation, name="delegation"),
    path(E + "registrations/", registration_views.registrations, name="registrations"),
    path(E + "registrations.csv", registration_views.registrations_csv, name="registrations_csv"),
    path(E + "check-in/", registration_views.check_in, name="check_in"),
    # outcomes (outcome_views.py)
    path(S + "minutes/", outcome_views.minutes, name="minutes"),
    path(S + "outputs/", outcome_views.outputs, name="outputs"),
    path(E + "report/", outcome_views.event_report, name="event_report"),
]
