"""App configurations: the site itself (its system checks), the admin with our own site, and
third-party apps whose names the German admin must show in German."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The project package as an app, so that its system checks are registered."""

    name = "config"

    def ready(self) -> None:
        from config import checks  # noqa: F401 (registers the checks)


class AxesConfig(AxesAppConfig):
    # axes calls its section "Axes", a name that means nothing to an editor in either language.
    verbose_name = _("Login protection")


class EditorialAdminConfig(AdminConfig):
    """django.contrib.admin with our site (config/admin.py) as the default `admin.site`."""

    default_site = "config.admin.EditorialAdminSite"
