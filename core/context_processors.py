"""Template context every page needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

# The default SITE_NAME, listed so that `make messages` keeps its German translation.
DEFAULT_SITE_NAME = gettext_noop("AI Use Case Matcher")


def site_name() -> str:
    """The configured site name in the active language (as it is when no translation exists)."""
    return gettext(settings.SITE_NAME)


def site(request: HttpRequest) -> dict[str, str]:
    return {"site_name": site_name()}
