"""Admins approve or reject submitted provider profiles; the provider learns why by email."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from providers.models import Provider
from tests.factories import make_member, make_provider

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/providers/provider/"


@pytest.fixture
def admin_client(client):
    client.force_login(
        User.objects.create_superuser("editor", "editor@matcher.example", "editor-passphrase-1")
    )
    return client


@pytest.fixture
def pending():
    member = make_member(make_provider(approval_status=Provider.Approval.PENDING, languages=["de"]))
    return member.provider


def test_the_admin_lists_pending_providers(admin_client, pending):
    response = admin_client.get(CHANGELIST, {"approval_status__exact": "pending"})

    assert pending.name in response.content.decode()


def test_approving_makes_the_provider_public_records_who_and_emails_it(
    admin_client, pending, mailoutbox
):
    admin_client.post(CHANGELIST, {"action": "approve", "_selected_action": [pending.pk]})

    pending.refresh_from_db()
    assert pending.approval_status == Provider.Approval.APPROVED
    assert pending.reviewed_by.username == "editor"
    assert pending.reviewed_at is not None
    [mail] = mailoutbox
    assert pending.contact_email in mail.to
    assert "freigegeben" in mail.subject  # the provider works in German


def test_rejecting_asks_for_a_reason_first_and_changes_nothing_without_one(
    admin_client, pending, mailoutbox
):
    response = admin_client.post(CHANGELIST, {"action": "reject", "_selected_action": [pending.pk]})

    assert response.status_code == 200
    assert "reason" in response.context["form"].fields
    pending.refresh_from_db()
    assert pending.approval_status == Provider.Approval.PENDING
    assert mailoutbox == []


def test_rejecting_with_a_reason_emails_the_reason(admin_client, pending, mailoutbox):
    reason = "Bitte nennen Sie ein Referenzprojekt für die Rechnungserfassung."

    admin_client.post(
        CHANGELIST,
        {"action": "reject", "_selected_action": [pending.pk], "reason": reason},
    )

    pending.refresh_from_db()
    assert pending.approval_status == Provider.Approval.REJECTED
    assert pending.rejection_reason == reason
    [mail] = mailoutbox
    assert reason in mail.body
    assert set(mail.to) == set(pending.staff_emails())


def test_only_pending_providers_are_decided(admin_client, mailoutbox):
    draft = make_provider(approval_status=Provider.Approval.DRAFT)

    admin_client.post(CHANGELIST, {"action": "approve", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.approval_status == Provider.Approval.DRAFT
    assert mailoutbox == []


def test_the_review_status_cannot_be_edited_around_the_actions(admin_client, pending):
    response = admin_client.get(f"{CHANGELIST}{pending.pk}/change/")

    assert 'name="approval_status"' not in response.content.decode()


def test_the_provider_list_is_searchable(admin_client):
    make_provider(name="Belegblick GmbH")
    make_provider(name="Other AG")

    page = admin_client.get(CHANGELIST, {"q": "beleg"}).content.decode()

    assert "Belegblick GmbH" in page
    assert "Other AG" not in page
