"""The editors' admin site: Django's own, named for the editorial office, with its custom pages.

One pattern for custom admin pages: the admin routes them in a `get_urls()` and wraps each view in
`admin_view` (staff login, CSRF, no caching). A page about one model's rows lives on that model's
ModelAdmin in the app's admin.py (a use case's preview, a provider's review page, teaching a
stored query); a page across models lives here, on the site, while its view stays in its app's
admin_views.py (the catalog status panel and insights in matching, the expert panel's coverage
in experts). Nothing in config/urls.py routes an admin page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import URLPattern, URLResolver, path, re_path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class EditorialAdminSite(admin.AdminSite):
    # One name for the admin everywhere, "Redaktion" in German: it is where the editors work.
    site_header = format_lazy("{} · {}", _(settings.SITE_NAME), _("Editorial office"))
    site_title = _("Editorial office")
    index_title = _("Catalog, providers and queries")

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # Imported here, not at module level: the site is created while Django loads its apps,
        # before the apps' views (and the models they import) can be imported.
        from experts import admin_views as expert_pages
        from matching import admin_views as matching_pages

        pages = [
            path(
                "curation/status/",
                self.admin_view(matching_pages.status_panel),
                name="curation-status",
            ),
            path(
                "curation/rebuild-index/",
                self.admin_view(matching_pages.rebuild_index),
                name="curation-rebuild",
            ),
            path(
                "curation/insights/",
                self.admin_view(matching_pages.insights_dashboard),
                name="curation-insights",
            ),
            path(
                "curation/experts/",
                self.admin_view(expert_pages.panel_insights),
                name="curation-experts",
            ),
            # Providers were administered under usecases/ until their models moved to providers.
            re_path(r"^usecases/provider/(?P<rest>.*)$", moved_to_providers),
        ]
        return pages + super().get_urls()


def moved_to_providers(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    """Old provider admin addresses (bookmarks, emails) lead to the same page in its new place."""
    target = reverse("admin:providers_provider_changelist") + rest
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
