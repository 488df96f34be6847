"""Provider staff sign up with email and password, verify the address, log in and reset it."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def sign_up(client, email: str):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_signing_up_sends_a_verification_link_that_logs_the_user_in(client, mailoutbox):
    response = sign_up(client, "anna@werkzeug.example")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert [m.to for m in mailoutbox] == [["anna@werkzeug.example"]]
    confirmation = link_in(mailoutbox[0])
    assert client.get(confirmation).status_code == 200
    response = client.post(confirmation)
    assert response.status_code == 302
    # Logged in and sent on to create the provider profile.
    assert client.get("/provider/")["Location"] == "/provider/profile/"


def test_an_unverified_address_cannot_log_in(client, mailoutbox):
    sign_up(client, "ben@werkzeug.example")
    client.logout()

    response = client.post(
        "/accounts/login/", {"login": "ben@werkzeug.example", "password": PASSWORD}
    )

    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/provider/")["Location"].startswith("/accounts/login/")


def test_signing_up_with_a_registered_address_answers_the_same_and_creates_nobody(
    client, mailoutbox
):
    make_user("taken@werkzeug.example")
    fresh = sign_up(client, "fresh@werkzeug.example")
    client.logout()

    taken = sign_up(client, "taken@werkzeug.example")

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email__iexact="taken@werkzeug.example").count() == 1


def test_password_reset_answers_the_same_whether_or_not_the_address_is_registered(
    client, mailoutbox
):
    user = make_user("carla@werkzeug.example")
    known = client.post("/accounts/password/reset/", {"email": "carla@werkzeug.example"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@werkzeug.example"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    reset_mail = next(m for m in mailoutbox if m.to == [user.email])
    reset_link = link_in(reset_mail)
    form_page = client.get(reset_link, follow=True)
    assert form_page.status_code == 200
    new_password = "another-long-passphrase-77"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_link,
        {"password1": new_password, "password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_logging_out_ends_the_session(client):
    make_user("dora@werkzeug.example")
    client.post("/accounts/login/", {"login": "dora@werkzeug.example", "password": PASSWORD})
    assert client.get("/provider/")["Location"] == "/provider/profile/"

    client.post("/accounts/logout/")

    assert client.get("/provider/")["Location"].startswith("/accounts/login/")


def test_repeated_bad_provider_logins_lock_the_account_from_that_address(client, settings):
    make_user("eva@werkzeug.example")
    answers = [
        client.post("/accounts/login/", {"login": "eva@werkzeug.example", "password": "wrong"})
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    client.post("/accounts/login/", {"login": "eva@werkzeug.example", "password": PASSWORD})

    assert answers[-1].status_code == 429
    assert "locked" in answers[-1].content.decode().lower()
    assert client.get("/provider/")["Location"].startswith("/accounts/login/")


def log_in_from(address: str, email: str, password: str):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"login": email, "password": password}
    )


def test_failures_from_a_strangers_address_do_not_lock_the_provider_out_elsewhere(settings):
    make_user("fritz@werkzeug.example")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in_from("203.0.113.5", "fritz@werkzeug.example", "wrong")

    own = log_in_from("198.51.100.7", "fritz@werkzeug.example", PASSWORD)

    assert own.status_code == 302
    assert own["Location"] == "/provider/"
    # The guessing address stays locked for this account, even with the right password.
    assert log_in_from("203.0.113.5", "fritz@werkzeug.example", PASSWORD).status_code == 429


def test_one_address_failing_on_many_accounts_is_slowed_down(settings):
    """Spraying one password over many accounts never reaches one account's limit; allauth's
    limit of failed logins per address and minute stops it."""
    limit = settings.ACCOUNT_RATE_LIMITS["login_failed"]
    assert limit.endswith("/m/ip")
    per_minute = int(limit.split("/")[0])
    refused = "Too many failed login attempts. Try again later."
    answers = [
        log_in_from("203.0.113.9", f"person{n}@spray.example", "Summer2026!").content.decode()
        for n in range(per_minute + 1)
    ]

    assert not any(refused in answer for answer in answers[:per_minute])
    assert refused in answers[-1]


def test_signing_up_answers_a_registered_address_with_the_same_page_message_and_time(
    mailoutbox, real_password_hasher
):
    """Timed in one run as a ratio, new and registered addresses taking turns, so the speed of
    the machine cancels out. A registered address is answered without creating anything; from
    its second sign-up on, allauth also sends it no more mail for a while (one per 3 minutes)."""
    make_user("taken@werkzeug.example")

    def sign_up_as(email: str) -> tuple[float, dict]:
        client = Client()
        started = time.perf_counter()
        response = client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
        elapsed = time.perf_counter() - started
        page = client.get(response["Location"])
        answer = {
            "status": response.status_code,
            "location": response["Location"],
            "page": [template.name for template in page.templates][:1],
            "messages": [str(m).replace(email, "<address>") for m in page.context["messages"]],
        }
        return elapsed, answer

    sign_up_as("warm-up@werkzeug.example")  # templates and the hasher are loaded once
    times: dict[str, list[float]] = {"new": [], "registered": []}
    answers: dict[str, list[dict]] = {"new": [], "registered": []}
    for n in range(5):
        for kind, email in (
            ("new", f"new{n}@werkzeug.example"),
            ("registered", "taken@werkzeug.example"),
        ):
            elapsed, answer = sign_up_as(email)
            times[kind].append(elapsed)
            answers[kind].append(answer)

    assert answers["new"][0]["messages"] == ["Confirmation email sent to <address>."]
    assert all(answer == answers["new"][0] for answer in answers["new"] + answers["registered"])
    ratio = statistics.median(times["registered"]) / statistics.median(times["new"])
    assert 2 / 3 < ratio < 3 / 2, (ratio, times)
    assert User.objects.filter(email__iexact="taken@werkzeug.example").count() == 1


def test_the_sign_up_page_explains_what_a_listing_brings_costs_and_how_review_works(client):
    page = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    for promise in (
        "Was Ihnen ein Eintrag bringt",
        "Sichtbar bei passenden Anwendungsfällen.",
        "Kontaktanfragen.",
        "Zahlen zur Sichtbarkeit.",
        "Kostenlos.",
        "So läuft die Prüfung",
        "innerhalb von zwei Werktagen",
    ):
        assert promise in page


def test_sign_up_errors_are_shown_at_their_fields_like_the_profile_forms(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "anna@werkzeug.example", "password1": "kurz", "password2": "anders"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="form-error" role="alert"' in page
    password_field = page.split('for="id_password1"')[1].split('<div class="field')[0]
    assert 'class="field-error"' in password_field
    assert "zu kurz" in password_field
    assert User.objects.count() == 0
