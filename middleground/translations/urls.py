from django.urls import path

from . import views

app_name = "translations"

urlpatterns = [
    path("<str:content_type>/<int:object_id>/", views.edit, name="edit"),
]
