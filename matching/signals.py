"""Catalog changes mark use cases stale and queue one refresh per transaction, after commit."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from usecases.models import ProblemStatement, UseCase

logger = logging.getLogger(__name__)


@receiver(post_save, sender=UseCase)
def use_case_saved(
    sender: type[UseCase],
    instance: UseCase,
    update_fields: frozenset[str] | None = None,
    **kwargs: object,
) -> None:
    if update_fields and set(update_fields) <= {"embedding_status", "embedding_error"}:
        return
    mark_stale(instance.pk)


@receiver(post_save, sender=ProblemStatement)
@receiver(post_delete, sender=ProblemStatement)
def problem_statement_changed(
    sender: type[ProblemStatement], instance: ProblemStatement, **kwargs: object
) -> None:
    mark_stale(instance.use_case_id)


def mark_stale(use_case_id: int) -> None:
    """Record in the database that the vectors are out of date, then queue a refresh.

    The timestamp moves too, so a refresh already running will not mark this use case current.
    """
    UseCase.objects.filter(pk=use_case_id).update(
        embedding_status=UseCase.EmbeddingStatus.STALE, updated_at=timezone.now()
    )
    _queue_refresh_once()


def _queue_refresh_once() -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _send_refresh for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_send_refresh, robust=True)


def _send_refresh() -> None:
    from matching.tasks import refresh_stale_embeddings

    try:
        refresh_stale_embeddings.delay()
    except Exception:
        # The broker may be down: the rows stay marked stale and the periodic sweep picks them up.
        logger.warning(
            "could not queue the embedding refresh; the sweeper will retry", exc_info=True
        )
