"""Profiles worth reading: locations, a named contact person, up to five references tied to use
cases, the description in the reader's language first, and a public page that looks complete."""

from __future__ import annotations

import pytest

from providers.models import Provider, ProviderReference
from tests.factories import make_member, make_provider, make_use_case
from tests.providers.test_profile import profile_data

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def references(*rows: tuple[object, str, str], initial: int = 0) -> dict[str, str]:
    data = {"references-TOTAL_FORMS": str(len(rows)), "references-INITIAL_FORMS": str(initial)}
    for number, (use_case, client, summary) in enumerate(rows):
        data[f"references-{number}-use_case"] = str(use_case.pk)
        data[f"references-{number}-client"] = client
        data[f"references-{number}-summary"] = summary
    return data


@pytest.fixture
def member(client):
    member = make_member(make_provider(approval_status=Provider.Approval.DRAFT))
    client.force_login(member.user)
    return member


def test_locations_contact_person_and_references_are_saved_and_shown(client, member):
    invoices = make_use_case(title_de="Rechnungseingang automatisieren")
    data = profile_data(
        invoices,
        name=member.provider.name,
        locations="Stuttgart, München",
        contact_name="Dr. Jana Becker",
        contact_role="Leitung Vertrieb",
        description_de="Wir lesen Eingangsrechnungen automatisch aus.",
        **references(
            (
                invoices,
                "Maschinenbauer, 300 Beschäftigte",
                "12.000 Rechnungen im Jahr, 80 % ohne Handarbeit.",
            ),
        ),
    )
    assert client.post("/provider/profile/", data).status_code == 302

    page = client.get("/provider/preview/", **GERMAN).content.decode()

    assert "<span data-locations>Stuttgart · München</span>" in page
    assert "Dr. Jana Becker" in page and "Leitung Vertrieb" in page
    assert "Maschinenbauer, 300 Beschäftigte" in page
    assert "Rechnungseingang automatisieren" in page
    assert "noch nicht öffentlich" in page


def test_at_most_five_references_are_accepted(client, member):
    use_case = make_use_case()
    rows = [(use_case, f"Kunde {n}", "Ein Projekt mit messbarem Ergebnis.") for n in range(6)]

    response = client.post(
        "/provider/profile/",
        profile_data(use_case, name=member.provider.name, **references(*rows)),
        **GERMAN,
    )

    assert response.status_code == 400
    assert "höchstens 5" in response.content.decode()
    assert not ProviderReference.objects.exists()


def test_a_reference_needs_a_use_case_and_a_description(client, member):
    use_case = make_use_case()
    data = profile_data(use_case, name=member.provider.name, **references((use_case, "Kunde", "")))

    response = client.post("/provider/profile/", data)

    assert response.status_code == 400
    assert not ProviderReference.objects.exists()


def test_the_german_form_asks_for_the_german_description_first(client, member):
    page = client.get("/provider/profile/", **GERMAN).content.decode()

    assert page.index('name="description_de"') < page.index('name="description_en"')


def test_the_english_form_asks_for_the_english_description_first(client, member):
    page = client.get("/provider/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert page.index('name="description_en"') < page.index('name="description_de"')


def test_a_public_page_without_logo_shows_the_initials_as_placeholder(client):
    provider = make_provider(name="Belegblick GmbH", description_de="Rechnungen lesen wir.")

    page = client.get(f"/providers/{provider.slug}/", **GERMAN).content.decode()

    assert '<span class="profile-logo placeholder" aria-hidden="true">BG</span>' in page
    assert "Rechnungen lesen wir." in page


def test_the_public_page_shows_the_description_in_the_readers_language(client):
    provider = make_provider(
        description_en="We read invoices.", description_de="Wir lesen Rechnungen."
    )

    german = client.get(f"/providers/{provider.slug}/", **GERMAN).content.decode()
    english = client.get(f"/providers/{provider.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Wir lesen Rechnungen." in german and "We read invoices." not in german
    assert "We read invoices." in english


def test_new_references_on_an_approved_profile_send_it_back_to_review(client):
    member = make_member()  # approved
    client.force_login(member.user)
    use_case = make_use_case()
    member.provider.use_cases.add(use_case)
    data = profile_data(
        use_case,
        name=member.provider.name,
        website="",
        contact_email=member.provider.contact_email,
        **references((use_case, "Spedition", "Touren werden jetzt automatisch geplant.")),
    )

    client.post("/provider/profile/", data)

    member.provider.refresh_from_db()
    assert member.provider.approval_status == Provider.Approval.PENDING


def test_locations_change_at_once_without_a_new_review(client):
    member = make_member()
    client.force_login(member.user)
    use_case = make_use_case()
    member.provider.use_cases.add(use_case)
    data = profile_data(
        use_case,
        name=member.provider.name,
        website="",
        contact_email=member.provider.contact_email,
        locations="Hamburg",
        contact_name="Jana Becker",
    )

    client.post("/provider/profile/", data)

    member.provider.refresh_from_db()
    assert member.provider.approval_status == Provider.Approval.APPROVED
    assert member.provider.location_list() == ["Hamburg"]
