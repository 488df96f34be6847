from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from config.api import api
from config.views import healthz

handler500 = "config.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include("usecases.urls")),
    path("", include("matching.urls")),
    path("", include("providers.urls")),
]
