"""A provider fills in its profile, picks what it delivers, submits it, and edits it later."""

from __future__ import annotations

import pytest

from providers.models import Provider, ProviderMembership
from tests.factories import (
    PASSWORD,
    make_cluster,
    make_member,
    make_provider,
    make_use_case,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    return make_use_case(slug="invoice-capture", title_en="Invoice capture")


def profile_data(use_case, **overrides):
    data = {
        "name": "Datenwerk GmbH",
        "website": "https://datenwerk.example",
        "description_en": "We read invoices automatically.",
        "description_de": "",
        "contact_email": "hallo@datenwerk.example",
        "regions": ["DE", "AT"],
        "languages": ["de", "en"],
        "company_sizes": ["small", "medium"],
        "use_cases": [str(use_case.pk)],
        # The references formset's bookkeeping, as the page sends it with no reference rows.
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def logged_in(client, user):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    return client


def test_a_new_user_creates_a_draft_profile_and_becomes_its_owner(client, offer):
    user = make_user()
    response = logged_in(client, user).post("/provider/profile/", profile_data(offer))

    assert response.status_code == 302
    provider = Provider.objects.get(name="Datenwerk GmbH")
    assert provider.slug == "datenwerk-gmbh"
    assert provider.approval_status == Provider.Approval.DRAFT
    assert list(provider.use_cases.all()) == [offer]
    assert provider.regions == ["DE", "AT"]
    assert user.provider_membership.role == ProviderMembership.Role.OWNER


def test_the_use_case_picker_groups_use_cases_by_cluster_with_a_search_box(client, offer):
    response = logged_in(client, make_user()).get("/provider/profile/")

    page = response.content.decode()
    assert "data-picker-filter" in page
    assert f"<legend>{offer.cluster.name}</legend>" in page
    assert "Invoice capture" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "   "}, "name"),
        ({"website": "not a web address"}, "website"),
        ({"contact_email": "no-at-sign"}, "contact_email"),
        ({"description_en": ""}, "description_en"),
        ({"use_cases": []}, "use_cases"),
        ({"regions": ["XX"]}, "regions"),
        ({"languages": []}, "languages"),
        ({"company_sizes": ["huge"]}, "company_sizes"),
        ({"use_cases": ["999999"]}, "use_cases"),
        ({"description_en": "x" * 2001}, "description_en"),
    ],
)
def test_bad_profile_input_gives_a_field_error_and_stores_nothing(client, offer, change, field):
    before = Provider.objects.count()
    response = logged_in(client, make_user()).post(
        "/provider/profile/", profile_data(offer, **change)
    )

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Provider.objects.count() == before


def test_a_whole_cluster_can_be_offered_instead_of_single_use_cases(client, offer):
    cluster = make_cluster()
    logged_in(client, make_user()).post(
        "/provider/profile/", profile_data(offer, use_cases=[], clusters=[str(cluster.pk)])
    )

    assert list(Provider.objects.get(name="Datenwerk GmbH").clusters.all()) == [cluster]


def test_submitting_puts_the_profile_in_the_review_queue(client, offer):
    member = make_member(make_provider(approval_status=Provider.Approval.DRAFT))

    logged_in(client, member.user).post("/provider/submit/")

    member.provider.refresh_from_db()
    assert member.provider.approval_status == Provider.Approval.PENDING
    assert member.provider.submitted_at is not None


def approved_member(offer):
    provider = make_provider(
        name="Datenwerk GmbH",
        website="https://datenwerk.example",
        description_en="We read invoices automatically.",
        regions=["DE", "AT"],
        languages=["de", "en"],
        company_sizes=["small", "medium"],
        contact_email="hallo@datenwerk.example",
    )
    provider.use_cases.add(offer)
    return make_member(provider)


def test_editing_the_description_of_an_approved_profile_keeps_it_public(client, offer):
    member = approved_member(offer)

    logged_in(client, member.user).post(
        "/provider/profile/",
        profile_data(offer, description_en="We read invoices and delivery notes."),
    )

    member.provider.refresh_from_db()
    assert member.provider.approval_status == Provider.Approval.APPROVED
    assert member.provider.description_en == "We read invoices and delivery notes."


@pytest.mark.parametrize(
    "change",
    [{"name": "Datenwerk AG"}, {"website": "https://other.example"}, {"use_cases": []}],
)
def test_changing_a_reviewed_field_of_an_approved_profile_sends_it_back_to_review(
    client, offer, change
):
    member = approved_member(offer)
    if change == {"use_cases": []}:
        change = {"use_cases": [str(make_use_case().pk)]}

    response = logged_in(client, member.user).post(
        "/provider/profile/", profile_data(offer, **change), follow=True
    )

    member.provider.refresh_from_db()
    assert member.provider.approval_status == Provider.Approval.PENDING
    assert "reviews your profile again" in response.content.decode()
    assert client.get(f"/providers/{member.provider.slug}/").status_code == 404


def test_a_user_without_a_provider_is_sent_to_create_one(client):
    response = logged_in(client, make_user()).get("/provider/")

    assert response["Location"] == "/provider/profile/"


def test_provider_pages_need_a_login(client):
    for url in ("/provider/", "/provider/profile/", "/provider/team/"):
        assert client.get(url)["Location"].startswith("/accounts/login/?next=")
