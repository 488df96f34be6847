"""Web processes share nothing but PostgreSQL: each builds the newest index version from the
stored vectors, in the background, and answers from the version it holds until then."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.db import connection

from matching.models import IndexBuild
from tests.conftest import ensure_catalog
from tests.matching.test_celery_redis import wait_for
from tests.matching.test_failure_behaviour import free_port
from usecases.models import ProblemStatement, UseCase

pytestmark = [
    pytest.mark.postgres,  # the web processes are other processes on the test's database
    pytest.mark.model,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
SLUG = "machine-failure-early-warning-sensor-data"
NEW_STATEMENT = "Our glassblowers keep cracking the quartz flasks while annealing them overnight."


@dataclass
class WebProcess:
    """gunicorn with the production config and an index directory of its own, as on a machine
    of its own; no broker, so nothing it does depends on a worker."""

    name: str
    index_dir: Path
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        database = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
            "INDEX_DIR": str(self.index_dir),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            "CELERY_BROKER_URL": "",
            "RATE_LIMIT_MATCH": "0",  # the pollers ask without pause from one address
        }
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def match(self, text: str) -> requests.Response:
        assert self.process is not None and self.process.poll() is None, self.tail()
        return requests.post(
            f"http://127.0.0.1:{self.port}/api/v1/match",
            json={"text": text, "top_k": 10, "store": False},
            timeout=60,
        )

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def two_machines(tmp_path) -> Iterator[tuple[WebProcess, WebProcess]]:
    web = tuple(
        WebProcess(name, tmp_path / f"index-{name}", tmp_path / f"{name}.log")
        for name in ("a", "b")
    )
    for process in web:
        process.start()
    yield web  # type: ignore[misc]
    for process in web:
        process.stop()


def shows_the_edit(response: requests.Response) -> bool:
    return any(
        NEW_STATEMENT in result["matched_on"]
        for result in response.json()["results"]
        if result["use_case"]["slug"] == SLUG
    )


@dataclass
class Poller:
    """Asks one web process the same question without pause, recording every answer."""

    web: WebProcess
    answers: list[tuple[float, int, bool]] = field(default_factory=list)  # time, status, edited
    failures: list[str] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.done.is_set():
            try:
                response = self.web.match(NEW_STATEMENT)
            except Exception as exc:  # reported to the test, which fails on any
                self.failures.append(repr(exc))
                continue
            edited = response.status_code == 200 and shows_the_edit(response)
            self.answers.append((time.monotonic(), response.status_code, edited))

    def first_edited_at(self) -> float | None:
        return next((at for at, _, edited in self.answers if edited), None)


def test_two_web_processes_with_their_own_index_directories_answer_with_an_edit_and_never_fail(
    own_index_dir, two_machines
):
    ensure_catalog()  # committed: the web processes read it from the same database
    for web in two_machines:
        wait_for(lambda web=web: web.match(NEW_STATEMENT).status_code == 200, 240, web.name)
        assert not shows_the_edit(web.match(NEW_STATEMENT))
    pollers = [Poller(web) for web in two_machines]
    threads = [threading.Thread(target=poller.run) for poller in pollers]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: all(len(p.answers) >= 3 for p in pollers), 60, "answers before the edit")
        version_before = IndexBuild.objects.latest("version").version

        # This test process is the third machine: the edit embeds here (eagerly, no broker) and
        # writes its index files to its own directory, which neither web process can see.
        edited_at = time.monotonic()
        ProblemStatement.objects.create(
            use_case=UseCase.objects.get(slug=SLUG), language="en", text=NEW_STATEMENT
        )
        assert IndexBuild.objects.latest("version").version > version_before

        wait_for(lambda: all(p.first_edited_at() for p in pollers), 60, "both to show the edit")
        time.sleep(1)  # and a few answers more after the swap
    finally:
        for poller in pollers:
            poller.done.set()
        for thread in threads:
            thread.join(timeout=90)

    for poller in pollers:
        assert not poller.failures, (poller.failures, poller.web.tail())
        statuses = {status for _, status, _ in poller.answers}
        assert statuses == {200}, (statuses, poller.web.tail())
        edited = [edited for _, _, edited in poller.answers]
        first = edited.index(True)
        assert first > 0, "the process answered before the edit, too"
        assert all(edited[first:]), "once it shows the edit, it never answers from an older index"
        seconds = poller.first_edited_at() - edited_at  # type: ignore[operator]
        print(f"web {poller.web.name}: the edit answered {seconds:.1f} s after the save")
        assert not list(poller.web.index_dir.glob("v*")), "web processes write no index files"
        log = poller.web.log.read_text(errors="replace")  # the whole log: the tail is access lines
        assert "from" in log and "stored vectors" in log
