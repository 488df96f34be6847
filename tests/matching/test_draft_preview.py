"""The "try a problem" box ranks a draft among the published catalog with the real encoders,
without publishing it or touching the served index."""

from __future__ import annotations

import pytest

from matching.models import IndexBuild, TextEmbedding
from matching.services import preview_rank
from tests.factories import make_use_case
from usecases.models import Cluster, ProblemStatement, UseCase

pytestmark = [pytest.mark.django_db, pytest.mark.model]

BEES_EN = "Our bees keep dying in the hives and the honey harvest collapses every summer."
BEES_DE = "Unsere Bienen sterben in den Stöcken und die Honigernte bricht jeden Sommer ein."


@pytest.fixture
def beehive_draft(catalog):
    draft = make_use_case(
        cluster=Cluster.objects.get(slug="image-video-recognition"),
        statements=0,
        slug="beehive-health-monitoring",
        status=UseCase.Status.DRAFT,
        title_en="Beehive health monitoring",
        title_de="Gesundheit von Bienenvölkern überwachen",
        summary_en="Sensors and cameras in the hive warn beekeepers before colonies die.",
        summary_de="Sensoren und Kameras im Stock warnen Imker, bevor Bienenvölker sterben.",
        description_en=(
            "Hive scales, temperature sensors and entrance cameras watch each bee colony. "
            "A model spots mites, disease and starving colonies early so fewer bees die."
        ),
        description_de=(
            "Stockwaagen, Temperatursensoren und Kameras am Flugloch beobachten jedes Volk. "
            "Ein Modell erkennt Milben, Krankheiten und hungernde Völker früh."
        ),
    )
    for language, text in (
        ("en", "Our bee colonies die over winter and we notice too late."),
        ("en", "Honey yields drop because mites weaken the hives."),
        ("de", "Unsere Bienenvölker sterben im Winter und wir merken es zu spät."),
        ("de", "Die Honigernte sinkt, weil Milben die Völker schwächen."),
    ):
        ProblemStatement.objects.create(use_case=draft, language=language, text=text)
    return draft


@pytest.mark.parametrize("problem", [BEES_EN, BEES_DE], ids=["en", "de"])
def test_a_draft_written_for_a_problem_ranks_at_the_top_for_it(beehive_draft, problem):
    builds = IndexBuild.objects.count()

    preview = preview_rank(beehive_draft, problem)

    assert preview.rank is not None and preview.rank <= 2
    assert preview.competing == UseCase.objects.published().count()
    assert any(row.use_case.slug == beehive_draft.slug for row in preview.ahead)
    # Nothing was published, stored or indexed.
    assert IndexBuild.objects.count() == builds
    assert not TextEmbedding.objects.filter(use_case=beehive_draft).exists()
    beehive_draft.refresh_from_db()
    assert beehive_draft.status == UseCase.Status.DRAFT


def test_the_same_draft_ranks_far_down_for_an_unrelated_problem(beehive_draft):
    preview = preview_rank(
        beehive_draft, "We type every supplier invoice into our ERP by hand, it takes days."
    )

    assert preview.rank is None or preview.rank > 10
    assert preview.ahead[0].use_case.slug != beehive_draft.slug


def test_a_published_use_case_is_previewed_with_its_edited_texts(catalog):
    use_case = UseCase.objects.get(slug="camera-counting-goods-livestock-plants")
    before = preview_rank(use_case, BEES_EN).rank
    use_case.description_en += " It also counts dying bees in hives before the honey harvest fails."
    use_case.save()

    after = preview_rank(use_case, BEES_EN)

    assert after.rank is not None and after.rank < before


def test_the_admin_page_shows_the_rank_and_refuses_an_empty_problem(admin_client, beehive_draft):
    url = f"/admin/usecases/usecase/{beehive_draft.pk}/preview/"

    page = admin_client.get(url, {"problem": BEES_EN})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rank 1 of" in html or "Rank 2 of" in html
    assert "<strong>Beehive health monitoring</strong>" in html

    empty = admin_client.get(url, {"problem": "   "})
    assert empty.status_code == 400
    assert "Please describe your business problem." in empty.content.decode()

    german = admin_client.get(url, {"problem": "   "}, HTTP_ACCEPT_LANGUAGE="de")
    assert german.status_code == 400
    assert "Bitte beschreiben Sie Ihr geschäftliches Problem." in german.content.decode()
    change_page = admin_client.get(f"/admin/usecases/usecase/{beehive_draft.pk}/change/")
    assert 'id="try-a-problem"' in change_page.content.decode()


def test_the_box_beside_the_form_receives_the_rank_alone(admin_client, beehive_draft):
    url = f"/admin/usecases/usecase/{beehive_draft.pk}/preview/"

    fragment = admin_client.get(url, {"problem": BEES_EN, "fragment": "1"}).content.decode()
    empty = admin_client.get(url, {"problem": "   ", "fragment": "1"})

    assert "<html" not in fragment and 'id="preview-result"' in fragment
    assert "<strong>Beehive health monitoring</strong>" in fragment
    assert empty.status_code == 400
    assert 'class="errornote"' in empty.content.decode()
