"""Scale simulation for `make bench`: the catalog grown to 10,000 use cases with generated texts.

Figures, not a test. Each synthetic use case copies the shape of a random real one (its number
of texts per kind and language, their lengths in words); its texts are words drawn from the real
catalog's vocabulary of that language, and its vectors are the real texts' vectors plus noise
(cosine about 0.9 with the original), normalised. So the index, the BM25 vocabulary and the
centroids have the real catalog's structure at 100 times its size; nothing is committed.

Embedding all of it would take hours on two cores, so the full embedding time is extrapolated
from the measured throughput on a sample of the generated texts (said so in the report). The
index build is measured twice: by a worker (`rebuild_index`: reads the stored vectors, writes
the files) and by a fresh web process with an empty INDEX_DIR (builds in memory from the
database), which also reports its memory and the match p50 next to the same figures for the real
catalog.

    .venv/bin/python bench/scale.py            # alone, on a fresh temporary VAR_DIR
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import environment  # noqa: F401  (first: it sets the numeric libraries' threads)
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
USE_CASES = 10_000
SAMPLE_TEXTS = 300  # per language, for the embedding throughput
NOISE = 0.5  # norm of the noise relative to the unit vector: cosine ~0.89 with the original
# Fewer calls than the other figures: a match at 10,000 use cases takes seconds on this machine.
PROCESS_WARMUP, PROCESS_RUNS = 2, 15
WORD = re.compile(r"\w+", re.UNICODE)


def measure_process(var_dir: Path) -> dict[str, Any]:
    """A web process as gunicorn starts one, with its own empty INDEX_DIR: load both encoders,
    build the newest index version from the database, then time the match service."""
    with tempfile.TemporaryDirectory(prefix="scale-index-") as index_dir:
        env = {**os.environ, "VAR_DIR": str(var_dir), "INDEX_DIR": index_dir}
        for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
            env.pop(name, None)
        output = subprocess.run(
            [sys.executable, str(Path(__file__)), "--measure-process"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(output.stdout.strip().splitlines()[-1])


def _process_figures() -> None:
    """Runs inside the child process started by `measure_process`; prints one JSON line."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from run import QUERIES

    from matching.encoders import get_encoder
    from matching.index import store
    from matching.services import MatchRequest, match

    for language in QUERIES:
        get_encoder(language).encode_queries(["warm up"])
    models_rss = _rss_mb()
    start = time.perf_counter()
    snapshot = store.current()  # no files in INDEX_DIR: built from the stored vectors
    build_seconds = time.perf_counter() - start
    p50 = {}
    for language, text in QUERIES.items():
        request = MatchRequest(text, language=language, store=False)
        samples = []
        for run in range(PROCESS_WARMUP + PROCESS_RUNS):
            start = time.perf_counter()
            match(request)
            if run >= PROCESS_WARMUP:
                samples.append((time.perf_counter() - start) * 1000)
        p50[language] = float(np.percentile(samples, 50))
    print(
        json.dumps(
            {
                "vectors": snapshot.size,
                "use_cases": len(
                    set().union(*(p.use_case_ids.tolist() for p in snapshot.parts.values()))
                ),
                "build_seconds": build_seconds,
                "rss_models_mb": models_rss,
                "rss_mb": _rss_mb(),
                "peak_rss_mb": _rss_mb("VmHWM"),
                "match_p50_ms": p50,
            }
        )
    )


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def generate(use_cases: int, rng: random.Random) -> dict[str, Any]:
    """Insert `use_cases` published synthetic use cases with their stored vectors; returns the
    generated texts per language (for the embedding sample) and the insert time."""
    from django.db import transaction

    from matching.models import TextEmbedding
    from usecases.models import Cluster, UseCase

    templates: dict[int, list[tuple[str, str, int, str, np.ndarray, str]]] = defaultdict(list)
    vocabulary: dict[str, list[str]] = defaultdict(list)
    for row in TextEmbedding.objects.values_list(
        "use_case_id", "kind", "language", "position", "text", "vector", "model_name"
    ):
        use_case_id, kind, language, position, text, vector, model = row
        vector = np.frombuffer(bytes(vector), dtype=np.float32)
        templates[use_case_id].append((kind, language, position, text, vector, model))
        vocabulary[language].extend(w for w in WORD.findall(text) if len(w) > 2)
    template_ids = sorted(templates)
    clusters = list(Cluster.objects.all())
    noise_rng = np.random.default_rng(7)
    texts: dict[str, list[str]] = defaultdict(list)
    start = time.perf_counter()
    for first in range(0, use_cases, 500):
        with transaction.atomic():
            made = UseCase.objects.bulk_create(
                UseCase(
                    slug=f"synthetic-{number:05d}",
                    cluster=rng.choice(clusters),
                    title_en=f"Synthetic use case {number}",
                    title_de=f"Synthetischer Anwendungsfall {number}",
                    summary_en="Generated for the scale benchmark.",
                    summary_de="Für den Skalierungstest erzeugt.",
                    description_en="Generated.",
                    description_de="Erzeugt.",
                    data_needed_en="None.",
                    data_needed_de="Keine.",
                    status=UseCase.Status.PUBLISHED,
                    embedding_status=UseCase.EmbeddingStatus.CURRENT,
                )
                for number in range(first, min(first + 500, use_cases))
            )
            rows = []
            for use_case in made:
                for kind, language, position, text, vector, model in templates[
                    rng.choice(template_ids)
                ]:
                    words = rng.choices(vocabulary[language], k=max(3, len(text.split())))
                    generated = " ".join(words).capitalize() + "."
                    texts[language].append(generated)
                    noisy = vector + noise_rng.normal(
                        scale=NOISE / np.sqrt(vector.size), size=vector.size
                    ).astype(np.float32)
                    noisy /= np.linalg.norm(noisy)
                    rows.append(
                        TextEmbedding(
                            use_case=use_case,
                            kind=kind,
                            language=language,
                            position=position,
                            text=generated,
                            content_hash="synthetic",
                            model_name=model,
                            dimensions=vector.size,
                            vector=noisy.tobytes(),
                        )
                    )
            TextEmbedding.objects.bulk_create(rows, batch_size=2000)
    return {"texts": texts, "insert_seconds": time.perf_counter() - start}


