"""Language detection on short business texts: matching.text.detect_language against the
maintained offline libraries, for the README's decision to keep the hand-written detector.

Texts: every catalog problem statement and the development, own-words and two-problem query
sets (never the held-out sets), whole and cut to their first four words. The libraries are not
project dependencies; install them into the venv first:

    .venv/bin/pip install langdetect lingua-language-detector py3langid
    .venv/bin/python bench/language_detection.py
"""

from __future__ import annotations

import csv
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def labelled_texts() -> list[tuple[str, str]]:
    import yaml

    texts = []
    for path in sorted((ROOT / "matching" / "eval").glob("*.tsv")):
        if path.stem.startswith(("holdout", "offtopic")):
            continue
        language = path.stem[-2:]
        with path.open(encoding="utf-8") as handle:
            texts += [(row[-1], language) for row in csv.reader(handle, delimiter="\t") if row]
    for path in sorted((ROOT / "usecases" / "catalog").glob("*.yaml")):
        for use_case in yaml.safe_load(path.read_text(encoding="utf-8"))["use_cases"]:
            for language in ("en", "de"):
                texts += [(t, language) for t in use_case["problem_statements"][language]]
    return texts


def measure(name: str, detect: Callable[[str], str], texts: list[tuple[str, str]]) -> None:
    short = [(" ".join(text.split()[:4]), language) for text, language in texts]
    for label, data in (("whole", texts), ("4 words", short)):
        started = time.perf_counter()
        right = sum(detect(text) == language for text, language in data)
        per_text = (time.perf_counter() - started) / len(data) * 1000
        print(
            f"{name:11s} {label:8s} {right}/{len(data)} right ({right / len(data):.1%}), "
            f"{per_text:.2f} ms per text, peak memory {peak_mb()} MB"
        )


def main() -> None:
    import django

    django.setup()
    from matching.text import detect_language

    texts = labelled_texts()
    print(f"{len(texts)} texts; process peak memory before any detector: {peak_mb()} MB")
    measure("hand-written", detect_language, texts)
    try:
        import py3langid

        started = time.perf_counter()
        py3langid.set_languages(["de", "en"])
        py3langid.classify("warm up")
        print(f"py3langid loads in {time.perf_counter() - started:.1f} s")
        measure("py3langid", lambda text: py3langid.classify(text)[0], texts)
    except ImportError:
        print("py3langid not installed")
    try:
        from lingua import Language, LanguageDetectorBuilder

        detector = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.GERMAN).build()
        measure(
            "lingua",
            lambda text: "de" if detector.detect_language_of(text) == Language.GERMAN else "en",
            texts,
        )
    except ImportError:
        print("lingua-language-detector not installed")
    try:
        from langdetect import DetectorFactory, LangDetectException, detect_langs

        DetectorFactory.seed = 0

        def langdetect_de_en(text: str) -> str:
            try:
                found = [guess.lang for guess in detect_langs(text)]
            except LangDetectException:
                return "en"
            return next((code for code in found if code in ("de", "en")), "en")

        measure("langdetect", langdetect_de_en, texts)
    except ImportError:
        print("langdetect not installed")


if __name__ == "__main__":
    main()
