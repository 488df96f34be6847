"""An owner invites colleagues by email; they join the provider and share its dashboard."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, make_member, make_user
from usecases.models import ProviderInvitation, ProviderMembership

pytestmark = pytest.mark.django_db


def log_in(client, user) -> None:
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_an_owner_invites_a_colleague_who_joins_with_the_emailed_link(client, mailoutbox):
    owner = make_member()
    log_in(client, owner.user)

    client.post("/provider/team/", {"email": "Kollegin@Datenwerk.example"})

    [mail] = mailoutbox
    assert mail.to == ["kollegin@datenwerk.example"]
    link = re.search(r"https?://[^/\s]+(/provider/invitations/\S+/)", mail.body).group(1)
    colleague = make_user("kollegin@datenwerk.example")
    client.logout()
    log_in(client, colleague)
    response = client.post(link)

    assert response["Location"] == "/provider/"
    membership = ProviderMembership.objects.get(user=colleague)
    assert membership.provider == owner.provider
    assert membership.role == ProviderMembership.Role.COLLEAGUE
    assert client.get("/provider/").context["provider"] == owner.provider


def test_an_invitation_cannot_be_accepted_with_another_address(client):
    owner = make_member()
    invitation = ProviderInvitation.objects.create(
        provider=owner.provider, email="right@datenwerk.example"
    )
    log_in(client, make_user("wrong@elsewhere.example"))

    response = client.post(f"/provider/invitations/{invitation.token}/")

    assert response.status_code == 409
    assert not ProviderMembership.objects.filter(user__email="wrong@elsewhere.example").exists()


def test_a_colleague_cannot_invite_others(client, mailoutbox):
    owner = make_member()
    colleague = make_member(owner.provider, role=ProviderMembership.Role.COLLEAGUE)
    log_in(client, colleague.user)

    client.post("/provider/team/", {"email": "third@datenwerk.example"})

    assert mailoutbox == []
    assert not ProviderInvitation.objects.exists()


def test_an_invalid_address_gives_a_field_error(client, mailoutbox):
    log_in(client, make_member().user)

    response = client.post("/provider/team/", {"email": "not-an-address"})

    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert mailoutbox == []


def test_an_unknown_invitation_is_not_found(client):
    log_in(client, make_user())

    assert (
        client.get("/provider/invitations/00000000-0000-0000-0000-000000000000/").status_code == 404
    )
