from __future__ import annotations

from ninja import Schema

from usecases.models import Cluster, Provider, UseCase, ValuePotential


class ValuePotentialOut(Schema):
    revenue: float | None
    company_value: float | None
    cost_reduction: float | None
    overall: float | None
    assessments: int
    editorial_estimate: bool

    @classmethod
    def of(cls, potential: ValuePotential) -> ValuePotentialOut:
        return cls(**potential.as_dict())


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
    comment: str


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
            obstacles=use_case.obstacles,
            effort=use_case.effort,
            problem_statements=use_case.problem_statements_in(language),
            value_potential=ValuePotentialOut.of(use_case.value_potential),
            assessments=[
                AssessmentOut(
                    assessor=a.assessor,
                    assessed_on=a.assessed_on.isoformat(),
                    editorial_estimate=a.editorial_estimate,
                    revenue=a.revenue,
                    company_value=a.company_value,
                    cost_reduction=a.cost_reduction,
                    comment=a.comment or "",
                )
                for a in use_case.assessments.all()
            ],
            providers=[
                ProviderRef(slug=p.slug, name=p.name, website=p.website, is_example=p.is_example)
                for p in providers
            ],
        )


class ErrorOut(Schema):
    detail: str
