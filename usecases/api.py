from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import trans_real
from ninja import Query, Router, Schema

from providers.models import Provider
from usecases.models import PUBLISHED_IN_CLUSTER, Cluster, UseCase
from usecases.schemas import ClusterOut, ErrorOut, UseCaseDetailOut, UseCaseSummaryOut
from usecases.vocabularies import LANGUAGES

router = Router(tags=["catalog"])


class LanguageQuery(Schema):
    lang: str | None = None


def requested_language(request: HttpRequest, explicit: str | None) -> str:
    """`?lang=` wins, then the Accept-Language header; English when neither names de or en."""
    if explicit:
        code = explicit.strip().lower()[:2]
        if code in LANGUAGES:
            return code
    header = request.headers.get("Accept-Language", "")
    for accepted, _quality in trans_real.parse_accept_lang_header(header):
        code = accepted.lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


@router.get("/clusters", response=list[ClusterOut])
def list_clusters(request: HttpRequest, query: Query[LanguageQuery]) -> list[ClusterOut]:
    with translation.override(requested_language(request, query.lang)):
        clusters = Cluster.objects.annotate(
            published=Count("use_cases", filter=PUBLISHED_IN_CLUSTER)
        )
        return [
            ClusterOut(
                slug=c.slug, name=c.name, description=c.description, use_case_count=c.published
            )
            for c in clusters
        ]


class UseCaseFilter(LanguageQuery):
    cluster: str | None = None


@router.get("/use-cases", response=list[UseCaseSummaryOut])
def list_use_cases(request: HttpRequest, query: Query[UseCaseFilter]) -> list[UseCaseSummaryOut]:
    use_cases = UseCase.objects.for_display()
    if query.cluster:
        use_cases = use_cases.filter(cluster__slug=query.cluster)
    with translation.override(requested_language(request, query.lang)):
        return [UseCaseSummaryOut.of(use_case) for use_case in use_cases]


@router.get("/use-cases/{slug}", response={200: UseCaseDetailOut, 404: ErrorOut})
def get_use_case(request: HttpRequest, slug: str, query: Query[LanguageQuery]) -> UseCaseDetailOut:
    language = requested_language(request, query.lang)
    use_case = get_object_or_404(
        UseCase.objects.for_display().prefetch_related("problem_statements"), slug=slug
    )
    providers = Provider.objects.offering([use_case])[use_case.pk]
    with translation.override(language):
        return UseCaseDetailOut.of(use_case, language, providers)
