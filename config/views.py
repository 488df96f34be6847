from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# The database cannot be reached or dropped the connection: temporary, unlike a query error.
DATABASE_OUTAGES = (OperationalError, InterfaceError)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not.

    Also reports what monitoring should watch (docs/deploy.md): the newest index version and how
    many use cases wait for re-embedding.
    """
    from matching.indexing import use_cases_needing_embedding
    from matching.models import IndexBuild

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        index_version = IndexBuild.objects.values_list("version", flat=True).first()
        # What the sweeper will re-embed: flagged, embedded by another model, or never embedded.
        stale = len(use_cases_needing_embedding())
    except DatabaseError:
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "index_version": index_version,
            "stale_use_cases": stale,
        }
    )


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
