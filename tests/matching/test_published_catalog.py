"""The published catalog held in memory: its entries and each use case's cluster are read once
per load, not per match."""

from __future__ import annotations

import pytest

from matching.services import PublishedCatalog
from tests.factories import make_cluster, make_use_case
from usecases.models import UseCase

pytestmark = pytest.mark.django_db


def test_each_use_cases_cluster_is_built_once_per_load(settings):
    settings.INDEX_VERSION_CHECK_SECONDS = 3600
    cluster = make_cluster()
    published = make_use_case(cluster=cluster, statements=0)
    draft = make_use_case(cluster=cluster, statements=0, status=UseCase.Status.DRAFT)
    catalog = PublishedCatalog(background=False)

    first = catalog.cluster_of()

    # The session's real catalog may be published too: only these use cases are asserted.
    assert first[published.pk] == cluster.slug
    assert draft.pk not in first
    assert set(first) == set(catalog.entries())
    assert catalog.cluster_of() is first  # held, not rebuilt per call
    later = make_use_case(statements=0)
    catalog.reset()
    assert catalog.cluster_of()[later.pk] == later.cluster.slug
    assert later.pk in catalog.entries()
