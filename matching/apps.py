from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Company queries and search index")

    def ready(self) -> None:
        from matching import signals  # noqa: F401  (connects the catalog signal handlers)
