from __future__ import annotations

import copy
import datetime
from pathlib import Path

import pytest
import yaml

from providers.models import Provider
from usecases.models import Cluster, ExpertAssessment, ProblemStatement, UseCase
from usecases.services import CatalogError, load_catalog

pytestmark = pytest.mark.django_db


def use_case_entry(slug: str) -> dict:
    return {
        "slug": slug,
        "title": {"en": f"Title {slug}", "de": f"Titel {slug}"},
        "summary": {"en": "Summary.", "de": "Zusammenfassung."},
        "description": {"en": "What it does. What it needs.", "de": "Was es tut. Was es braucht."},
        "data_needed": {"en": "Sensor data.", "de": "Sensordaten."},
        "business_functions": ["maintenance"],
        "industries": ["manufacturing"],
        "ai_techniques": ["anomaly_detection"],
        "obstacles": ["data_quality"],
        "effort": "medium",
        "problem_statements": {
            "en": ["Machines stop.", "Repairs cost a fortune.", "We never know what breaks next."],
            "de": [
                "Maschinen stehen.",
                "Reparaturen sind teuer.",
                "Wir wissen nie, was als Nächstes kaputtgeht.",
            ],
        },
        "assessments": [
            {
                "assessor": "Catalog editors",
                "editorial_estimate": True,
                "date": datetime.date(2026, 11, 28),
                "revenue": 2,
                "company_value": 3,
                "cost_reduction": 5,
                "comment": {"en": "Saves repairs.", "de": "Spart Reparaturen."},
            }
        ],
    }


BASE = {
    "cluster": {
        "slug": "predictive-maintenance",
        "ordering": 1,
        "name": {"en": "Predictive maintenance", "de": "Vorausschauende Instandhaltung"},
        "description": {"en": "Machines.", "de": "Maschinen."},
    },
    "use_cases": [use_case_entry("first-use-case"), use_case_entry("second-use-case")],
}


