"""The public provider directory as JSON: approved providers only."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Query, Router, Schema

from providers import services
from providers.models import Provider
from usecases.api import LanguageQuery, requested_language
from usecases.models import UseCase
from usecases.schemas import ErrorOut

router = Router(tags=["providers"])


class ProviderOut(Schema):
    slug: str
    name: str
    website: str
    description: str
    regions: list[str]
    languages: list[str]
    company_sizes: list[str]
    use_cases: list[str]
    clusters: list[str]
    is_example: bool

    @classmethod
    def of(cls, provider: Provider) -> ProviderOut:
        return cls(
            slug=provider.slug,
            name=provider.name,
            website=provider.website,
            description=provider.description,
            regions=provider.regions,
            languages=provider.languages,
            company_sizes=provider.company_sizes,
            use_cases=sorted(
                u.slug for u in provider.use_cases.all() if u.status == UseCase.Status.PUBLISHED
            ),
            clusters=sorted(c.slug for c in provider.clusters.all()),
            is_example=provider.is_example,
        )


class ProviderFilter(LanguageQuery):
    cluster: str = ""
    region: str = ""
    language: str = ""


@router.get("/providers", response=list[ProviderOut])
def list_providers(request: HttpRequest, query: Query[ProviderFilter]) -> list[ProviderOut]:
    providers = services.directory(query.cluster, query.region.upper(), query.language.lower())
    with translation.override(requested_language(request, query.lang)):
        return [ProviderOut.of(provider) for provider in providers]


@router.get("/providers/{slug}", response={200: ProviderOut, 404: ErrorOut})
def get_provider(request: HttpRequest, slug: str, query: Query[LanguageQuery]) -> ProviderOut:
    provider = Provider.objects.approved().filter(slug=slug).first()
    if provider is None:  # unapproved and unknown answer alike
        raise Http404
    with translation.override(requested_language(request, query.lang)):
        return ProviderOut.of(provider)
