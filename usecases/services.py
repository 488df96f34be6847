"""Loading the version-controlled catalog files into the database.

`load_catalog` validates every file first and writes nothing if any problem is found. Writing is
idempotent: a row is saved only when a value differs, so a second run changes nothing and an edit
touches exactly the edited rows. Rows that only exist in the database (added by admins) are never
deleted; only problem statements that came from the files and have left them are removed.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from django.db import models, transaction
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

from providers.models import Provider
from usecases import vocabularies
from usecases.models import Cluster, ExpertAssessment, ProblemStatement, UseCase
from usecases.vocabularies import LANGUAGES

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=BaseModel)

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
MIN_PROBLEM_STATEMENTS = 3
CLUSTER_SLUGS = (
    "predictive-maintenance",
    "quality-inspection",
    "production-optimization",
    "demand-supply-planning",
    "logistics-warehouse",
    "marketing-personalization",
    "sales-pricing",
    "customer-service-automation",
    "customer-feedback-analytics",
    "document-processing",
    "knowledge-search",
    "content-generation",
    "image-video-recognition",
    "workplace-safety",
    "finance-risk-fraud",
    "hr-recruiting",
    "it-security-operations",
    "energy-sustainability",
    "research-development",
)
USE_CASE_TEXTS = ("title", "summary", "description", "data_needed")
SCORES = ("revenue", "company_value", "cost_reduction")
USE_CASE_LISTS = {
    "business_functions": vocabularies.BUSINESS_FUNCTIONS,
    "industries": vocabularies.INDUSTRIES,
    "ai_techniques": vocabularies.AI_TECHNIQUES,
    "obstacles": vocabularies.OBSTACLES,
}


class CatalogError(Exception):
    """The catalog files have problems; `problems` lists each one with its file and entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.deleted))
        if not kinds:
            return "Catalog is up to date: nothing changed."
        return "; ".join(
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.deleted[kind]} removed"
            for kind in kinds
        )


# What the catalog files hold, checked by pydantic: required texts in both languages, scores
# from 1 to 5, codes from the vocabularies. Keys the models do not name are ignored.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Score = Annotated[StrictInt, Field(ge=1, le=5)]


class Translated(BaseModel):
    en: Text
    de: Text


class Assessment(BaseModel):
    assessor: Text
    date: Annotated[datetime.date, Strict()]
    editorial_estimate: StrictBool
    revenue: Score
    company_value: Score
    cost_reduction: Score
    comment: Translated | None = None


class Statements(BaseModel):
    en: list[Text]
    de: list[Text]

    @model_validator(mode="after")
    def enough_different(self) -> Statements:
        for language in LANGUAGES:
            count = len(set(getattr(self, language)))
            if count < MIN_PROBLEM_STATEMENTS:
                raise ValueError(
                    f"needs at least {MIN_PROBLEM_STATEMENTS} different problem statements in "
                    f"'{language}', has {count}"
                )
        return self


def _codes(vocabulary: vocabularies.Vocabulary, key: str) -> Any:
    def check(codes: list[str]) -> list[str]:
        unknown = vocabularies.unknown_codes(vocabulary, codes)
        if unknown:
            raise ValueError(f"unknown {key}: {', '.join(unknown)}")
        return codes

    return AfterValidator(check)


def _obstacle_keys() -> Any:
    def check(steps: dict[str, Translated]) -> dict[str, Translated]:
        unknown = vocabularies.unknown_codes(vocabularies.OBSTACLES, list(steps))
        if unknown:
            raise ValueError(f"unknown obstacles in first_steps: {', '.join(unknown)}")
        return steps

    return AfterValidator(check)


class UseCaseEntry(BaseModel):
    slug: Text
    title: Translated
    summary: Translated
    description: Translated
    data_needed: Translated
    business_functions: Annotated[
        list[str], _codes(vocabularies.BUSINESS_FUNCTIONS, "business_functions")
    ] = []
    industries: Annotated[list[str], _codes(vocabularies.INDUSTRIES, "industries")] = []
    ai_techniques: Annotated[list[str], _codes(vocabularies.AI_TECHNIQUES, "ai_techniques")] = []
    obstacles: Annotated[list[str], _codes(vocabularies.OBSTACLES, "obstacles")] = []
    effort: UseCase.Effort
    status: UseCase.Status = UseCase.Status.PUBLISHED
    problem_statements: Statements
    assessments: Annotated[list[Assessment], Field(min_length=1)]
    # The use case's own first step per obstacle, where editors wrote one (matching.feasibility).
    first_steps: Annotated[dict[str, Translated], _obstacle_keys()] = {}


