"""Production settings, security headers, login lockout, rate limits and escaping."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.factories import make_submission

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "q8v!Zr2-production-like-secret-key-for-the-deploy-check-4hT0pLx9",
    "DJANGO_ALLOWED_HOSTS": "matcher.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://matcher.example.com",
    "OPERATOR_NAME": "Beispiel Digital GmbH",
    "OPERATOR_ADDRESS": "Musterstraße 1, 70173 Stuttgart",
    "OPERATOR_EMAIL": "kontakt@matcher.example.com",
    "OPERATOR_PHONE": "+49 711 000000",
    "OPERATOR_REPRESENTED_BY": "Erika Mustermann",
    "OPERATOR_REGISTER": "Amtsgericht Stuttgart, HRB 000000",
    "OPERATOR_VAT_ID": "DE000000000",
}
PROBLEM = "We type every supplier invoice into our ERP system by hand."


def deploy_check(environment: dict[str, str], fail_level: str = "WARNING"):
    """`manage.py check --deploy` in a fresh process, with none of this process's DJANGO_ or
    OPERATOR_ variables: only `environment`."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OPERATOR_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", fail_level],
        cwd=ROOT,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = deploy_check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_the_impressum_details_fails_the_deploy_check():
    without_operator = {k: v for k, v in PRODUCTION_ENV.items() if not k.startswith("OPERATOR_")}

    result = deploy_check(without_operator, fail_level="ERROR")

    assert result.returncode != 0
    output = result.stdout + result.stderr
    for setting, check in [
        ("OPERATOR_NAME", "config.E001"),
        ("OPERATOR_ADDRESS", "config.E002"),
        ("OPERATOR_EMAIL", "config.E003"),
        ("OPERATOR_REPRESENTED_BY", "config.W001"),
        ("OPERATOR_VAT_ID", "config.W004"),
    ]:
        assert f"{check}) {setting} is not set" in output


def test_a_missing_register_entry_is_a_warning_that_fails_the_strict_deploy_check():
    without_register = {k: v for k, v in PRODUCTION_ENV.items() if k != "OPERATOR_REGISTER"}

    assert deploy_check(without_register, fail_level="ERROR").returncode == 0
    strict = deploy_check(without_register)
    assert strict.returncode != 0
    assert "config.W003) OPERATOR_REGISTER is not set" in strict.stdout + strict.stderr


def test_the_embedded_default_with_debug_on_needs_no_operator_details(settings):
    from config.checks import operator_details_are_set

    settings.OPERATOR = dict.fromkeys(settings.OPERATOR, "")
    settings.DEBUG = True
    assert operator_details_are_set() == []

    settings.DEBUG = False
    assert [m.id for m in operator_details_are_set()] == [
        "config.E001",
        "config.E002",
        "config.E003",
        "config.W001",
        "config.W002",
        "config.W003",
        "config.W004",
    ]


def test_a_weak_secret_key_fails_the_deploy_check():
    result = deploy_check({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def settings_variables() -> set[str]:
    source = "".join(
        (ROOT / "config" / name).read_text(encoding="utf-8")
        for name in ("settings.py", "gunicorn.py")
    )
    return set(re.findall(r'(?:env_\w+|os\.environ\.get)\(\s*"([A-Z0-9_]+)"', source))


def documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.M))


def test_env_example_documents_every_variable_the_settings_read():
    read = settings_variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CACHE_URL", "RATE_LIMIT_MATCH"} <= read
    assert read - documented_variables() == set()
    # Only variables something reads are documented (compose's own POSTGRES_PASSWORD aside).
    assert documented_variables() - read == {"POSTGRES_PASSWORD"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/clusters/", "/privacy/", "/admin/login/", "/api/v1/docs"])
def test_every_page_sends_a_strict_content_security_policy_and_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_templates_hold_no_inline_scripts_styles_or_handlers():
    offending = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|hx-on", text):
            offending.append(template.name)
    assert not offending


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("admin", "admin@example.com", "correct horse battery")


def log_in(client: Client, password: str, address: str = "203.0.113.5"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="de",
    )


def test_admin_login_locks_the_account_for_the_guessing_address_only(client, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200  # the form again, with an error

    locked = log_in(client, "wrong")
    assert locked.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in locked.content.decode()
    # Even the right password is refused from that address while locked ...
    assert log_in(client, "correct horse battery").status_code == 429
    # ... but the admin can still log in from elsewhere.
    assert log_in(Client(), "correct horse battery", address="198.51.100.7").status_code == 302

    # After the cool-off the guessing address may try again.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert log_in(client, "correct horse battery").status_code == 302


@pytest.mark.django_db
def test_authenticate_with_a_request_is_counted_by_axes(rf, admin_user):
    """Any later login view that calls authenticate(request=...) is protected as well."""
    from django.contrib.auth import authenticate

    request = rf.post("/some/login/", REMOTE_ADDR="203.0.113.9")
    assert authenticate(request=request, username="admin", password="wrong") is None
    assert AccessAttempt.objects.get(ip_address="203.0.113.9").failures_since_start == 1


@pytest.mark.model
@pytest.mark.django_db
def test_the_match_api_answers_429_with_retry_after_past_its_limit(client, catalog, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "match": (2, 60)}

    def post():
        return client.post(
            "/api/v1/match",
            {"text": PROBLEM, "store": False},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="de",
        )

    assert [post().status_code for _ in range(2)] == [200, 200]
    refused = post()
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Zu viele Anfragen. Bitte warten Sie")
    # Another client address has its own budget.
    other = client.post(
        "/api/v1/match",
        {"text": PROBLEM, "store": False},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.20",
    )
    assert other.status_code == 200


@pytest.mark.model
@pytest.mark.django_db
def test_the_start_page_form_answers_429_in_english_past_its_limit(client, catalog, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "match": (1, 60)}
    form = {"text": PROBLEM, "goal": "balanced", "dont_store": "on"}

    assert client.post("/", form).status_code == 200
    refused = client.post("/", form)

    assert refused.status_code == 429
    assert refused["Retry-After"].isdigit()
    assert "Too many requests. Please wait" in refused.content.decode()
    assert client.get("/").status_code == 200  # reading the page is not counted


def test_a_forwarded_address_counts_only_behind_trusted_proxies(rf, settings):
    from core.ratelimit import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "198.51.100.1"  # what our proxy saw; 1.2.3.4 may be forged


PAYLOAD = '<script>alert("x")</script> our invoices are typed by hand'


@pytest.mark.django_db
def test_a_script_in_a_stored_description_is_shown_escaped_on_the_results_page_and_in_admin(
    client, admin_user
):
    submission = make_submission(text=PAYLOAD)
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"

    page = client.get(submission.get_absolute_url()).content.decode()
    assert escaped in page and "<script>alert" not in page

    client.force_login(admin_user)
    for url in (
        "/admin/matching/submission/",
        f"/admin/matching/submission/{submission.pk}/change/",
    ):
        admin_page = client.get(url).content.decode()
        assert "&lt;script&gt;alert(" in admin_page, url
        assert "<script>alert" not in admin_page, url
