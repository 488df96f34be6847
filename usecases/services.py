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
from typing import Any

import yaml
from django.db import models, transaction

from usecases import vocabularies
from usecases.models import (
    Cluster,
    ExpertAssessment,
    ProblemStatement,
    Provider,
    UseCase,
    first_steps_problems,
)
from usecases.vocabularies import LANGUAGES

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


class _Validator:
    """Collects problems with the raw file data instead of stopping at the first one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def translated(
        self, where: str, data: dict[str, Any], key: str, *, required: bool = True
    ) -> None:
        value = data.get(key)
        if value is None and not required:
            return
        if not isinstance(value, dict):
            self.fail(where, f"'{key}' needs an 'en' and a 'de' text")
            return
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.fail(where, f"'{key}' is missing the language '{language}'")

    def score(self, where: str, data: dict[str, Any], key: str) -> None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            self.fail(where, f"score '{key}' must be an integer from 1 to 5, got {value!r}")


def read_catalog(
    directory: Path = CATALOG_DIR,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Parse and validate the cluster files and provider files; raise CatalogError on problems."""
    check = _Validator()
    cluster_files = sorted(directory.glob("*.yaml"))
    provider_files = sorted((directory / "providers").glob("*.yaml"))
    if not cluster_files:
        raise CatalogError([f"{directory}: no cluster files (*.yaml) found"])
    clusters = [_parse(path, check) for path in cluster_files]
    providers = [entry for path in provider_files for entry in _parse_list(path, check)]
    if check.problems:
        raise CatalogError(check.problems)

    use_case_slugs: dict[str, str] = {}
    for path, document in zip(cluster_files, clusters, strict=True):
        _validate_cluster_file(path, document, check, use_case_slugs)
    known_clusters = {
        doc["cluster"]["slug"] for doc in clusters if isinstance(doc.get("cluster"), dict)
    }
    for entry in providers:
        _validate_provider(entry, check, known_clusters, set(use_case_slugs))
    if check.problems:
        raise CatalogError(check.problems)
    return clusters, providers


def _parse(path: Path, check: _Validator) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        check.fail(path.name, f"not valid YAML ({exc})")
        return {}
    if not isinstance(document, dict):
        check.fail(path.name, "expected a mapping with 'cluster' and 'use_cases'")
        return {}
    return document


def _parse_list(path: Path, check: _Validator) -> list[dict[str, Any]]:
    document = _parse(path, check)
    entries = document.get("providers") if document else None
    if document and not isinstance(entries, list):
        check.fail(path.name, "expected a list under 'providers'")
        return []
    return entries or []


def _validate_cluster_file(
    path: Path, document: dict[str, Any], check: _Validator, seen: dict[str, str]
) -> None:
    cluster = document.get("cluster")
    if not isinstance(cluster, dict):
        check.fail(path.name, "missing the 'cluster' section")
        return
    slug = cluster.get("slug")
    if slug not in CLUSTER_SLUGS:
        check.fail(
            path.name,
            f"unknown cluster {slug!r}; the catalog has exactly these clusters: "
            + ", ".join(CLUSTER_SLUGS),
        )
    elif path.stem != slug:
        check.fail(path.name, f"cluster {slug!r} must live in the file {slug}.yaml")
    if not isinstance(cluster.get("ordering"), int):
        check.fail(path.name, "cluster 'ordering' must be an integer")
    check.translated(path.name, cluster, "name")
    check.translated(path.name, cluster, "description")

    use_cases = document.get("use_cases")
    if not isinstance(use_cases, list) or not use_cases:
        check.fail(path.name, "needs a non-empty list 'use_cases'")
        return
    for position, entry in enumerate(use_cases, start=1):
        where = f"{path.name} use case #{position}"
        if not isinstance(entry, dict):
            check.fail(where, "must be a mapping")
            continue
        use_case_slug = entry.get("slug")
        if not isinstance(use_case_slug, str) or not use_case_slug:
            check.fail(where, "missing 'slug'")
            continue
        where = f"{path.name} use case '{use_case_slug}'"
        if use_case_slug in seen:
            check.fail(where, f"duplicate slug, already used in {seen[use_case_slug]}")
        seen[use_case_slug] = path.name
        _validate_use_case(where, entry, check)


