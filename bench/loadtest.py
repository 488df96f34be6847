"""`make loadtest`: simulated users against gunicorn, then the same while the index is rebuilt.

Figures, not a test. The script prepares a fresh temporary VAR_DIR (SQLite, eager Celery, the
real catalog embedded and indexed, as `make bench` does), starts gunicorn on 127.0.0.1 with the
production config, and runs USERS threads for SECONDS each phase. A user opens the start page,
submits the form (stored or not), reads its results, calls the match API in English or German,
and browses clusters and use cases, pausing between steps as a person would.

Phase 2 repeats the load while this process rebuilds the index in a loop and publishes a new use
case half-way: every response must stay error-free, and once the new use case's index version is
built, web workers must find it within INDEX_VERSION_CHECK_SECONDS and never lose it again (a
worker answering from an older index would be a stale result).

    .venv/bin/python bench/loadtest.py [--users 20] [--seconds 60]

`--compare 2x4:2,4x2:1` instead runs phase 1 only, once per gunicorn set-up (workers x threads :
numeric threads per process, i.e. OMP_NUM_THREADS and ENCODER_THREADS), and prints one line each:
how the production defaults in config/gunicorn.py and config/__init__.py were chosen.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import environment  # noqa: F401  (first: it sets the numeric libraries' threads)
import numpy as np
from run import QUERIES, cpu_seconds, gunicorn, set_up, step, timed_ms

NEW_USE_CASE_TITLE = "Beekeeping hive health monitor"
NEW_USE_CASE_QUERY = "Our beekeepers want to know early when a bee hive gets sick."
THINK_SECONDS = (0.2, 1.0)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROBLEMS = [
    "We type every supplier invoice into our ERP system by hand and it takes days.",
    "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht still.",
    "Our customer service answers the same questions about delivery times all day.",
    "Wir planen die Touren unserer Lieferwagen von Hand und fahren oft halb leer.",
]


@dataclass
class Recorder:
    """Latency and outcome of every request, by endpoint label; shared by the user threads."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Shares of the machine's CPU time over the run: busy in all, and used by this script.
    machine_busy: float = 0.0
    script_busy: float = 0.0

    def record(self, label: str, milliseconds: float, problem: str | None) -> None:
        with self.lock:
            self.samples[label].append(milliseconds)
            if problem:
                self.errors[label].append(problem)


class User:
    """One simulated company manager with a keep-alive connection and a CSRF cookie."""

    def __init__(self, port: int, recorder: Recorder, rng: random.Random) -> None:
        self.port, self.recorder, self.rng = port, recorder, rng
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def call(
        self,
        label: str,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, dict[str, str], str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.recorder.record(label, (time.perf_counter() - start) * 1000, repr(exc))
            self.connection.close()
            return 0, {}, ""
        elapsed = (time.perf_counter() - start) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        problem = None if response.status in expect else f"HTTP {response.status}"
        self.recorder.record(label, elapsed, problem)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def think(self) -> None:
        time.sleep(self.rng.uniform(*THINK_SECONDS))

    def visit(self, slugs: dict[str, list[str]]) -> None:
        """One pass through the site, as a company manager would click it."""
        status, _, page = self.call("GET /", "GET", "/")
        self.think()
        token = CSRF_INPUT.search(page)
        if status == 200 and token:
            form = {"text": self.rng.choice(PROBLEMS), "goal": "balanced"}
            if self.rng.random() < 0.5:
                form["dont_store"] = "on"
            status, headers, _ = self.call(
                "POST / (form)",
                "POST",
                "/",
                urllib.parse.urlencode(form).encode(),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": token.group(1),
                    "Referer": f"http://127.0.0.1:{self.port}/",
                },
                expect=(200, 302),
            )
            if status == 302:
                self.think()
                self.call("GET /results/<id>/", "GET", headers["location"])
        self.think()
        language = self.rng.choice(("en", "de"))
        self.call(
            f"POST /api/v1/match ({language})",
            "POST",
            "/api/v1/match",
            json.dumps({"text": QUERIES[language], "store": False}).encode(),
            {"Content-Type": "application/json"},
        )
        self.think()
        self.call("GET /clusters/", "GET", "/clusters/")
        self.think()
        self.call("GET /clusters/<slug>/", "GET", f"/clusters/{self.rng.choice(slugs['c'])}/")
        self.think()
        self.call("GET /use-cases/<slug>/", "GET", f"/use-cases/{self.rng.choice(slugs['u'])}/")
        self.think()


