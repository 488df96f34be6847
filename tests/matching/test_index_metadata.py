"""Index metadata carries a format version and is validated on every read: a damaged or
outdated cache file is never served; the version is built from the stored vectors instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.db import connection

from matching import indexing
from matching.index import FORMAT_VERSION, IndexUnavailable, read_snapshot, store, version_directory
from matching.models import IndexBuild
from tests.factories import make_use_case
from tests.matching.test_celery_redis import wait_for
from tests.matching.test_failure_behaviour import free_port

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = "We type every supplier invoice into our ERP system by hand."
DAMAGED_METADATA = {
    "empty object": "{}",
    "not JSON": "{'language': ",
    "older format": None,  # the real file with format 1
    "rows disagree": None,  # the real file with one text missing
}


def damage(directory: Path, how: str) -> None:
    path = directory / "en.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    if how == "older format":
        meta["format"] = FORMAT_VERSION - 1
        path.write_text(json.dumps(meta), encoding="utf-8")
    elif how == "rows disagree":
        meta["texts"] = meta["texts"][:-1]
        path.write_text(json.dumps(meta), encoding="utf-8")
    else:
        path.write_text(DAMAGED_METADATA[how], encoding="utf-8")


@pytest.mark.model
@pytest.mark.django_db
@pytest.mark.parametrize("how", sorted(DAMAGED_METADATA))
def test_damaged_metadata_is_never_read_and_the_version_is_built_from_stored_vectors(
    client, catalog, own_index_dir, how
):
    build = indexing.rebuild_index()
    damage(version_directory(build.version), how)
    store.reset()

    with pytest.raises(
        IndexUnavailable, match=f"index version {build.version} cannot be read|disagrees"
    ):
        read_snapshot(build.version)
    assert not indexing.index_needs_rebuild()  # the files are a cache, the database is intact

    response = client.post("/api/v1/match", {"text": PROBLEM}, content_type="application/json")
    assert response.status_code == 200
    assert store.current().version == build.version
    assert store.current().size == build.vectors
    assert IndexBuild.objects.latest("version").version == build.version  # no repair needed


@pytest.mark.postgres  # gunicorn is another process and must see the test's database
@pytest.mark.model
@pytest.mark.django_db(transaction=True)
def test_a_gunicorn_worker_boots_on_empty_metadata_and_serves_from_stored_vectors(
    own_index_dir, tmp_path
):
    # Two small use cases of its own: a transactional test cannot rely on the session's catalog.
    make_use_case(title_en="Supplier invoices typed by hand", title_de="Rechnungen abtippen")
    make_use_case()
    build = indexing.rebuild_index()
    (version_directory(build.version) / "en.json").write_text("{}", encoding="utf-8")
    port = free_port()
    database = connection.settings_dict
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "INDEX_DIR": str(own_index_dir),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "CELERY_BROKER_URL": "",
    }
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        answers: list[int] = []

        def served() -> bool:
            assert server.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                response = requests.post(
                    f"http://127.0.0.1:{port}/api/v1/match", json={"text": PROBLEM}, timeout=30
                )
            except requests.ConnectionError:
                return False
            answers.append(response.status_code)
            return response.status_code == 200

        wait_for(served, 180, "gunicorn to answer a match")
        assert set(answers) == {200}  # the worker loaded the index before its first request
        assert "Worker failed to boot" not in log.read_text(errors="replace")
        assert f"ignoring the cache of index v{build.version}" in log.read_text(errors="replace")
        assert IndexBuild.objects.latest("version").version == build.version
    finally:
        server.terminate()
        server.wait(timeout=30)