class ClusterEntry(BaseModel):
    slug: Text
    ordering: StrictInt
    name: Translated
    description: Translated


class ProviderEntry(BaseModel):
    slug: Text
    name: Text
    contact_email: Text
    description: Translated
    website: str = ""
    clusters: list[str] = []
    use_cases: list[str] = []
    regions: list[str] = []
    languages: Annotated[list[str], _codes(vocabularies.LANGUAGE_CODES, "languages")] = []
    company_sizes: Annotated[list[str], _codes(vocabularies.COMPANY_SIZES, "company_sizes")] = []
    approval_status: Provider.Approval = Provider.Approval.APPROVED
    is_example: StrictBool = False


def _problems(where: str, error: ValidationError) -> list[str]:
    """One line per problem pydantic found, worded for an editor of the YAML files."""
    problems = []
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        message = item["msg"].removeprefix("Value error, ")
        at = where
        if len(location) >= 2 and location[0] == "assessments" and location[1].isdigit():
            at = f"{where} assessment #{int(location[1]) + 1}"
            location = location[2:]
        key = location[0] if location else ""
        if len(location) >= 2 and location[-1] in LANGUAGES:
            message = f"'{'.'.join(location[:-1])}' is missing the language '{location[-1]}'"
        elif key in SCORES and len(location) == 1:
            message = f"score '{key}' must be an integer from 1 to 5, got {item['input']!r}"
        elif location and item["type"] != "value_error":
            message = f"'{'.'.join(location)}': {message}"
        problems.append(f"{at}: {message}")
    return problems


def _validated(model: type[V], data: object, where: str, problems: list[str]) -> V | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems.extend(_problems(where, error))
        return None