def _validate_use_case(where: str, entry: dict[str, Any], check: _Validator) -> None:
    for key in USE_CASE_TEXTS:
        check.translated(where, entry, key)
    for key, vocabulary in USE_CASE_LISTS.items():
        unknown = vocabularies.unknown_codes(vocabulary, entry.get(key, []))
        if unknown:
            check.fail(where, f"unknown {key}: {', '.join(unknown)}")
    if entry.get("effort") not in UseCase.Effort.values:
        check.fail(where, f"'effort' must be one of {', '.join(UseCase.Effort.values)}")
    if entry.get("status", UseCase.Status.PUBLISHED) not in UseCase.Status.values:
        check.fail(where, f"'status' must be one of {', '.join(UseCase.Status.values)}")
    for problem in first_steps_problems(entry.get("first_steps", {})):
        check.fail(where, f"first_steps: {problem}")

    statements = entry.get("problem_statements")
    for language in LANGUAGES:
        texts = statements.get(language) if isinstance(statements, dict) else None
        if not isinstance(texts, list) or not all(isinstance(t, str) and t.strip() for t in texts):
            check.fail(where, f"problem_statements is missing the language '{language}'")
        elif len(set(texts)) < MIN_PROBLEM_STATEMENTS:
            check.fail(
                where,
                f"needs at least {MIN_PROBLEM_STATEMENTS} different problem statements in "
                f"'{language}', has {len(set(texts))}",
            )

    assessments = entry.get("assessments")
    if not isinstance(assessments, list) or not assessments:
        check.fail(where, "needs at least one entry under 'assessments'")
        return
    for number, assessment in enumerate(assessments, start=1):
        at = f"{where} assessment #{number}"
        if not isinstance(assessment, dict):
            check.fail(at, "must be a mapping")
            continue
        for dimension in ("revenue", "company_value", "cost_reduction"):
            check.score(at, assessment, dimension)
        if not isinstance(assessment.get("assessor"), str) or not assessment["assessor"].strip():
            check.fail(at, "missing 'assessor'")
        if not isinstance(assessment.get("date"), datetime.date):
            check.fail(at, "'date' must be a date like 2026-11-28")
        if not isinstance(assessment.get("editorial_estimate"), bool):
            check.fail(at, "'editorial_estimate' must be true or false")
        check.translated(at, assessment, "comment", required=False)


def _validate_provider(
    entry: dict[str, Any], check: _Validator, clusters: set[str], use_cases: set[str]
) -> None:
    where = f"provider '{entry.get('slug', '?')}'"
    for key in ("slug", "name", "contact_email"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            check.fail(where, f"missing '{key}'")
    check.translated(where, entry, "description")
    for slug in entry.get("clusters", []):
        if slug not in clusters:
            check.fail(where, f"unknown cluster {slug!r}")
    for slug in entry.get("use_cases", []):
        if slug not in use_cases:
            check.fail(where, f"unknown use case {slug!r}")
    for key, vocabulary in (
        ("languages", vocabularies.LANGUAGE_CODES),
        ("company_sizes", vocabularies.COMPANY_SIZES),
    ):
        unknown = vocabularies.unknown_codes(vocabulary, entry.get(key, []))
        if unknown:
            check.fail(where, f"unknown {key}: {', '.join(unknown)}")


def _translated_values(data: dict[str, Any], key: str, target: str | None = None) -> dict[str, str]:
    texts = data.get(key) or {}
    return {
        f"{target or key}_{language}": (texts.get(language) or "").strip() for language in LANGUAGES
    }


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], report: LoadReport
) -> models.Model:
    """Create the row or save only the fields whose values differ."""
    kind = model._meta.verbose_name_plural
    instance = model.objects.filter(**lookup).first()
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

    kind = ProblemStatement._meta.verbose_name_plural
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
    relation: Any, model: type[models.Model], slugs: list[str], report: LoadReport, kind: str
) -> None:
    """Add the offers the file names; offers an admin added in the database stay."""
    present = set(relation.values_list("slug", flat=True))
    missing = [slug for slug in slugs if slug not in present]
    if missing:
        relation.add(*model.objects.filter(slug__in=missing))
        report.created[kind] += len(missing)
