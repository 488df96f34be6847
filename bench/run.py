"""`make bench`: latency of encoder, match service and HTTP API; FAISS at scale; re-embedding.

Figures, not a test: every figure is printed with its target and PASS or MISS, and the raw
numbers go to bench/results/latest.json. The run uses a fresh temporary VAR_DIR (SQLite, eager
Celery, index files), so it never touches var/ and needs no services.
`bench/run.py --report-only` sets up the same way and prints only the decision report's figures.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import environment  # noqa: F401  (first: it sets the numeric libraries' threads)
import numpy as np
import scale

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
WARMUP, RUNS = 10, 100
CLIENTS, LOAD_SECONDS = 8, 20.0
READY_SECONDS = 120.0
MATCH = "/api/v1/match"
FAISS_SIZES = (10_000, 100_000, 1_000_000)
FAISS_DIMENSIONS, FAISS_CENTRES, FAISS_QUERIES, K = 384, 1000, 200, 10
# Noise norm about equal to the centre's norm: points of one cluster have cosine ~0.5 with each
# other, roughly what related sentences give with a small sentence encoder.
FAISS_NOISE = 1 / np.sqrt(FAISS_DIMENSIONS)
EXPECTED_INCREMENTAL = 2  # the appended German sentence and the changed English statement

QUERIES = {
    "en": (
        "We are a mid-sized manufacturer of industrial pumps with three plants in Germany. Our "
        "machines often fail without any warning, which stops production lines for hours and "
        "forces us to pay expensive overtime. Maintenance is done on a fixed schedule, so we "
        "replace parts that are still fine while others break early. We want to predict "
        "failures from sensor data."
    ),
    "de": (
        "Wir sind ein mittelständischer Großhändler für Elektrobedarf mit rund zweihundert "
        "Mitarbeitern. Unsere Kundenanfragen kommen per E-Mail, Telefon und Webformular herein "
        "und werden von Hand sortiert, sodass dringende Reklamationen oft tagelang liegen "
        "bleiben. Die Mitarbeiter im Kundenservice beantworten immer wieder dieselben Fragen zu "
        "Lieferzeiten und Rechnungen. Wir möchten die Anfragen automatisch einordnen und die "
        "Bearbeitungszeit verkürzen, ohne mehr Personal einzustellen."
    ),
}


def step(message: str) -> None:
    """Progress on stderr, so a run of several minutes is not silent and stdout stays the report."""
    print(f"... {message}", file=sys.stderr, flush=True)


def set_up(var_dir: Path) -> None:
    """Django on an empty VAR_DIR with the embedded defaults, migrated, with the catalog indexed."""
    sys.path.insert(0, str(ROOT))
    os.environ["VAR_DIR"] = str(var_dir)
    # The embedded default is what is measured: SQLite, eager Celery, index files under VAR_DIR.
    for name in ("INDEX_DIR", "DATABASE_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # INFO lines would bury the figures
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from usecases.services import load_catalog

    load_catalog()  # eager Celery embeds every text and builds the index when this commits


def timed_ms(call: Callable[[], object]) -> list[float]:
    """Milliseconds of RUNS calls, after WARMUP untimed ones that settle caches and lazy loads."""
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def latency(samples: list[float]) -> dict[str, Any]:
    p50, p95 = np.percentile(samples, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95), "samples_ms": samples}


def measure_in_process() -> dict[str, dict[str, Any]]:
    """Encoder alone and the whole match service, per language, on the same query."""
    from matching.encoders import get_encoder
    from matching.services import MAX_TEXT_LENGTH, MatchRequest, match

    figures: dict[str, dict[str, Any]] = {"encoder": {}, "service": {}}
    for language, text in QUERIES.items():
        figures["encoder"][language] = latency(
            timed_ms(partial(get_encoder(language).encode_queries, [text]))
        )
        request = MatchRequest(text=text, store=False)
        detected = match(request).language
        # Otherwise the service would be timed with the other language's encoder.
        if detected != language:
            raise RuntimeError(f"the {language} query was detected as {detected}")
        figures["service"][language] = latency(timed_ms(partial(match, request)))
    # The longest description accepted, in German (the slower encoder): its cost is bounded by
    # cutting what reaches the encoder, not by its length.
    long_text = (QUERIES["de"] + " ") * (MAX_TEXT_LENGTH // len(QUERIES["de"]) + 1)
    figures["long"] = latency(
        timed_ms(partial(match, MatchRequest(text=long_text[:MAX_TEXT_LENGTH], store=False)))
    )
    return figures


def measure_report() -> dict[str, Any]:
    """The decision report (PDF) of a match with every readiness question answered, rendered
    in-process in German and English: what GET /results/<id>/report.pdf spends besides the
    lookup."""
    from django.utils import translation

    from matching.models import Submission
    from matching.readiness import QUESTIONS
    from matching.report import render
    from matching.services import MatchRequest, match

    answers = {q.key: q.options[len(q.options) // 2].value for q in QUESTIONS}
    figures: dict[str, Any] = {}
    for language, text in QUERIES.items():
        result = match(MatchRequest(text=text, top_k=8, store=False, readiness=answers))
        submission = Submission(
            text=text,
            language=result.language,
            goal="balanced",
            value_weight=0.3,
            results=result.results,
            groups=result.groups,
            readiness=answers,
        )
        with translation.override(language):
            figures[language] = {
                **latency(timed_ms(partial(render, submission))),
                "bytes": len(render(submission)),
            }
    return figures


def request(connection: http.client.HTTPConnection, path: str, text: str | None = None) -> None:
    """GET `path`, or POST the query to it; reads the body so the connection can be reused."""
    if text is None:
        connection.request("GET", path)
    else:
        body = json.dumps({"text": text, "store": False})
        connection.request("POST", path, body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise http.client.HTTPException(f"{path} answered {response.status}")


def wait_until_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Return once /healthz answers 200 and a match succeeds; workers load models first."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            request(connection, "/healthz")
            request(connection, MATCH, QUERIES["en"])
            return
        except (OSError, http.client.HTTPException):
            pass  # not listening yet, or the index is still loading
        finally:
            connection.close()
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn was not ready; its log ends with:\n{log.read_text()[-3000:]}")


@contextmanager
def gunicorn(log_dir: Path, tuning: dict[str, str] | None = None) -> Iterator[int]:
    """gunicorn with the project's config on a free port and the same VAR_DIR; yields the port.

    Workers, threads and numeric threads are the production defaults (config/gunicorn.py,
    settings) unless `tuning` sets GUNICORN_WORKERS, GUNICORN_THREADS, OMP_NUM_THREADS, ...
    """
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        **(tuning or {}),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # "-" would mean stdout; a file keeps access logging (and its cost) without the flood.
        "GUNICORN_ACCESS_LOG": str(log_dir / "access.log"),
        # As in production: without DEBUG (which also makes WhiteNoise rescan files per request).
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-used-anywhere-else-0123456789",
        # Plain HTTP on 127.0.0.1, and one client address sending everything: no HTTPS
        # redirect and no rate limit, which would otherwise answer most requests.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "RATE_LIMIT_MATCH": "0",
    }
    log = log_dir / "gunicorn.log"
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py"]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [*command, "config.wsgi"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_ready(port, process, log)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def client(port: int, deadline: float, turn: int) -> tuple[int, int]:
    """One keep-alive client posting EN and DE queries in turn until the deadline: (ok, errors)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    ok = errors = 0
    texts = list(QUERIES.values())
    while time.perf_counter() < deadline:
        try:
            request(connection, MATCH, texts[turn % 2])
            ok += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()  # the next request opens a fresh connection
        turn += 1
    connection.close()
    return ok, errors


