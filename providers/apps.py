from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    """Provider accounts, profiles, review, the public directory, contact requests and dashboard."""

    name = "providers"
    verbose_name = _("Providers")
