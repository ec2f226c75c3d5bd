from django.contrib import admin
from django.urls import include, path

from middleground.core.health import health
from middleground.dashboard.views import home

from .api import api

# The home page keeps its name ``core:home`` (the site's front page, used by base.html and the
# login redirects) though its view lives in the dashboard, on top of the apps it shows.
home_urls = ([path("", home, name="home")], "core")

urlpatterns = [
    path("", include(home_urls)),
    path("health/", health, name="health"),
    path("me/", include("middleground.dashboard.urls")),
    path("network/", include("middleground.network.urls")),
    path("accounts/", include("middleground.accounts.urls")),
    path("accounts/", include("middleground.accounts.allauth_urls")),
    path("consultations/", include("middleground.consultations.urls")),
    path("delphi/", include("middleground.delphi.urls")),
    path("library/", include("middleground.library.urls")),
    path("reformlab/", include("middleground.reformlab.urls")),
    path("notifications/", include("middleground.notifications.urls")),
    path("strategies/", include("middleground.strategies.urls")),
    path("accountability/", include("middleground.accountability.urls")),
    path("forum/", include("middleground.forum.urls")),
    path("live/", include("middleground.forum.live_urls")),
    path("translations/", include("middleground.translations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