def measure_http(log_dir: Path) -> dict[str, Any]:
    """Sequential latency per language, then throughput of CLIENTS concurrent clients."""
    figures: dict[str, Any] = {}
    with gunicorn(log_dir) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for language, text in QUERIES.items():
            figures[language] = latency(timed_ms(partial(request, connection, MATCH, text)))
        connection.close()
        start = time.perf_counter()
        deadline = start + LOAD_SECONDS
        with ThreadPoolExecutor(CLIENTS) as pool:
            outcomes = list(pool.map(partial(client, port, deadline), range(CLIENTS)))
        elapsed = time.perf_counter() - start
    ok, errors = (sum(counts) for counts in zip(*outcomes, strict=True))
    figures["load"] = {"seconds": elapsed, "ok": ok, "errors": errors, "per_second": ok / elapsed}
    return figures


def clustered_vectors(count: int, centres: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """L2-normalised points around random centres, made in chunks to bound temporary memory."""
    vectors = np.empty((count, centres.shape[1]), dtype=np.float32)
    for start in range(0, count, 100_000):
        size = min(100_000, count - start)
        points = centres[rng.integers(0, len(centres), size)]
        points += FAISS_NOISE * rng.standard_normal(points.shape, dtype=np.float32)
        points /= np.linalg.norm(points, axis=1, keepdims=True)
        vectors[start : start + size] = points
    return vectors


def measure_faiss() -> list[dict[str, Any]]:
    """Build time, single-query latency and recall@10 of create_index on synthetic data."""
    import faiss

    from matching.index import create_index, index_type

    rng = np.random.default_rng(7)
    centres = rng.standard_normal((FAISS_CENTRES, FAISS_DIMENSIONS), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    # Drawn like the data but from their own stream, so no query is a data point.
    queries = clustered_vectors(FAISS_QUERIES, centres, np.random.default_rng(8))
    figures = []
    for count in FAISS_SIZES:
        step(f"FAISS, {count:,} vectors")
        vectors = clustered_vectors(count, centres, rng)
        start = time.perf_counter()
        index = create_index(vectors)
        build_seconds = time.perf_counter() - start
        exact = faiss.IndexFlatIP(FAISS_DIMENSIONS)
        exact.add(vectors)
        _, truth = exact.search(queries, K)
        del exact, vectors
        samples, found = [], []
        for row in range(FAISS_QUERIES):
            # One query per call, as the match service searches.
            start = time.perf_counter()
            _, ids = index.search(queries[row : row + 1], K)
            samples.append((time.perf_counter() - start) * 1000)
            found.append(len(set(ids[0]) & set(truth[row])) / K)
        entry = {"vectors": count, "index_type": index_type(index), "build_seconds": build_seconds}
        figures.append({**entry, **latency(samples), "recall_at_10": float(np.mean(found))})
    return figures


def measure_reembed() -> dict[str, Any]:
    """Texts per second of a full re-embed through indexing against bare batch encoding."""
    from django.conf import settings

    from matching.encoders import get_encoder
    from matching.indexing import catalog_texts, rebuild_index, refresh_embeddings
    from matching.models import TextEmbedding
    from usecases.models import UseCase

    published = UseCase.objects.filter(status=UseCase.Status.PUBLISHED)
    use_cases = list(published.prefetch_related("problem_statements"))
    texts: dict[str, list[str]] = defaultdict(list)
    for use_case in use_cases:
        for text in catalog_texts(use_case):
            texts[text.language].append(text.text)
    bare_seconds = {}
    for language, batch in texts.items():
        encoder = get_encoder(language)
        start = time.perf_counter()
        encoder.encode_passages(batch, batch_size=settings.EMBEDDING_BATCH_SIZE)
        bare_seconds[language] = time.perf_counter() - start
    TextEmbedding.objects.all().delete()
    start = time.perf_counter()
    report = refresh_embeddings([use_case.pk for use_case in use_cases])
    reembed_seconds = time.perf_counter() - start
    rebuild_index()  # the index again matches the freshly written vectors
    total = sum(len(batch) for batch in texts.values())
    return {
        "texts": {language: len(batch) for language, batch in texts.items()},
        "bare_seconds": bare_seconds,
        "bare_texts_per_second": total / sum(bare_seconds.values()),
        "reembed_encoded": report.encoded,
        "reembed_seconds": reembed_seconds,
        "reembed_texts_per_second": report.encoded / reembed_seconds,
    }


def measure_incremental() -> dict[str, Any]:
    """Texts encoded after an admin-style edit of one use case, through the production path.

    The saves fire the real signals: the use case is marked stale and refresh_stale_embeddings
    is queued on commit, which eager Celery runs at once (refresh, then index rebuild). Its
    return value is read from Celery's task_success signal, so nothing is patched or bypassed.
    """
    from celery.signals import task_success
    from django.db import transaction

    from usecases.models import UseCase

    refreshes: list[dict[str, int]] = []

    def record(sender: Any, result: dict[str, int], **kwargs: Any) -> None:
        if sender.name == "matching.tasks.refresh_stale_embeddings":
            refreshes.append(result)

    use_case = (
        UseCase.objects.filter(status=UseCase.Status.PUBLISHED, problem_statements__language="en")
        .order_by("pk")
        .first()
    )
    statement = use_case.problem_statements.filter(language="en").first()
    task_success.connect(record)
    try:
        start = time.perf_counter()
        with transaction.atomic():  # one refresh for both edits, as one admin save would give
            use_case.description_de += " Zusätzlich fehlen uns verlässliche Kennzahlen dafür."
            use_case.save()
            statement.text += " This happens every single week."
            statement.save()
        seconds = time.perf_counter() - start
    finally:
        task_success.disconnect(record)
    if len(refreshes) != 1:
        raise RuntimeError(f"expected one automatic refresh, saw {len(refreshes)}")
    return {"use_case": use_case.slug, "seconds_to_new_index": seconds, **refreshes[0]}


def machine() -> dict[str, Any]:
    import faiss
    from django.conf import settings

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "encoder_threads": settings.ENCODER_THREADS,
        "faiss_omp_threads": faiss.omp_get_max_threads(),
        "embedding_models": {"en": settings.EMBEDDING_MODEL, "de": settings.EMBEDDING_MODEL_DE},
        "django_debug": settings.DEBUG,
    }


def rows(results: dict[str, Any]) -> list[dict[str, str]]:
    """One row per figure, with its target and PASS or MISS where there is a target."""
    table: list[dict[str, str]] = []

    def add(figure: str, value: str, target: str = "", passed: bool | None = None) -> None:
        result = "" if passed is None else ("PASS" if passed else "MISS")
        table.append({"figure": figure, "value": value, "target": target, "result": result})

    for language in QUERIES:
        encoder, service, web = (results[part][language] for part in ("encoder", "service", "http"))
        for name, figures in (("encoder", encoder), ("service", service), ("HTTP", web)):
            add(
                f"{name} {language} p50 / p95 ms",
                f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f}",
            )
        ratio = service["p50_ms"] / encoder["p50_ms"]
        # The service encodes the description and, when it has several parts, each part too
        # (to find separate problems), so it costs up to about twice the encoder alone.
        add(f"service/encoder p50 {language}", f"{ratio:.2f}", "<= 2.2", ratio <= 2.2)
        ratio = web["p50_ms"] / service["p50_ms"]
        add(f"HTTP/service p50 {language}", f"{ratio:.2f}", "<= 1.3", ratio <= 1.3)
    for language, figures in results["report"].items():
        p95 = figures["p95_ms"]
        add(
            f"decision report PDF {language} p50 / p95 ms",
            f"{figures['p50_ms']:.0f} / {p95:.0f}",
            "< 1000",
            p95 < 1000,
        )
    long_p50 = results["long"]["p50_ms"]
    add("service de 5,000 chars p50 ms", f"{long_p50:.1f}", "< 500", long_p50 < 500)
    load = results["http"]["load"]
    add(f"HTTP {CLIENTS} clients req/s", f"{load['per_second']:.1f}")
    add("HTTP errors under load", str(load["errors"]), "0", load["errors"] == 0)
    for entry in results["faiss"]:
        label = f"FAISS {entry['vectors']:,} {entry['index_type']}"
        p50, recall = entry["p50_ms"], entry["recall_at_10"]
        add(f"{label} build s", f"{entry['build_seconds']:.1f}")
        if entry["vectors"] == FAISS_SIZES[-1]:  # the targets are set at the largest size
            add(f"{label} p50 ms", f"{p50:.3f}", "< 2", p50 < 2)
            add(f"{label} recall@10", f"{recall:.3f}", ">= 0.95", recall >= 0.95)
        else:
            add(f"{label} p50 ms", f"{p50:.3f}")
            add(f"{label} recall@10", f"{recall:.3f}")
    reembed = results["reembed"]
    bare, full = reembed["bare_texts_per_second"], reembed["reembed_texts_per_second"]
    add("bare batch encoding texts/s", f"{bare:.1f}")
    add("full re-embed texts/s", f"{full:.1f}")
    add("re-embed/bare throughput", f"{full / bare:.2f}", ">= 0.9", full / bare >= 0.9)
    encoded = results["incremental"]["encoded"]
    add("incremental edit: texts encoded", str(encoded), "== 2", encoded == EXPECTED_INCREMENTAL)
    add("incremental edit: s to new index", f"{results['incremental']['seconds_to_new_index']:.2f}")
    for figure, value, target, passed in scale.rows(results["scale"]):
        add(figure, value, target, passed)
    return table


