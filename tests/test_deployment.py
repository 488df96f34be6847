"""The deployment files say what docs/deploy.md promises (no Docker engine runs in CI)."""

from __future__ import annotations

import configparser
import importlib.util
from pathlib import Path

import pytest
import yaml
from gunicorn.config import Config

from matching import encoders
from matching.encoders import model_name_for
from tests.fake_encoder import FakeEncoder, load_fake_encoder
from usecases.vocabularies import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.py"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_runs_web_worker_beat_database_and_redis_with_restarts(compose):
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert all(service["restart"] == "unless-stopped" for service in services.values())
    assert {"web", "worker", "db", "redis"} <= {
        name for name, service in services.items() if "healthcheck" in service
    }
    assert set(compose["volumes"]) == {"postgres", "redis"}


def test_the_application_reads_secrets_from_the_env_file_and_shares_no_volume(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["env_file"] == ".env"
        assert service["environment"]["CACHE_URL"].startswith("redis://redis:6379/")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        # The index comes from PostgreSQL: no volume shared between containers or machines.
        assert not services[name].get("volumes")
    assert "${POSTGRES_PASSWORD" in services["db"]["environment"]["POSTGRES_PASSWORD"]


def gunicorn_settings(monkeypatch, **environment: str) -> Config:
    """config/gunicorn.py read as gunicorn reads it: executed as a module, then each setting
    set on gunicorn's own Config, which validates it (a hook must take the worker)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_settings", GUNICORN_CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = Config()
    for name, value in vars(module).items():
        if name in config.settings:
            config.set(name, value)
    return config


@pytest.mark.django_db  # the worker also looks up the index version to serve
def test_gunicorn_loads_models_in_each_worker_after_the_fork(compose, monkeypatch):
    command = compose["services"]["web"]["command"]
    assert "gunicorn -c config/gunicorn.py config.wsgi" in command
    assert "--preload" not in command
    loaded: list[str] = []

    def load_encoder(name: str) -> FakeEncoder:
        loaded.append(name)
        return load_fake_encoder(name)

    monkeypatch.setattr(encoders, "load_encoder", load_encoder)

    config = gunicorn_settings(monkeypatch, GUNICORN_WORKERS="3")

    assert config.preload_app is False  # the app, and so OpenMP, is loaded in each worker
    assert config.workers == 3
    assert config.threads == 2  # the measured default (bench/loadtest.py --compare)
    assert not loaded  # reading the settings loads nothing (that would be the master)
    config.post_worker_init(object())  # what gunicorn calls in a worker after the fork
    assert sorted(loaded) == sorted({model_name_for(language) for language in LANGUAGES})


def test_the_image_checks_its_models_load_offline_at_build_time():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "HF_HUB_OFFLINE=1" in dockerfile
    assert "get_encoder(language).encode_queries" in dockerfile
    assert "--preload" not in dockerfile


@pytest.mark.parametrize("unit", ["web", "worker", "beat"])
def test_systemd_units_run_the_same_processes_without_docker(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(ROOT / "deploy" / "systemd" / f"usecase-matcher-{unit}.service")
    service = parser["Service"]
    assert service["EnvironmentFile"] == "/etc/usecase-matcher/env"
    assert service["Restart"] in {"always", "on-failure"}
    assert service["User"] == "matcher"
    assert {"web": "gunicorn", "worker": "celery", "beat": "celery"}[unit] in service["ExecStart"]


def test_the_procfile_names_the_same_three_processes():
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    processes = dict(line.split(":", 1) for line in lines if line and not line.startswith("#"))
    assert set(processes) == {"release", "web", "worker", "beat"}
    assert "gunicorn -c config/gunicorn.py config.wsgi" in processes["web"]
