"""The site's own pages (Impressum, about) and the error handler that tells an outage from a bug."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# The database cannot be reached or dropped the connection: temporary, unlike a query error.
DATABASE_OUTAGES = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 in the active language while the database does not answer: JSON under /api/, else a
    page rendered without the session or user (both would need the database)."""
    logger.error("database unavailable: %s %s: %s", request.method, request.path, exc)
    message = _("The service is briefly unavailable. Please try again in a minute.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "errors": []}, status=503)
    else:
        page = render_to_string("503.html", {"message": message, "LANGUAGE_CODE": get_language()})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unreachable database is a temporary outage (503), not a bug (500).

    Django calls this while handling the exception, from any view or middleware, so the
    exception is still in sys.exc_info(); the connection is closed at the end of the request and
    the next request reconnects, so the site recovers without a restart.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_OUTAGES):
        return database_unavailable(request, exc)
    return defaults.server_error(request)


# Impressum lines in the order German readers expect them (keys of settings.OPERATOR).
OPERATOR_KEYS = ("name", "address", "represented_by", "email", "phone", "register", "vat_id")


def operator_details() -> list[dict[str, str]]:
    """The operator's details from settings.OPERATOR, one row per line of the Impressum; an
    empty value is rendered as a marked placeholder naming the setting that fills it."""
    labels = {
        "name": _("Operator"),
        "address": _("Address"),
        "represented_by": _("Represented by"),
        "email": _("Email"),
        "phone": _("Phone"),
        "register": _("Register entry"),
        "vat_id": _("VAT ID"),
    }
    return [
        {
            "key": key,
            "label": labels[key],
            "value": settings.OPERATOR.get(key, ""),
            "setting": f"OPERATOR_{key.upper()}",
        }
        for key in OPERATOR_KEYS
    ]


@require_GET
def impressum(request: HttpRequest) -> HttpResponse:
    return render(request, "site/impressum.html", {"operator": operator_details()})


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    from usecases.models import Cluster, UseCase

    return render(
        request,
        "site/about.html",
        {
            "operator": operator_details(),
            "use_case_count": UseCase.objects.published().count(),
            "cluster_count": Cluster.objects.count(),
            "value_weight": round(settings.MATCH_DEFAULT_VALUE_WEIGHT * 100),
            "fit_weight": 100 - round(settings.MATCH_DEFAULT_VALUE_WEIGHT * 100),
            "retention_days": settings.SUBMISSION_RETENTION_DAYS,
        },
    )
