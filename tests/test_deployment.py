"""The deployment files say what docs/deploy.md promises (no Docker engine runs in CI)."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


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


def test_gunicorn_loads_models_after_the_fork(compose):
    command = compose["services"]["web"]["command"]
    assert "gunicorn -c config/gunicorn.py config.wsgi" in command
    assert "--preload" not in command
    gunicorn_config = (ROOT / "config" / "gunicorn.py").read_text(encoding="utf-8")
    assert "preload_app = False" in gunicorn_config
    assert 'os.environ.get("GUNICORN_WORKERS"' in gunicorn_config


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
