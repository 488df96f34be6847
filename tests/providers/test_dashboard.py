"""The dashboard counts how often a provider's use cases were shown to companies."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from matching.services import MatchRequest, match
from providers.models import ProviderAppearance
from tests.factories import PASSWORD, make_member, make_use_case
from usecases.models import UseCase

pytestmark = pytest.mark.django_db


@pytest.mark.model
def test_a_match_counts_the_provider_on_the_use_case_it_offers(catalog, client):
    invoices = UseCase.objects.get(slug="supplier-invoice-capture-erp")
    member = make_member()
    member.provider.use_cases.add(invoices)
    text = "We type hundreds of supplier invoices into our accounting system by hand every month."

    result = match(MatchRequest(text=text, store=False))
    match(MatchRequest(text=text, store=False))

    assert result.results[0].use_case.slug == invoices.slug
    appearance = ProviderAppearance.objects.get(provider=member.provider)
    assert (appearance.use_case, appearance.count) == (invoices, 2)
    client.post("/accounts/login/", {"login": member.user.email, "password": PASSWORD})
    page = client.get("/provider/")
    assert page.context["appearances"].total == 2
    assert invoices.title in page.content.decode()


def test_appearances_older_than_30_days_are_not_counted(client):
    member = make_member()
    use_case = make_use_case()
    today = timezone.localdate()
    for days_ago, count in ((0, 3), (29, 4), (30, 100)):
        ProviderAppearance.objects.create(
            provider=member.provider,
            use_case=use_case,
            day=today - datetime.timedelta(days=days_ago),
            count=count,
        )
    client.post("/accounts/login/", {"login": member.user.email, "password": PASSWORD})

    assert client.get("/provider/").context["appearances"].total == 7
