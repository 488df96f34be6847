"""App configurations for third-party apps whose names the German admin must show in German."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    # axes calls its section "Axes", a name that means nothing to an editor in either language.
    verbose_name = _("Login protection")
