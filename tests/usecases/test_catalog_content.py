"""Checks on the catalog files themselves: complete, bilingual, and honest about its scores."""

from __future__ import annotations

from collections import Counter

import pytest

from usecases.services import CLUSTER_SLUGS, LANGUAGES, read_catalog

FORBIDDEN_IN_PROBLEM_STATEMENTS = ("machine learning", "künstliche intelligenz", "algorithm")


@pytest.fixture(scope="module")
def catalog_files():
    clusters, providers = read_catalog()
    use_cases = [entry for document in clusters for entry in document["use_cases"]]
    return clusters, use_cases, providers


def test_it_has_exactly_the_nineteen_clusters(catalog_files):
    clusters, _, _ = catalog_files
    assert sorted(d["cluster"]["slug"] for d in clusters) == sorted(CLUSTER_SLUGS)


def test_it_has_at_least_95_published_use_cases_and_3_per_cluster(catalog_files):
    clusters, use_cases, _ = catalog_files
    published = [u for u in use_cases if u.get("status", "published") == "published"]
    assert len(published) >= 95
    for document in clusters:
        assert len(document["use_cases"]) >= 3, document["cluster"]["slug"]


def test_the_strongest_areas_of_the_study_are_covered_more_densely(catalog_files):
    clusters, _, _ = catalog_files
    per_cluster = {d["cluster"]["slug"]: len(d["use_cases"]) for d in clusters}
    strong = [
        "production-optimization",
        "customer-service-automation",
        "document-processing",
        "marketing-personalization",
        "quality-inspection",
        "demand-supply-planning",
    ]
    average = sum(per_cluster.values()) / len(per_cluster)
    assert all(per_cluster[slug] > average for slug in strong), per_cluster


def test_every_use_case_is_complete_in_both_languages(catalog_files):
    _, use_cases, _ = catalog_files
    for entry in use_cases:
        for key in ("title", "summary", "description", "data_needed"):
            for language in LANGUAGES:
                assert entry[key][language].strip(), (entry["slug"], key, language)
        assert len(entry["description"]["en"].split()) >= 50, entry["slug"]
        for language in LANGUAGES:
            statements = entry["problem_statements"][language]
            # Ten ways of saying it per language: trades, registers, lengths (issue 11).
            assert len(set(statements)) >= 10, (entry["slug"], language)


def test_problem_statements_speak_the_company_language_not_ai_jargon(catalog_files):
    _, use_cases, _ = catalog_files
    for entry in use_cases:
        for language in LANGUAGES:
            for statement in entry["problem_statements"][language]:
                lowered = statement.lower()
                assert not any(word in lowered for word in FORBIDDEN_IN_PROBLEM_STATEMENTS), (
                    statement
                )
                assert " ai " not in f" {lowered} " and " ki " not in f" {lowered} ", statement


@pytest.mark.parametrize(
    "words",
    [
        ("hotel", "room"),
        ("surface", "defect"),
        ("safety", "camera"),
        ("font",),
        ("portfolio", "reinforcement"),
        ("sentiment",),
        ("named-entity",),
        ("translation",),
        ("transcription",),
        ("synthetic",),
        ("semi-supervised",),
    ],
)
def test_the_use_cases_named_in_the_brief_are_there(catalog_files, words):
    _, use_cases, _ = catalog_files
    assert any(all(w in entry["slug"] for w in words) for entry in use_cases), words


def test_every_use_case_has_an_editorial_estimate_labelled_as_such(catalog_files):
    _, use_cases, _ = catalog_files
    for entry in use_cases:
        assert any(
            a["editorial_estimate"] is True and a["assessor"] == "Catalog editors"
            for a in entry["assessments"]
        ), entry["slug"]


def test_scores_are_varied_and_cost_reduction_is_rated_highest_most_often(catalog_files):
    _, use_cases, _ = catalog_files
    dimensions = ("revenue", "company_value", "cost_reduction")
    scores = [
        {dimension: a[dimension] for dimension in dimensions}
        for entry in use_cases
        for a in entry["assessments"]
    ]
    assert len({tuple(s.values()) for s in scores}) >= 20
    # On a tie the earlier dimension counts, which never favours cost reduction.
    highest = Counter(max(s, key=s.get) for s in scores)
    assert highest.most_common(1)[0][0] == "cost_reduction"
    assert highest["revenue"] > 0 and highest["company_value"] > 0


def test_example_providers_are_clearly_fictional(catalog_files):
    _, _, providers = catalog_files
    assert providers
    for provider in providers:
        assert provider["is_example"] is True
        assert "(example" in provider["name"]
        assert provider["contact_email"].endswith(".example")