def read_catalog(
    directory: Path = CATALOG_DIR,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Parse and validate the cluster files and provider files; raise CatalogError listing
    every problem found (not only the first)."""
    problems: list[str] = []
    cluster_files = sorted(directory.glob("*.yaml"))
    provider_files = sorted((directory / "providers").glob("*.yaml"))
    if not cluster_files:
        raise CatalogError([f"{directory}: no cluster files (*.yaml) found"])
    clusters = [_parse(path, problems) for path in cluster_files]
    providers: list[dict[str, Any]] = []
    for path in provider_files:
        document = _parse(path, problems)
        entries = document.get("providers")
        if document and not isinstance(entries, list):
            problems.append(f"{path.name}: expected a list under 'providers'")
        providers += [entry for entry in entries or [] if isinstance(entry, dict)]
    if problems:
        raise CatalogError(problems)

    use_case_slugs: dict[str, str] = {}
    known_clusters: set[str] = set()
    for path, document in zip(cluster_files, clusters, strict=True):
        if not isinstance(document.get("cluster"), dict):
            problems.append(f"{path.name}: missing the 'cluster' section")
        elif cluster := _validated(ClusterEntry, document["cluster"], path.name, problems):
            known_clusters.add(cluster.slug)
            if cluster.slug not in CLUSTER_SLUGS:
                problems.append(
                    f"{path.name}: unknown cluster {cluster.slug!r}; the catalog has exactly "
                    "these clusters: " + ", ".join(CLUSTER_SLUGS)
                )
            elif path.stem != cluster.slug:
                problems.append(
                    f"{path.name}: cluster {cluster.slug!r} must live in the file "
                    f"{cluster.slug}.yaml"
                )
        use_cases = document.get("use_cases")
        if not isinstance(use_cases, list) or not use_cases:
            problems.append(f"{path.name}: needs a non-empty list 'use_cases'")
            continue
        for position, entry in enumerate(use_cases, start=1):
            use_case_slug = entry.get("slug") if isinstance(entry, dict) else None
            if not isinstance(use_case_slug, str) or not use_case_slug:
                problems.append(f"{path.name} use case #{position}: missing 'slug'")
                continue
            where = f"{path.name} use case '{use_case_slug}'"
            if use_case_slug in use_case_slugs:
                problems.append(
                    f"{where}: duplicate slug, already used in {use_case_slugs[use_case_slug]}"
                )
            use_case_slugs[use_case_slug] = path.name
            _validated(UseCaseEntry, entry, where, problems)
    for entry in providers:
        where = f"provider '{entry.get('slug', '?')}'"
        provider = _validated(ProviderEntry, entry, where, problems)
        if provider is None:
            continue
        problems += [
            f"{where}: unknown cluster {slug!r}"
            for slug in provider.clusters
            if slug not in known_clusters
        ]
        problems += [
            f"{where}: unknown use case {slug!r}"
            for slug in provider.use_cases
            if slug not in use_case_slugs
        ]
    if problems:
        raise CatalogError(problems)
    return clusters, providers


def _parse(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML ({exc})")
        return {}
    if not isinstance(document, dict):
        problems.append(f"{path.name}: expected a mapping")
        return {}
    return document


def _translated_values(data: dict[str, Any], key: str, target: str | None = None) -> dict[str, str]:
    texts = data.get(key) or {}
    return {
        f"{target or key}_{language}": (texts.get(language) or "").strip() for language in LANGUAGES
    }


def _upsert(
    model: type[M], lookup: dict[str, Any], values: dict[str, Any], report: LoadReport
) -> M:
    """Create the row or save only the fields whose values differ."""
    kind = str(model._meta.verbose_name_plural)
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.save()
        report.created[kind] += 1
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=[*changed, *_auto_now_fields(model)])
        report.updated[kind] += 1
    return instance


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


@transaction.atomic
def load_catalog(directory: Path = CATALOG_DIR) -> LoadReport:
    """Validate the catalog files, then bring the database in line with them."""
    clusters, providers = read_catalog(directory)
    report = LoadReport()
    for document in clusters:
        data = document["cluster"]
        cluster = _upsert(
            Cluster,
            {"slug": data["slug"]},
            {
                "ordering": data["ordering"],
                **_translated_values(data, "name"),
                **_translated_values(data, "description"),
            },
            report,
        )
        for entry in document["use_cases"]:
            _load_use_case(cluster, entry, report)
    for entry in providers:
        _load_provider(entry, report)
    return report


def _load_use_case(cluster: Cluster, entry: dict[str, Any], report: LoadReport) -> None:
    values: dict[str, Any] = {
        "cluster": cluster,
        "effort": entry["effort"],
        "status": entry.get("status", UseCase.Status.PUBLISHED),
        "first_steps": {
            code: {language: texts[language].strip() for language in LANGUAGES}
            for code, texts in (entry.get("first_steps") or {}).items()
        },
        **{key: list(entry.get(key, [])) for key in USE_CASE_LISTS},
    }
    for key in USE_CASE_TEXTS:
        values.update(_translated_values(entry, key))
    use_case = _upsert(UseCase, {"slug": entry["slug"]}, values, report)

    kind = str(ProblemStatement._meta.verbose_name_plural)
    for language in LANGUAGES:
        wanted = list(dict.fromkeys(t.strip() for t in entry["problem_statements"][language]))
        existing = {s.text: s for s in use_case.problem_statements.filter(language=language)}
        for position, text in enumerate(wanted):
            _upsert(
                ProblemStatement,
                {"use_case": use_case, "language": language, "text": text},
                {"position": position, "from_catalog": True},
                report,
            )
        for text, statement in existing.items():
            if statement.from_catalog and text not in wanted:
                statement.delete()
                report.deleted[kind] += 1

    for assessment in entry["assessments"]:
        _upsert(
            ExpertAssessment,
            {
                "use_case": use_case,
                "assessor": assessment["assessor"].strip(),
                "assessed_on": assessment["date"],
                "expert": None,  # never a panel expert's own rating
            },
            {
                "editorial_estimate": assessment["editorial_estimate"],
                "revenue": assessment["revenue"],
                "company_value": assessment["company_value"],
                "cost_reduction": assessment["cost_reduction"],
                **_translated_values(assessment, "comment"),
            },
            report,
        )


def _load_provider(entry: dict[str, Any], report: LoadReport) -> None:
    provider = _upsert(
        Provider,
        {"slug": entry["slug"]},
        {
            "name": entry["name"].strip(),
            "website": entry.get("website", ""),
            "contact_email": entry["contact_email"].strip(),
            "regions": list(entry.get("regions", [])),
            "languages": list(entry.get("languages", [])),
            "company_sizes": list(entry.get("company_sizes", [])),
            "approval_status": entry.get("approval_status", Provider.Approval.APPROVED),
            "is_example": bool(entry.get("is_example", False)),
            **_translated_values(entry, "description"),
        },
        report,
    )
    _sync_m2m(provider.use_cases, UseCase, entry.get("use_cases", []), report, "provider use cases")
    _sync_m2m(provider.clusters, Cluster, entry.get("clusters", []), report, "provider clusters")


def _sync_m2m(
    relation: Any,
    model: type[UseCase] | type[Cluster],
    slugs: list[str],
    report: LoadReport,
    kind: str,
) -> None:
    """Add the offers the file names; offers an admin added in the database stay."""
    present = set(relation.values_list("slug", flat=True))
    missing = [slug for slug in slugs if slug not in present]
    if missing:
        relation.add(*model._default_manager.filter(slug__in=missing))
        report.created[kind] += len(missing)
