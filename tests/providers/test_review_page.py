"""Editors review one pending provider on its own page: the public page as it would appear, what
changed since the last approval, and approve or reject (with a reason) right there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from providers import services
from providers.models import Provider
from tests.factories import make_member, make_provider, make_use_case

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def review_url(provider: Provider) -> str:
    return f"/admin/providers/provider/{provider.pk}/review/"


@pytest.fixture
def editor():
    return User.objects.create_superuser("editor", "editor@matcher.example", "editor-passphrase-1")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def pending():
    provider = make_provider(
        name="Belegblick GmbH",
        approval_status=Provider.Approval.PENDING,
        languages=["de"],
        regions=["DE"],
        description_de="Wir lesen Eingangsrechnungen automatisch aus.",
    )
    provider.use_cases.add(make_use_case(title_de="Rechnungseingang automatisieren"))
    make_member(provider)
    return provider


def test_the_review_page_shows_the_public_page_as_it_would_appear(editor_client, pending):
    page = editor_client.get(review_url(pending), **GERMAN).content.decode()

    assert "Prüfung: Belegblick GmbH" in page
    assert "Wir lesen Eingangsrechnungen automatisch aus." in page
    assert "Rechnungseingang automatisieren" in page
    assert 'data-changes="first"' in page
    assert "Freigeben und veröffentlichen" in page
    assert "Mit dieser Begründung ablehnen" in page


def test_the_list_links_each_pending_provider_to_its_review(editor_client, pending):
    page = editor_client.get("/admin/providers/provider/", **GERMAN).content.decode()

    assert f'href="{review_url(pending)}"' in page
    assert "Jetzt prüfen" in page


def test_approving_on_the_review_page_publishes_records_and_emails(
    editor_client, editor, pending, mailoutbox
):
    response = editor_client.post(review_url(pending), {"decision": "approve"})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.approval_status == Provider.Approval.APPROVED
    assert pending.reviewed_by == editor
    assert pending.approved_snapshot["name"] == "Belegblick GmbH"
    assert ["freigegeben" in m.subject for m in mailoutbox] == [True]


def test_a_later_review_shows_what_changed_since_the_last_approval(editor_client, editor, pending):
    services.review(pending, editor, approve=True)
    pending.name = "Belegblick Software GmbH"
    pending.website = "https://belegblick.example"
    pending.save()
    pending.submit_for_review()

    page = editor_client.get(review_url(pending), **GERMAN).content.decode()

    assert 'data-changes="some"' in page
    assert "<del>Belegblick GmbH</del>" in page
    assert "<ins>Belegblick Software GmbH</ins>" in page
    assert "<ins>https://belegblick.example</ins>" in page
    assert "Rechnungseingang" not in page.split("</table>")[0]  # unchanged fields are not listed


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(
    editor_client, pending, mailoutbox
):
    response = editor_client.post(
        review_url(pending), {"decision": "reject", "reason": ""}, **GERMAN
    )

    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    pending.refresh_from_db()
    assert pending.approval_status == Provider.Approval.PENDING
    assert mailoutbox == []


def test_rejecting_with_a_reason_sends_it_to_the_provider(editor_client, pending, mailoutbox):
    reason = "Bitte beschreiben Sie genauer, welche Rechnungsformate Sie verarbeiten."

    editor_client.post(review_url(pending), {"decision": "reject", "reason": reason})

    pending.refresh_from_db()
    assert pending.approval_status == Provider.Approval.REJECTED
    assert pending.rejection_reason == reason
    assert reason in mailoutbox[0].body


def test_a_decided_profile_shows_no_decision_buttons_and_refuses_a_decision(
    editor_client, editor, pending
):
    services.review(pending, editor, approve=True)

    page = editor_client.get(review_url(pending)).content.decode()
    refused = editor_client.post(review_url(pending), {"decision": "reject", "reason": "x" * 20})

    assert 'name="decision"' not in page
    assert refused.status_code == 403


def test_staff_who_may_only_view_providers_cannot_decide(client, pending):
    viewer = User.objects.create_user("reader", password="reader-passphrase-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_provider"))
    client.force_login(viewer)

    page = client.get(review_url(pending))
    refused = client.post(review_url(pending), {"decision": "approve"})

    assert page.status_code == 200
    assert 'name="decision"' not in page.content.decode()
    assert refused.status_code == 403
    pending.refresh_from_db()
    assert pending.approval_status == Provider.Approval.PENDING


def test_people_outside_the_admin_are_sent_to_its_login(client, pending):
    response = client.get(review_url(pending))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_new_logo_is_named_as_such_not_by_its_fingerprint(editor_client, editor, pending):
    services.review(pending, editor, approve=True)
    pending.logo, pending.logo_type, pending.logo_hash = b"png", "image/png", "0123456789abcdef"
    pending.save()
    pending.submit_for_review()

    page = editor_client.get(review_url(pending), **GERMAN).content.decode()

    assert "<ins>ein neues Logo (siehe Seite unten)</ins>" in page
    assert "0123456789abcdef</ins>" not in page


def test_the_old_address_under_usecases_leads_to_the_review_page(editor_client, pending):
    response = editor_client.get(
        f"/admin/usecases/provider/{pending.pk}/review/?from=mail", **GERMAN
    )

    assert response.status_code == 301
    assert response["Location"] == f"{review_url(pending)}?from=mail"
    assert (
        "Prüfung: Belegblick GmbH"
        in editor_client.get(response["Location"], **GERMAN).content.decode()
    )