def report(results: dict[str, Any]) -> None:
    """Print the table and write the JSON."""
    info = results["machine"]
    words = ", ".join(f"{lang} {len(text.split())} words" for lang, text in QUERIES.items())
    print("make bench")
    print(
        f"{results['timestamp']}  {info['cpus']} CPUs  Python {info['python']}  "
        f"encoder threads {info['encoder_threads']}  faiss threads {info['faiss_omp_threads']}\n"
        f"other processes used {info['other_cpu_seconds']:.0f} CPU seconds during the run "
        f"({info['other_cpu_share']:.0%} of the machine): figures are only comparable near 0\n"
        f"catalog texts {results['reembed']['texts']}; queries {words}; "
        f"{WARMUP} warm-up + {RUNS} timed calls each\n"
        f"load: {CLIENTS} keep-alive clients for {LOAD_SECONDS:.0f} s, EN/DE alternating\n"
        f"FAISS: synthetic clustered data ({FAISS_CENTRES} gaussian centres + noise, "
        f"{FAISS_DIMENSIONS}-d, normalised), {FAISS_QUERIES} queries one at a time, k={K}\n"
    )
    results["table"] = rows(results)
    print(f"{'figure':<38} {'value':>15}  {'target':<8} result")
    for row in results["table"]:
        print(f"{row['figure']:<38} {row['value']:>15}  {row['target']:<8} {row['result']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nraw figures: {RESULTS.relative_to(ROOT)}")


