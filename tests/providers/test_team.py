"""An owner invites colleagues by email; they join the provider and share its dashboard."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from providers.models import Provider, ProviderInvitation, ProviderMembership
from tests.factories import PASSWORD, make_member, make_provider, make_user

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


@pytest.mark.parametrize(
    "status",
    [Provider.Approval.DRAFT, Provider.Approval.PENDING, Provider.Approval.REJECTED],
)
def test_a_provider_not_yet_approved_cannot_send_invitations(client, mailoutbox, status):
    owner = make_member(make_provider(approval_status=status))
    log_in(client, owner.user)

    page = client.get("/provider/team/", HTTP_ACCEPT_LANGUAGE="de")
    response = client.post("/provider/team/", {"email": "anyone@elsewhere.example"})

    assert "Sie können Kolleginnen und Kollegen einladen, sobald Ihr Profil freigegeben ist." in (
        page.content.decode()
    )
    assert 'name="email"' not in page.content.decode()
    assert response.status_code == 403
    assert mailoutbox == []
    assert not ProviderInvitation.objects.exists()


def test_an_approved_provider_sends_a_limited_number_of_invitations(client, mailoutbox, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (3, 86_400)}
    owner = make_member()
    log_in(client, owner.user)

    answers = [
        client.post("/provider/team/", {"email": f"colleague{n}@datenwerk.example"}).status_code
        for n in range(3)
    ]
    refused = client.post("/provider/team/", {"email": "one-more@datenwerk.example"})
    # Sending the same address again is counted too: it is another email.
    again = client.post("/provider/team/", {"email": "colleague0@datenwerk.example"})

    assert answers == [302, 302, 302]
    assert refused.status_code == again.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert len(mailoutbox) == 3


def test_the_invitation_budget_belongs_to_the_provider_not_the_address(client, settings):
    """A colleague's second account, or another address, gets no fresh budget."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (1, 86_400)}
    owner = make_member()
    second_owner = make_member(owner.provider)
    log_in(client, owner.user)
    assert client.post("/provider/team/", {"email": "a@datenwerk.example"}).status_code == 302

    other = Client(REMOTE_ADDR="198.51.100.44")
    log_in(other, second_owner.user)

    assert other.post("/provider/team/", {"email": "b@datenwerk.example"}).status_code == 429
