"""Browsing the catalog: clusters, the use cases of a cluster, one use case in full."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from matching.services import related_use_cases
from providers.models import Provider
from usecases.models import PUBLISHED_IN_CLUSTER, Cluster, UseCase


def cluster_list(request: HttpRequest) -> HttpResponse:
    clusters = Cluster.objects.annotate(published=Count("use_cases", filter=PUBLISHED_IN_CLUSTER))
    return render(request, "usecases/cluster_list.html", {"clusters": clusters})


def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_object_or_404(Cluster, slug=slug)
    use_cases = UseCase.objects.for_display().filter(cluster=cluster)
    return render(
        request, "usecases/cluster_detail.html", {"cluster": cluster, "use_cases": use_cases}
    )


def use_case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    use_case = get_object_or_404(
        UseCase.objects.for_display().prefetch_related("problem_statements"), slug=slug
    )
    language = get_language()[:2]
    related_ids = related_use_cases(use_case, language)
    related = {u.pk: u for u in UseCase.objects.for_display().filter(pk__in=related_ids)}
    return render(
        request,
        "usecases/use_case_detail.html",
        {
            "use_case": use_case,
            "potential": use_case.value_potential,
            "expert_obstacles": use_case.ranked_obstacles(),
            "problem_statements": use_case.problem_statements_in(language),
            "providers": Provider.objects.offering([use_case])[use_case.pk],
            "related": [related[pk] for pk in related_ids if pk in related],
        },
    )