def cpu_seconds() -> tuple[float, float, float]:
    """Wall clock, busy CPU seconds of the whole machine, and of this run (with waited children)."""
    with open("/proc/stat") as stat:
        ticks = [int(field) for field in stat.readline().split()[1:9]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle and iowait
    return time.monotonic(), busy, sum(os.times()[:4])


def main() -> None:
    # The machine may be shared; CPU others use meanwhile skews every figure, so it is reported.
    started = cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        var_dir = Path(directory)
        step("migrating and loading the catalog into a fresh VAR_DIR (embeds every text)")
        set_up(var_dir)
        results: dict[str, Any] = {"timestamp": datetime.now(UTC).isoformat(timespec="seconds")}
        step("decision report (PDF)")
        results["report"] = measure_report()
        if "--report-only" in sys.argv:
            for language, figures in results["report"].items():
                print(
                    f"decision report PDF {language}: p50 {figures['p50_ms']:.0f} ms, "
                    f"p95 {figures['p95_ms']:.0f} ms, {figures['bytes']:,} bytes"
                )
            return
        step("encoder and match service in-process")
        results.update(measure_in_process())
        step("HTTP through gunicorn (sequential, then concurrent load)")
        results["http"] = measure_http(var_dir)
        results["faiss"] = measure_faiss()
        step("bare batch encoding, then full re-embed")
        results["reembed"] = measure_reembed()
        step("incremental edit")
        results["incremental"] = measure_incremental()
        # Last: it grows the catalog to 10,000 use cases, which every figure above would feel.
        step(f"scale simulation: {scale.USE_CASES:,} use cases (generated, not committed)")
        results["scale"] = scale.measure_scale(var_dir)
        wall, busy, own = (end - start for end, start in zip(cpu_seconds(), started, strict=True))
        results["machine"] = machine()
        results["machine"]["other_cpu_seconds"] = busy - own
        results["machine"]["other_cpu_share"] = (busy - own) / (wall * (os.cpu_count() or 1))
        report(results)


if __name__ == "__main__":
    main()
