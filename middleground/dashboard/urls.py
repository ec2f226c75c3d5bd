from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.me, name="me"),
    path("search/", views.search, name="search"),
]
