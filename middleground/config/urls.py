from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("middleground.core.urls")),
    path("network/", include("middleground.network.urls")),
    path("accounts/", include("middleground.accounts.urls")),
    path("consultations/", include("middleground.consultations.urls")),
    path("delphi/", include("middleground.delphi.urls")),
    path("library/", include("middleground.library.urls")),
    path("reformlab/", include("middleground.reformlab.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
