"""Small factories for test data; each returns a saved object with sensible defaults."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import User

from matching.models import Submission
from matching.schemas import RankedUseCase, ResultCluster, ResultUseCase, dump_results
from providers.models import Provider, ProviderMembership
from usecases.models import Cluster, Expert, ExpertAssessment, ProblemStatement, UseCase

PASSWORD = "a-long-test-passphrase-42"

_numbers = itertools.count(1)


def make_cluster(**overrides: object) -> Cluster:
    number = next(_numbers)
    values = {
        "slug": f"cluster-{number}",
        "name_en": f"Cluster {number}",
        "name_de": f"Cluster {number} (de)",
        "description_en": "A test cluster.",
        "description_de": "Ein Testcluster.",
        "ordering": number,
    }
    values.update(overrides)
    return Cluster.objects.create(**values)


def make_use_case(
    cluster: Cluster | None = None, statements: int = 3, **overrides: object
) -> UseCase:
    number = next(_numbers)
    values = {
        "slug": f"use-case-{number}",
        "cluster": cluster or make_cluster(),
        "title_en": f"Use case {number}",
        "title_de": f"Anwendungsfall {number}",
        "summary_en": "Does something useful.",
        "summary_de": "Tut etwas Nützliches.",
        "description_en": "It does something useful. It needs data.",
        "description_de": "Es tut etwas Nützliches. Es braucht Daten.",
        "data_needed_en": "Some data.",
        "data_needed_de": "Einige Daten.",
        "effort": UseCase.Effort.MEDIUM,
        "status": UseCase.Status.PUBLISHED,
    }
    values.update(overrides)
    use_case = UseCase.objects.create(**values)
    for position in range(statements):
        ProblemStatement.objects.create(
            use_case=use_case,
            language="en",
            text=f"Problem {position} of {number}",
            position=position,
        )
        ProblemStatement.objects.create(
            use_case=use_case,
            language="de",
            text=f"Problem {position} von {number}",
            position=position,
        )
    return use_case


def make_assessment(use_case: UseCase, **overrides: object) -> ExpertAssessment:
    values = {
        "use_case": use_case,
        "assessor": f"Expert {next(_numbers)}",
        "assessed_on": datetime.date(2026, 11, 1),
        "editorial_estimate": False,
        "revenue": 3,
        "company_value": 3,
        "cost_reduction": 3,
    }
    values.update(overrides)
    return ExpertAssessment.objects.create(**values)


def make_estimated_use_case(slug: str) -> UseCase:
    """A use case whose only value figures are the editors' estimate of 2 on every dimension."""
    use_case = make_use_case(slug=slug)
    make_assessment(
        use_case,
        assessor="Catalog editors",
        editorial_estimate=True,
        revenue=2,
        company_value=2,
        cost_reduction=2,
    )
    return use_case


def make_provider(**overrides: object) -> Provider:
    number = next(_numbers)
    values = {
        "slug": f"provider-{number}",
        "name": f"Provider {number}",
        "contact_email": f"hello{number}@provider.example",
        "approval_status": Provider.Approval.APPROVED,
    }
    values.update(overrides)
    return Provider.objects.create(**values)


def make_user(email: str | None = None, verified: bool = True, **overrides: object) -> User:
    """A user who logs in by email, with the address verified as allauth requires."""
    from allauth.account.models import EmailAddress

    email = email or f"person{next(_numbers)}@example.com"
    user = User.objects.create_user(username=email, email=email, password=PASSWORD, **overrides)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_member(
    provider: Provider | None = None, role: str = ProviderMembership.Role.OWNER, **user: object
) -> ProviderMembership:
    return ProviderMembership.objects.create(
        provider=provider or make_provider(), user=make_user(**user), role=role
    )


def stored_result(use_case: UseCase, rank: int = 1, relevance: float = 0.8) -> dict[str, object]:
    """One result of `use_case` as a submission stores it (no providers, nothing matched on)."""
    result = RankedUseCase(
        rank=rank,
        relevance=relevance,
        score=relevance,
        use_case=ResultUseCase(
            slug=use_case.slug,
            title=use_case.title,
            summary=use_case.summary,
            cluster=ResultCluster(slug=use_case.cluster.slug, name=use_case.cluster.name),
        ),
        value_potential=use_case.value_potential,
        matched_on=[],
        providers=[],
    )
    return dump_results([result])[0]


def make_submission(**overrides: object) -> Submission:
    """A stored company query as the match service would write it, without running a match."""
    values = {
        "text": "Our invoices are typed by hand.",
        "language": "en",
        "goal": "balanced",
        "value_weight": 0.1,
        "top_k": 5,
        "results": [],
        "model_name": "test",
        "index_version": 1,
    }
    values.update(overrides)
    return Submission.objects.create(**values)


def make_expert(
    *clusters: Cluster, joined: bool = True, listed: bool = False, **overrides: object
) -> Expert:
    """A panel expert invited for `clusters`; `joined` gives them an account with the role."""
    number = next(_numbers)
    values = {
        "name": f"Dr. Expert {number}",
        "organisation": f"Institute {number}",
        "email": f"expert{number}@institute.example",
        "fields_of_expertise": "Production, Data quality",
        "listed_publicly": listed,
    }
    values.update(overrides)
    expert = Expert.objects.create(**values)
    expert.clusters.set(clusters)
    if joined:
        expert.user = make_user(expert.email)
        expert.accepted_at = expert.invited_at
        expert.save(update_fields=["user", "accepted_at"])
    return expert
