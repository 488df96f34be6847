"""The production settings load with every variable of `.env.example` set, mail, cache and
proxies included, so a typo in a branch no default run takes fails CI instead of a deployment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Read in a fresh interpreter: the settings module runs once per process.
PROBE = """
import json
import django
django.setup()
from django.conf import settings
import config.gunicorn as gunicorn
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_HOST": settings.EMAIL_HOST,
    "EMAIL_PORT": settings.EMAIL_PORT,
    "EMAIL_HOST_USER": settings.EMAIL_HOST_USER,
    "EMAIL_USE_TLS": settings.EMAIL_USE_TLS,
    "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"]["LOCATION"],
    "SECURE_PROXY_SSL_HEADER": (
        list(settings.SECURE_PROXY_SSL_HEADER) if settings.SECURE_PROXY_SSL_HEADER else None
    ),
    "TRUSTED_PROXY_COUNT": settings.TRUSTED_PROXY_COUNT,
    "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "GUNICORN_WORKERS": gunicorn.workers,
}))
"""


def example_environment() -> dict[str, str]:
    """Every `NAME=value` line of .env.example, commented or not, with its example value."""
    variables = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        found = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*)$", line)
        if found:
            # "redis://redis:6379/0     (unset: ...)": the note after the value is not part of it
            value = re.split(r"\s{2,}\(", found.group(2))[0].strip()
            variables[found.group(1)] = value
    return variables


def run_probe(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in example_environment() and not name.startswith("DJANGO_")
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**inherited, **environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(environment: dict[str, str]) -> dict:
    result = run_probe(environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def example(tmp_path) -> dict[str, str]:
    environment = example_environment()
    # The example's paths belong to a production host; the values are what is being checked.
    environment["VAR_DIR"] = str(tmp_path / "var")
    environment["INDEX_DIR"] = str(tmp_path / "var" / "index")
    return environment


def test_it_loads_with_every_variable_of_the_example_set_as_written(example):
    assert {"EMAIL_HOST", "EMAIL_PORT", "CACHE_URL", "TRUSTED_PROXY_COUNT"} <= set(example)

    loaded = load_settings(example)

    assert loaded["DEBUG"] is False
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["EMAIL_HOST"] == example["EMAIL_HOST"]
    assert loaded["EMAIL_PORT"] == int(example["EMAIL_PORT"])
    assert loaded["EMAIL_HOST_USER"] == example["EMAIL_HOST_USER"]
    assert loaded["EMAIL_USE_TLS"] is True
    assert loaded["DEFAULT_FROM_EMAIL"] == example["DEFAULT_FROM_EMAIL"]
    assert loaded["CACHE_BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert loaded["CACHE_LOCATION"] == example["CACHE_URL"]
    assert loaded["DATABASE_ENGINE"] == "django.db.backends.postgresql"
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert loaded["GUNICORN_WORKERS"] == int(example["GUNICORN_WORKERS"])
    # The example documents the proxy options at their defaults: off.
    assert loaded["SECURE_PROXY_SSL_HEADER"] is None
    assert loaded["TRUSTED_PROXY_COUNT"] == 0


def test_it_loads_with_the_proxy_options_of_the_example_switched_on(example):
    example["DJANGO_SECURE_PROXY_SSL_HEADER"] = "true"
    example["TRUSTED_PROXY_COUNT"] = "2"

    loaded = load_settings(example)

    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["TRUSTED_PROXY_COUNT"] == 2


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("EMAIL_PORT", "70000", "EMAIL_PORT=70000 is above the maximum 65535"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT='smtp' is not an integer"),
        ("EMAIL_USE_TLS", "maybe", "EMAIL_USE_TLS='maybe' is not a boolean"),
    ],
)
def test_it_refuses_a_mail_setting_it_cannot_use_with_a_clear_message(
    example, name, value, complaint
):
    example[name] = value

    result = run_probe(example)

    assert result.returncode != 0
    assert complaint in result.stderr
