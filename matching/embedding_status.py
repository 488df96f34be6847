"""The catalog status panel's figures: the served index build, the configured models and how
many use cases are embedded, stale or failed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from matching.encoders import model_name_for
from matching.indexing import with_embedding_state
from matching.models import IndexBuild
from usecases.models import UseCase
from usecases.vocabularies import LANGUAGES


@dataclass(frozen=True)
class CatalogStatus:
    latest_build: IndexBuild | None
    configured_models: dict[str, str]
    states: dict[str, int]
    failed: list[UseCase]


def catalog_status() -> CatalogStatus:
    """The served index, the configured models and how many use cases are embedded."""
    annotated = with_embedding_state(UseCase.objects.all())
    states = dict(
        annotated.values("embedding_state")
        .annotate(count=Count("pk"))
        # Without this the model's default ordering joins the GROUP BY: one group per use case.
        .order_by()
        .values_list("embedding_state", "count")
    )
    return CatalogStatus(
        latest_build=IndexBuild.objects.order_by("-version").first(),
        configured_models={language: model_name_for(language) for language in LANGUAGES},
        states={state: states.get(state, 0) for state in UseCase.EmbeddingStatus.values},
        failed=list(annotated.filter(embedding_state=UseCase.EmbeddingStatus.FAILED)),
    )