def run_users(port: int, users: int, seconds: float, slugs: dict[str, list[str]]) -> Recorder:
    recorder = Recorder()
    deadline = time.monotonic() + seconds

    def loop(number: int) -> None:
        user = User(port, recorder, random.Random(number))
        while time.monotonic() < deadline:
            user.visit(slugs)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(users)]
    started = cpu_seconds()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, busy, own = (end - start for end, start in zip(cpu_seconds(), started, strict=True))
    available = wall * (os.cpu_count() or 1)
    recorder.machine_busy, recorder.script_busy = busy / available, own / available
    return recorder


def report(title: str, recorder: Recorder, seconds: float, encoder_p95: dict[str, float]) -> None:
    total = sum(len(s) for s in recorder.samples.values())
    failed = sum(len(e) for e in recorder.errors.values())
    print(f"\n## {title}")
    print(f"requests {total}, errors {failed} ({100 * failed / max(total, 1):.2f} %), ", end="")
    print(f"{total / seconds:.1f} requests/s")
    print(
        f"CPU busy {100 * recorder.machine_busy:.0f} % of {os.cpu_count()} cores, of which this "
        f"script (users and index rebuilds) {100 * recorder.script_busy:.0f} %"
    )
    print(f"{'endpoint':<28} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for label in sorted(recorder.samples):
        samples = recorder.samples[label]
        p50, p95 = np.percentile(samples, [50, 95])
        print(
            f"{label:<28} {len(samples):>6} {len(recorder.errors[label]):>6} "
            f"{p50:>8.1f} {p95:>8.1f}"
        )
    for language, p95 in encoder_p95.items():
        label = f"POST /api/v1/match ({language})"
        if recorder.samples.get(label):
            match_p95 = np.percentile(recorder.samples[label], 95)
            print(f"match p95 ({language}) {match_p95:.1f} ms vs encoder alone p95 {p95:.1f} ms")
    for label, problems in recorder.errors.items():
        if problems:
            print(f"  {label}: {sorted(set(problems))[:5]}")


def encoder_only_p95() -> dict[str, float]:
    """p95 of encoding one query in this process, the floor under any match's latency."""
    from matching.encoders import get_encoder

    return {
        language: float(
            np.percentile(timed_ms(partial(get_encoder(language).encode_queries, [text])), 95)
        )
        for language, text in QUERIES.items()
    }


class IndexChurn(threading.Thread):
    """Rebuilds the index in a loop; half-way, publishes a use case and notes its index version."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.builds = 0
        self.published_version: int | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from matching.indexing import rebuild_index

        started = time.monotonic()
        try:
            while not self.stop.is_set():
                if self.published_version is None and time.monotonic() - started > self.seconds / 2:
                    self.published_version = publish_new_use_case()
                rebuild_index()
                self.builds += 1
                time.sleep(0.5)
        finally:
            connection.close()


def publish_new_use_case() -> int:
    """A use case with its own wording, embedded and indexed at once (eager Celery)."""
    from matching.models import IndexBuild
    from usecases.models import Cluster, ProblemStatement, UseCase

    use_case = UseCase.objects.create(
        slug="beekeeping-hive-health-monitor",
        cluster=Cluster.objects.order_by("ordering").first(),
        title_en=NEW_USE_CASE_TITLE,
        title_de="Gesundheitsmonitor für Bienenstöcke",
        summary_en="Sensors and sound analysis warn beekeepers when a hive gets sick.",
        summary_de="Sensoren und Geräuschanalyse warnen Imker, wenn ein Bienenvolk erkrankt.",
        description_en="Hive scales, temperature and sound sensors report every hour.",
        description_de="Stockwaagen, Temperatur- und Geräuschsensoren melden sich stündlich.",
        data_needed_en="Sensor readings per hive.",
        data_needed_de="Sensordaten je Bienenstock.",
        effort=UseCase.Effort.MEDIUM,
        status=UseCase.Status.PUBLISHED,
    )
    ProblemStatement.objects.create(
        use_case=use_case, language="en", text="Our bee hives die before we notice a disease."
    )
    return IndexBuild.objects.latest("version").version


def check_freshness(port: int, churn: IndexChurn, deadline: float) -> dict[str, object]:
    """Ask for the new use case until the end; it must appear and then always be found."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    found_at: float | None = None
    published_at: float | None = None
    lost_after_found = 0
    checks = 0
    body = json.dumps({"text": NEW_USE_CASE_QUERY, "store": False, "lang": "en"})
    while time.monotonic() < deadline:
        if churn.published_version is None:
            time.sleep(0.2)
            continue
        published_at = published_at or time.monotonic()
        connection.request("POST", "/api/v1/match", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        results = json.loads(response.read())["results"] if response.status == 200 else []
        titles = [r["use_case"]["title"] for r in results]
        checks += 1
        if NEW_USE_CASE_TITLE in titles[:3]:
            found_at = found_at or time.monotonic()
        elif found_at is not None:
            lost_after_found += 1
        time.sleep(0.25)
    connection.close()
    return {
        "checks": checks,
        "seconds_until_found": None if found_at is None else found_at - published_at,
        "stale_answers_after_found": lost_after_found,
    }


def tuning(spec: str) -> dict[str, str]:
    """ "2x4:1" -> 2 gunicorn workers, 4 threads each, 1 numeric thread per process."""
    processes, _, numeric = spec.partition(":")
    workers, _, threads = processes.partition("x")
    return {
        "GUNICORN_WORKERS": workers,
        "GUNICORN_THREADS": threads,
        "OMP_NUM_THREADS": numeric,
        "ENCODER_THREADS": numeric,
    }


def compare(var_dir: Path, specs: list[str], users: int, seconds: float, slugs) -> None:
    """Phase 1 once per set-up; one line each with the match latencies that decide."""
    print(f"\n## {users} users, {seconds:.0f} s per set-up (workers x threads : numeric threads)")
    print(f"{'set-up':<8} {'req/s':>6} {'errors':>6}  match p50 / p95 ms EN    DE")
    for spec in specs:
        step(f"set-up {spec}")
        with gunicorn(var_dir, tuning(spec)) as port:
            recorder = run_users(port, users, seconds, slugs)
        total = sum(len(samples) for samples in recorder.samples.values())
        errors = sum(len(problems) for problems in recorder.errors.values())
        figures = [
            np.percentile(recorder.samples[f"POST /api/v1/match ({language})"], [50, 95])
            for language in ("en", "de")
        ]
        print(
            f"{spec:<8} {total / seconds:>6.1f} {errors:>6}  "
            + "   ".join(f"{p50:6.1f} / {p95:6.1f}" for p50, p95 in figures)
            + f"   CPU busy {100 * recorder.machine_busy:.0f} % (this script "
            + f"{100 * recorder.script_busy:.0f} %)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--compare", help="comma-separated set-ups, e.g. 2x4:2,4x2:1")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ucm-loadtest-") as temporary:
        var_dir = Path(temporary)
        step("preparing a fresh database and index (embeds the whole catalog)")
        set_up(var_dir)
        from django.conf import settings

        from usecases.models import Cluster, UseCase

        slugs = {
            "c": list(Cluster.objects.values_list("slug", flat=True)),
            "u": list(UseCase.objects.published().values_list("slug", flat=True)),
        }
        if args.compare:
            compare(var_dir, args.compare.split(","), args.users, args.seconds, slugs)
            return
        step("encoder alone, in this process")
        encoder_p95 = encoder_only_p95()
        with gunicorn(var_dir) as port:
            step(f"phase 1: {args.users} users for {args.seconds:.0f} s")
            steady = run_users(port, args.users, args.seconds, slugs)
            report(f"{args.users} users, {args.seconds:.0f} s", steady, args.seconds, encoder_p95)

            step("phase 2: the same while the index is rebuilt in a loop")
            churn = IndexChurn(args.seconds)
            churn.start()
            freshness: dict[str, object] = {}
            checker = threading.Thread(
                target=lambda: freshness.update(
                    check_freshness(port, churn, time.monotonic() + args.seconds)
                )
            )
            checker.start()
            busy = run_users(port, args.users, args.seconds, slugs)
            checker.join()
            churn.stop.set()
            churn.join()
            report(
                f"{args.users} users, {args.seconds:.0f} s, index rebuilt {churn.builds} times",
                busy,
                args.seconds,
                encoder_p95,
            )
            print(
                f"new use case (index v{churn.published_version}): found after "
                f"{freshness['seconds_until_found']:.1f} s "
                f"(version check every {settings.INDEX_VERSION_CHECK_SECONDS:.0f} s), "
                f"{freshness['stale_answers_after_found']} stale answers in "
                f"{freshness['checks']} checks after that"
                if freshness.get("seconds_until_found") is not None
                else f"new use case NOT found in {freshness.get('checks')} checks"
            )


if __name__ == "__main__":
    sys.exit(main())