def embedding_throughput(texts: dict[str, list[str]], rng: random.Random) -> dict[str, float]:
    """Texts per second per language, encoding a random sample of the generated texts."""
    from django.conf import settings

    from matching.encoders import get_encoder

    rates = {}
    for language, batch in texts.items():
        sample = rng.sample(batch, min(SAMPLE_TEXTS, len(batch)))
        start = time.perf_counter()
        get_encoder(language).encode_passages(sample, batch_size=settings.EMBEDDING_BATCH_SIZE)
        rates[language] = len(sample) / (time.perf_counter() - start)
    return rates


def measure_scale(var_dir: Path) -> dict[str, Any]:
    """The real catalog's web-process figures, then the same at USE_CASES use cases."""
    from matching.indexing import rebuild_index

    rng = random.Random(7)
    real = measure_process(var_dir)
    generated = generate(USE_CASES - real["use_cases"], rng)
    rates = embedding_throughput(generated["texts"], rng)
    counts = {language: len(batch) for language, batch in generated["texts"].items()}
    start = time.perf_counter()
    build = rebuild_index()
    worker_build_seconds = time.perf_counter() - start
    scaled = measure_process(var_dir)
    return {
        "use_cases": scaled["use_cases"],
        "vectors": build.vectors,
        "index_type": build.index_type,
        "generated_texts": counts,
        "embedding_sample_texts_per_second": rates,
        "embedding_seconds_extrapolated": sum(counts[lang] / rates[lang] for lang in counts),
        "insert_seconds": generated["insert_seconds"],
        "worker_build_seconds": worker_build_seconds,
        "real": real,
        "scaled": scaled,
        "p50_ratio": {
            language: scaled["match_p50_ms"][language] / real["match_p50_ms"][language]
            for language in real["match_p50_ms"]
        },
    }


def rows(scale: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(figure, value, target, passed) for the bench table."""
    real, scaled = scale["real"], scale["scaled"]
    hours = scale["embedding_seconds_extrapolated"] / 3600
    table: list[tuple[str, str, str, bool | None]] = [
        (
            f"{scale['use_cases']:,} use cases: vectors",
            f"{scale['vectors']:,} {scale['index_type']}",
            "",
            None,
        ),
        ("  full embedding h (extrapolated)", f"{hours:.1f}", "", None),
        ("  index build by a worker s", f"{scale['worker_build_seconds']:.1f}", "", None),
        (
            "  web process build from DB s",
            f"{real['build_seconds']:.1f} -> {scaled['build_seconds']:.1f}",
            "",
            None,
        ),
        (
            "  memory per web process MB",
            f"{real['rss_mb']:.0f} -> {scaled['rss_mb']:.0f}",
            "< 1024",
            scaled["rss_mb"] < 1024,
        ),
        (
            "  peak memory (build) MB",
            f"{real['peak_rss_mb']:.0f} -> {scaled['peak_rss_mb']:.0f}",
            "",
            None,
        ),
    ]
    for language, ratio in scale["p50_ratio"].items():
        table.append(
            (
                f"  match p50 {language} ms (ratio)",
                f"{real['match_p50_ms'][language]:.0f} -> "
                f"{scaled['match_p50_ms'][language]:.0f} ({ratio:.2f})",
                "<= 1.5",
                ratio <= 1.5,
            )
        )
    return table


def main() -> None:
    from run import set_up, step

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as directory:
        step("migrating and loading the catalog into a fresh VAR_DIR (embeds every text)")
        set_up(Path(directory))
        step(f"scale simulation: {USE_CASES:,} use cases")
        scale = measure_scale(Path(directory))
        print(json.dumps(scale, indent=2))
        for figure, value, target, passed in rows(scale):
            result = "" if passed is None else ("PASS" if passed else "MISS")
            print(f"{figure:<38} {value:>22}  {target:<8} {result}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if "--measure-process" in sys.argv:
        _process_figures()
    else:
        main()
