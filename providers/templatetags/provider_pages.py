"""Figures for the provider pages that are not tied to one view (allauth renders the sign-up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django import template
from django.db.models import Sum
from django.utils import timezone

from providers.models import Provider, ProviderAppearance
from providers.services import APPEARANCE_DAYS
from usecases.models import UseCase

register = template.Library()


@dataclass(frozen=True)
class ListingFigures:
    use_cases: int
    providers: int
    appearances: int
    days: int


@register.simple_tag
def listing_figures() -> ListingFigures:
    """What a listing is up against and brings: the catalog, the providers, how often shown."""
    since = timezone.localdate() - timedelta(days=APPEARANCE_DAYS - 1)
    shown = ProviderAppearance.objects.filter(day__gte=since).aggregate(n=Sum("count"))["n"]
    return ListingFigures(
        use_cases=UseCase.objects.published().count(),
        providers=Provider.objects.approved().count(),
        appearances=shown or 0,
        days=APPEARANCE_DAYS,
    )
