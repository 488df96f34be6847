from __future__ import annotations

from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    """The expert panel: invitations, rating work, the public panel page (models: usecases)."""

    name = "experts"
    verbose_name = "Experts"
