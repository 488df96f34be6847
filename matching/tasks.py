from __future__ import annotations

from celery import shared_task

from matching import indexing, services

# Well under the 1 h visibility timeout.
SOFT_TIME_LIMIT = 600
TIME_LIMIT = 660
# Index work that a passing database or broker outage should not lose: retried with backoff.
retried_task = shared_task(
    autoretry_for=(Exception,),
    retry_backoff=10,
    max_retries=5,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)


def _counts(report: indexing.RefreshReport) -> dict[str, int]:
    """A refresh's result as the task returns it (JSON for the result backend)."""
    return {"use_cases": report.use_cases, "encoded": report.encoded, "removed": report.removed}


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def refresh_stale_embeddings() -> dict[str, int]:
    """Encode whatever the database marks stale and rebuild the index if vectors changed."""
    return _counts(indexing.refresh_and_rebuild(indexing.use_cases_needing_embedding()))


@retried_task
def refresh_use_cases(use_case_ids: list[int]) -> dict[str, int]:
    return _counts(indexing.refresh_and_rebuild(use_case_ids))


@retried_task
def rebuild_index() -> int:
    """Build a new index version from the stored vectors, as an admin asked; returns it."""
    return indexing.rebuild_index().version


@retried_task
def repair_index() -> int | None:
    """Build an index version from the stored vectors if none is recorded, or the newest was
    built by other models than the configured ones. Returns the new version, if any.

    Missing cache files on some machine are no reason: web processes build from the database.
    """
    if not indexing.index_needs_rebuild():
        return None
    return indexing.rebuild_index().version


@shared_task(soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def sweep_stale_embeddings() -> int:
    """Periodic safety net: queue a refresh if anything is still stale (the broker was down),
    or a repair if no index version of the configured models is recorded."""
    stale = indexing.use_cases_needing_embedding()
    if stale:
        refresh_stale_embeddings.delay()
    else:
        repair_index.delay()
    return len(stale)


@shared_task(soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def delete_expired_submissions() -> int:
    """Enforce the retention period of stored descriptions (celery beat runs this hourly)."""
    return services.delete_expired_submissions()
