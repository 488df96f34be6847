"""The catalog status panel counts every use case in its embedding state, not one per state."""

from __future__ import annotations

from collections import Counter

import pytest

from matching.indexing import with_embedding_state
from tests.factories import make_use_case
from usecases.models import UseCase

pytestmark = pytest.mark.django_db

States = UseCase.EmbeddingStatus


def test_it_counts_each_use_case_once_in_its_state(admin_client):
    # Drafts have no vectors to be outdated, so their stored status is their state (set after
    # the problem statements, whose saving marks a use case stale).
    for status, number in ((States.CURRENT, 3), (States.STALE, 4), (States.FAILED, 2)):
        for _ in range(number):
            draft = make_use_case(status=UseCase.Status.DRAFT)
            UseCase.objects.filter(pk=draft.pk).update(embedding_status=status)
    one_by_one = Counter(u.embedding_state for u in with_embedding_state(UseCase.objects.all()))
    # At least two in every state, so a count of one per state cannot pass by chance.
    assert all(one_by_one[state] >= 2 for state in States.values)

    response = admin_client.get("/admin/curation/status/")

    counts = response.context["status"].states
    assert counts == {state: one_by_one[state] for state in States.values}
    assert sum(counts.values()) == UseCase.objects.count()
    page = response.content.decode()
    for state in States.values:
        assert f'<td class="count-{state}">{one_by_one[state]}</td>' in page
