"""The live room, at the short address shown on the room's screen: /live/<code>."""

from django.urls import path

from . import live_views

app_name = "live"
urlpatterns = [
    path("", live_views.join, name="join"),
    path("<str:code>/", live_views.audience, name="audience"),
    path("<str:code>/screen/", live_views.screen, name="screen"),
    path("<str:code>/moderate/", live_views.moderate, name="moderate"),
    path("<str:code>/stream/", live_views.stream, name="stream"),
]
