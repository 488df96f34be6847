"""The health check that load balancers and monitoring poll (docs/deploy.md)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


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
