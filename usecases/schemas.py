from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema

from providers.models import Provider
from usecases.models import Cluster, ExpertAssessment, UseCase, ValuePotential


class SpreadOut(Schema):
    """Lowest and highest score per dimension, as [min, max]."""

    revenue: list[int]
    company_value: list[int]
    cost_reduction: list[int]


class ValuePotentialOut(Schema):
    revenue: float | None
    company_value: float | None
    cost_reduction: float | None
    overall: float | None
    assessments: int = Field(description="How many assessments the figures are the mean of.")
    editorial_estimate: bool
    source: Literal["experts", "editorial"] = Field(
        description="`experts` from three included expert assessments on, else `editorial`."
    )
    spread: SpreadOut | None = Field(
        description="Lowest and highest expert score per dimension; null for editorial figures."
    )
    expert_assessments: int = Field(
        description="Included expert assessments so far, also while fewer than three exist."
    )

    @classmethod
    def of(cls, potential: ValuePotential) -> ValuePotentialOut:
        return cls.model_validate(potential.as_dict())


class ClusterRef(Schema):
    slug: str
    name: str


class ClusterOut(Schema):
    slug: str
    name: str
    description: str
    use_case_count: int


class UseCaseSummaryOut(Schema):
    slug: str
    title: str
    summary: str
    cluster: str
    value_potential: ValuePotentialOut

    @classmethod
    def of(cls, use_case: UseCase) -> UseCaseSummaryOut:
        return cls(
            slug=use_case.slug,
            title=use_case.title,
            summary=use_case.summary,
            cluster=use_case.cluster.slug,
            value_potential=ValuePotentialOut.of(use_case.value_potential),
        )


class ProviderRef(Schema):
    slug: str
    name: str
    website: str
    is_example: bool


class AssessmentOut(Schema):
    assessor: str
    assessed_on: str
    editorial_estimate: bool
    revenue: int
    company_value: int
    cost_reduction: int
    confidence: str | None
    obstacles: list[str]
    comment: str

    @classmethod
    def of(cls, assessment: ExpertAssessment) -> AssessmentOut:
        expert = assessment.expert
        # Panel experts are named only if they agreed to be listed publicly.
        if expert is None:
            assessor = assessment.assessor
        elif expert.listed_publicly:
            assessor = expert.name
        else:
            assessor = _("Member of the expert panel")
        return cls(
            assessor=assessor,
            assessed_on=assessment.assessed_on.isoformat(),
            editorial_estimate=assessment.editorial_estimate,
            revenue=assessment.revenue,
            company_value=assessment.company_value,
            cost_reduction=assessment.cost_reduction,
            confidence=(
                ExpertAssessment.Confidence(assessment.confidence).name.lower()
                if assessment.confidence
                else None
            ),
            obstacles=list(assessment.obstacles),
            comment=assessment.comment or "",
        )


class UseCaseDetailOut(Schema):
    slug: str
    title: str
    summary: str
    description: str
    data_needed: str
    cluster: ClusterRef
    business_functions: list[str]
    industries: list[str]
    ai_techniques: list[str]
    obstacles: list[str]
    effort: str
    problem_statements: list[str]
    value_potential: ValuePotentialOut
    assessments: list[AssessmentOut]
    providers: list[ProviderRef]

    @classmethod
    def of(cls, use_case: UseCase, language: str, providers: list[Provider]) -> UseCaseDetailOut:
        cluster: Cluster = use_case.cluster
        return cls(
            slug=use_case.slug,
            title=use_case.title,
            summary=use_case.summary,
            description=use_case.description,
            data_needed=use_case.data_needed,
            cluster=ClusterRef(slug=cluster.slug, name=cluster.name),
            business_functions=use_case.business_functions,
            industries=use_case.industries,
            ai_techniques=use_case.ai_techniques,
            obstacles=use_case.obstacle_codes(),
            effort=use_case.effort,
            problem_statements=use_case.problem_statements_in(language),
            value_potential=ValuePotentialOut.of(use_case.value_potential),
            # Excluded assessments count nowhere, so they are not published either.
            assessments=[AssessmentOut.of(a) for a in use_case.assessments.all() if not a.excluded],
            providers=[
                ProviderRef(slug=p.slug, name=p.name, website=p.website, is_example=p.is_example)
                for p in providers
            ],
        )


class ErrorOut(Schema):
    detail: str
