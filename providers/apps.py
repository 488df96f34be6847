from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    """Provider accounts, profiles, the public directory and contact requests (models: usecases)."""

    name = "providers"
    verbose_name = _("Providers")