def write_catalog(
    directory: Path, document: dict, name: str = "predictive-maintenance.yaml"
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return directory


def row_timestamps() -> dict[str, object]:
    return dict(UseCase.objects.values_list("slug", "updated_at"))


def test_it_loads_clusters_use_cases_statements_and_assessments(tmp_path):
    report = load_catalog(write_catalog(tmp_path, BASE))

    assert Cluster.objects.get(slug="predictive-maintenance").name_de == (
        "Vorausschauende Instandhaltung"
    )
    loaded = UseCase.objects.filter(slug__in=["first-use-case", "second-use-case"])
    assert [u.status for u in loaded] == [UseCase.Status.PUBLISHED] * 2
    assert ProblemStatement.objects.filter(use_case__in=loaded, language="de").count() == 6
    assessment = ExpertAssessment.objects.get(use_case__slug="first-use-case")
    assert assessment.editorial_estimate is True
    assert assessment.comment_de == "Spart Reparaturen."
    assert report.created["use cases"] == 2


def test_running_it_twice_changes_nothing(tmp_path):
    directory = write_catalog(tmp_path, BASE)
    load_catalog(directory)
    before = row_timestamps()

    report = load_catalog(directory)

    assert not report.changed
    assert report.summary() == "Catalog is up to date: nothing changed."
    assert row_timestamps() == before


def test_an_edit_updates_exactly_the_edited_row(tmp_path):
    load_catalog(write_catalog(tmp_path, BASE))
    before = row_timestamps()
    edited = copy.deepcopy(BASE)
    edited["use_cases"][1]["summary"]["en"] = "A sharper summary."

    report = load_catalog(write_catalog(tmp_path, edited))

    after = row_timestamps()
    assert report.updated["use cases"] == 1
    assert sum(report.created.values()) == 0
    assert UseCase.objects.get(slug="second-use-case").summary_en == "A sharper summary."
    assert after["first-use-case"] == before["first-use-case"]
    assert after["second-use-case"] > before["second-use-case"]


def test_it_never_deletes_what_admins_added(tmp_path):
    directory = write_catalog(tmp_path, BASE)
    load_catalog(directory)
    use_case = UseCase.objects.get(slug="first-use-case")
    admin_statement = ProblemStatement.objects.create(
        use_case=use_case, language="en", text="Added by an admin."
    )
    admin_use_case = UseCase.objects.create(
        slug="admin-only",
        cluster=use_case.cluster,
        title_en="Admin",
        title_de="Admin",
        summary_en="s",
        summary_de="s",
        description_en="d",
        description_de="d",
        data_needed_en="x",
        data_needed_de="x",
    )

    load_catalog(directory)

    assert ProblemStatement.objects.filter(pk=admin_statement.pk).exists()
    assert UseCase.objects.filter(pk=admin_use_case.pk).exists()


def test_a_problem_statement_removed_from_the_file_is_removed(tmp_path):
    load_catalog(write_catalog(tmp_path, BASE))
    edited = copy.deepcopy(BASE)
    edited["use_cases"][0]["problem_statements"]["en"][0] = "Our presses stop without warning."

    report = load_catalog(write_catalog(tmp_path, edited))

    texts = set(
        ProblemStatement.objects.filter(use_case__slug="first-use-case", language="en").values_list(
            "text", flat=True
        )
    )
    assert "Machines stop." not in texts
    assert "Our presses stop without warning." in texts
    assert report.deleted["problem statements"] == 1


def broken(change) -> dict:
    document = copy.deepcopy(BASE)
    change(document)
    return document


@pytest.mark.parametrize(
    ("document", "file_name", "message"),
    [
        (
            broken(lambda d: d["cluster"].update(slug="space-travel")),
            "space-travel.yaml",
            "unknown cluster 'space-travel'",
        ),
        (
            broken(lambda d: d["use_cases"][0]["title"].pop("de")),
            None,
            "'title' is missing the language 'de'",
        ),
        (
            broken(lambda d: d["use_cases"][0]["problem_statements"].pop("en")),
            None,
            "'problem_statements' is missing the language 'en'",
        ),
        (
            broken(lambda d: d["use_cases"][0]["assessments"][0].update(cost_reduction=7)),
            None,
            "score 'cost_reduction' must be an integer from 1 to 5, got 7",
        ),
        (
            broken(lambda d: d["use_cases"][0]["assessments"][0].update(revenue="high")),
            None,
            "score 'revenue' must be an integer from 1 to 5, got 'high'",
        ),
        (broken(lambda d: d["use_cases"][1].update(slug="first-use-case")), None, "duplicate slug"),
        (
            broken(lambda d: d["use_cases"][0].update(obstacles=["bad_weather"])),
            None,
            "unknown obstacles: bad_weather",
        ),
        (
            broken(lambda d: d["use_cases"][0]["problem_statements"].update(de=["Nur einer."])),
            None,
            "needs at least 3 different problem statements in 'de'",
        ),
        (
            broken(
                lambda d: d["use_cases"][0].update(
                    first_steps={"data_availability": {"en": "Log every stop."}}
                )
            ),
            None,
            "'first_steps.data_availability' is missing the language 'de'",
        ),
        (
            broken(
                lambda d: d["use_cases"][0].update(
                    first_steps={"bad_weather": {"en": "Wait.", "de": "Warten."}}
                )
            ),
            None,
            "unknown obstacles in first_steps: bad_weather",
        ),
    ],
    ids=[
        "unknown-cluster",
        "missing-language",
        "missing-statements",
        "score-out-of-range",
        "score-wrong-type",
        "duplicate-slug",
        "unknown-obstacle",
        "too-few-statements",
        "first-step-missing-language",
        "first-step-unknown-obstacle",
    ],
)
def test_invalid_files_are_rejected_with_a_clear_error_and_load_nothing(
    tmp_path, document, file_name, message
):
    write_catalog(tmp_path, document, file_name or "predictive-maintenance.yaml")
    before = (UseCase.objects.count(), Cluster.objects.count(), ProblemStatement.objects.count())

    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path)

    assert any(message in problem for problem in error.value.problems), error.value.problems
    after = (UseCase.objects.count(), Cluster.objects.count(), ProblemStatement.objects.count())
    assert after == before


def test_a_provider_naming_an_unknown_cluster_is_rejected(tmp_path):
    write_catalog(tmp_path, BASE)
    providers = {
        "providers": [
            {
                "slug": "p",
                "name": "P (example)",
                "contact_email": "p@p.example",
                "description": {"en": "e", "de": "d"},
                "clusters": ["underwater-welding"],
            }
        ]
    }
    write_catalog(tmp_path / "providers", providers, "example.yaml")

    with pytest.raises(CatalogError, match="unknown cluster 'underwater-welding'"):
        load_catalog(tmp_path)
    assert not Provider.objects.filter(slug="p").exists()


def test_a_use_cases_own_first_steps_are_loaded_in_both_languages(tmp_path):
    document = copy.deepcopy(BASE)
    document["use_cases"][0]["first_steps"] = {
        "data_availability": {"en": " Log every stop for 3 months. ", "de": "Jeden Stopp loggen."}
    }
    write_catalog(tmp_path, document, "predictive-maintenance.yaml")

    load_catalog(tmp_path)

    use_case = UseCase.objects.get(slug=document["use_cases"][0]["slug"])
    assert use_case.first_steps == {
        "data_availability": {"en": "Log every stop for 3 months.", "de": "Jeden Stopp loggen."}
    }
