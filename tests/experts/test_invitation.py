"""Editors invite experts by email; the link leads to an account with the expert role, and only
experts who agreed appear on the public panel page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.utils import timezone

from tests.factories import PASSWORD, make_cluster, make_expert, make_user
from usecases.models import Expert

pytestmark = pytest.mark.django_db


def invitation_path(mail) -> str:
    return re.search(r"https?://[^/\s]+(/expert/invitation/\S+/)", mail.body).group(1)


def test_an_editor_invites_an_expert_who_signs_up_from_the_emailed_link(
    admin_client, client, mailoutbox
):
    production = make_cluster(name_en="Production", name_de="Produktion")

    response = admin_client.post(
        "/admin/usecases/expert/add/",
        {
            "name": "Dr. Jana Weber",
            "organisation": "Fraunhofer IPA",
            "email": "Jana.Weber@ipa.example",
            "fields_of_expertise": "Maintenance, Industrial AI",
            "clusters": [production.pk],
        },
    )

    assert response.status_code == 302
    expert = Expert.objects.get(email="jana.weber@ipa.example")
    [mail] = mailoutbox
    assert mail.to == ["jana.weber@ipa.example"]
    assert "Sie" in mail.body and "Produktion" in mail.body  # formal German first
    assert "Production" in mail.body  # and the English version below it

    link = invitation_path(mail)
    page = client.get(link).content.decode()
    assert "jana.weber@ipa.example" in page
    response = client.post(
        link, {"password1": PASSWORD, "password2": PASSWORD, "listed_publicly": "on"}
    )

    assert response["Location"] == "/expert/"
    expert.refresh_from_db()
    user = User.objects.get(email="jana.weber@ipa.example")
    assert expert.user == user and expert.accepted_at is not None
    assert expert.listed_publicly is True
    assert EmailAddress.objects.get(user=user).verified  # the emailed link proved the address
    assert client.get("/expert/").status_code == 200  # logged in, with the expert role


def test_the_expert_logs_in_later_and_lands_on_their_rating_work(client):
    expert = make_expert(make_cluster())

    response = client.post("/accounts/login/", {"login": expert.email, "password": PASSWORD})

    assert response["Location"] == "/expert/"


def test_an_existing_account_accepts_after_logging_in_with_the_invited_address(client):
    expert = make_expert(make_cluster(), joined=False)
    user = make_user(expert.email)
    link = f"/expert/invitation/{expert.token}/"

    assert "Please log in with it" in client.get(link).content.decode()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.post(link, {})

    assert response["Location"] == "/expert/"
    expert.refresh_from_db()
    assert expert.user == user and expert.listed_publicly is False


def test_an_invitation_cannot_be_accepted_with_another_account(client):
    expert = make_expert(make_cluster(), joined=False)
    other = make_user("someone@elsewhere.example")
    client.post("/accounts/login/", {"login": other.email, "password": PASSWORD})

    response = client.post(f"/expert/invitation/{expert.token}/", {})

    assert response.status_code == 409
    assert "Please log in with that address" in response.content.decode()
    expert.refresh_from_db()
    assert expert.user is None


def test_an_expired_invitation_creates_no_account(client):
    expert = make_expert(make_cluster(), joined=False)
    Expert.objects.filter(pk=expert.pk).update(invited_at=timezone.now() - timedelta(days=15))

    response = client.post(
        f"/expert/invitation/{expert.token}/", {"password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 410
    assert not User.objects.filter(email=expert.email).exists()


def test_a_weak_or_mismatched_password_is_a_field_error_and_creates_nothing(client):
    expert = make_expert(make_cluster(), joined=False)
    link = f"/expert/invitation/{expert.token}/"

    mismatched = client.post(link, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    weak = client.post(link, {"password1": "123", "password2": "123"})

    assert mismatched.status_code == weak.status_code == 400
    assert "password2" in mismatched.context["signup"].errors
    assert "password1" in weak.context["signup"].errors
    assert not User.objects.filter(email=expert.email).exists()


def test_an_unknown_invitation_is_not_found(client):
    assert client.get("/expert/invitation/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_panel_page_lists_only_experts_who_joined_and_agreed(client):
    cluster = make_cluster(name_en="Customer service", name_de="Kundenservice")
    make_expert(cluster, name="Dr. Listed Person", organisation="HdM Stuttgart", listed=True)
    make_expert(cluster, name="Dr. Private Person", listed=False)
    make_expert(cluster, name="Dr. Not Joined", listed=True, joined=False)

    english = client.get("/experts/").content.decode()
    german = client.get("/experts/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Dr. Listed Person" in english and "HdM Stuttgart" in english
    assert "Customer service" in english
    assert "Dr. Private Person" not in english and "Dr. Not Joined" not in english
    assert "<h1>Unser Expertenpanel</h1>" in german


def test_an_expert_can_withdraw_from_the_panel_page(client):
    expert = make_expert(make_cluster(), name="Dr. Changed Mind", listed=True)
    client.post("/accounts/login/", {"login": expert.email, "password": PASSWORD})

    client.post("/expert/listing/", {})

    assert "Dr. Changed Mind" not in client.get("/experts/").content.decode()


def test_an_account_without_the_expert_role_cannot_rate(client):
    user = make_user()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    response = client.get("/expert/")

    assert response.status_code == 403
    assert "not part of the expert panel" in response.content.decode()
