from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.api import api
from config.views import about, healthz, impressum
from experts import admin_views as expert_admin_views
from matching import admin_views

handler500 = "config.views.server_error"

# The admin is where the catalog editors work: one name for it everywhere, "Redaktion" in German.
admin.site.site_header = format_lazy("{} · {}", _(settings.SITE_NAME), _("Editorial office"))
admin.site.site_title = _("Editorial office")
admin.site.index_title = _("Catalog, providers and queries")

urlpatterns = [
    path("admin/curation/status/", admin_views.status_panel, name="curation-status"),
    path("admin/curation/rebuild-index/", admin_views.rebuild_index, name="curation-rebuild"),
    path("admin/curation/insights/", admin_views.insights_dashboard, name="curation-insights"),
    path("admin/curation/experts/", expert_admin_views.panel_insights, name="curation-experts"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("impressum/", impressum, name="impressum"),
    path("about/", about, name="about"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include("usecases.urls")),
    path("", include("matching.urls")),
    path("", include("providers.urls")),
    path("", include("experts.urls")),
]
