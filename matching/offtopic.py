"""Is a description a business problem at all?

Some use case is always relatively best, so a text that is no business problem (a greeting,
small talk, the weather, a recipe, sports, a health question, a grievance about a colleague, a
sales pitch, gibberish, a single word) has to be recognised on its own. An answer is
`low_confidence` when any of these holds:

- the text has fewer than MIN_WORDS words: too little to go on;
- the best use case's relevance is below the model's `low_confidence_below` (nothing in the
  catalog is close in absolute terms; this is what catches gibberish);
- the text is about as close to written examples of off-topic texts
  (`offtopic_examples.yaml`, in the text's language) as to the catalog: the mean similarity of
  its NEAREST closest catalog texts does not lead that of its NEAREST closest examples by the
  model's `catalog_lead_min`.

The examples are embedded with the configured encoder as queries (they stand for what people
type), once per process and model, and kept in a file under VAR_DIR (a cache of this machine,
like the index files, but shared by processes that serve different index directories) so that
later processes read them in milliseconds instead of encoding them again for seconds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from django.conf import settings

from matching.encoders import ModelSpec, load_encoder, model_spec

logger = logging.getLogger(__name__)

EXAMPLES_FILE = Path(__file__).with_name("offtopic_examples.yaml")
# Fewer words than this are always answered low_confidence.
MIN_WORDS = 3
# How many of the closest catalog texts and off-topic examples are averaged: one lucky text on
# either side decides less.
NEAREST = 3


@dataclass(frozen=True)
class Signals:
    """What the decision looks at for one text."""

    words: int
    relevance: float  # of the best use case
    catalog_similarity: float  # mean cosine to the NEAREST closest catalog texts
    example_similarity: float  # mean cosine to the NEAREST closest off-topic examples

    @property
    def catalog_lead(self) -> float:
        return self.catalog_similarity - self.example_similarity


def is_off_topic(signals: Signals, spec: ModelSpec) -> bool:
    """Whether the text should be answered low_confidence, with the model's calibration."""
    return (
        signals.words < MIN_WORDS
        or signals.relevance < spec.low_confidence_below
        or signals.catalog_lead < spec.catalog_lead_min
    )


def low_confidence(
    text: str,
    language: str,
    spec: ModelSpec,
    vector: np.ndarray,
    catalog_similarities: np.ndarray,
    relevance: float,
) -> bool:
    """The low_confidence decision for `text`, whose query `vector` has the cosine
    `catalog_similarities` to the catalog texts of its language (any order, any subset that
    holds the closest ones) and whose best use case has `relevance`."""
    signals = Signals(
        words=len(text.split()),
        relevance=relevance,
        catalog_similarity=_mean_of_nearest(catalog_similarities),
        example_similarity=_mean_of_nearest(example_vectors(spec.name, language) @ vector),
    )
    return is_off_topic(signals, spec)


def _mean_of_nearest(similarities: np.ndarray) -> float:
    if not similarities.size:
        return 0.0
    return float(np.sort(similarities)[-NEAREST:].mean())


def examples(language: str) -> list[str]:
    """The off-topic example texts of one language, all kinds together."""
    kinds: dict[str, list[str]] = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8"))[
        language
    ]
    return [text for texts in kinds.values() for text in texts]


@lru_cache(maxsize=4)
def example_vectors(model_name: str, language: str) -> np.ndarray:
    """The examples of `language` embedded by `model_name`, from this machine's cache file
    when one exists for exactly these texts and model, else encoded now (seconds) and cached."""
    texts = examples(language)
    # The prompt is part of what the model sees, so a changed one must not reuse old vectors.
    prompt = model_spec(model_name).query_prompt
    digest = hashlib.sha256("\n".join([model_name, prompt, language, *texts]).encode()).hexdigest()
    path = settings.VAR_DIR / "offtopic" / f"{language}-{digest[:16]}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    except (OSError, ValueError, EOFError):
        pass  # no cache yet, or a damaged one: encode again
    vectors = load_encoder(model_name).encode_queries(texts)
    _save(path, vectors)
    return vectors


def _save(path: Path, vectors: np.ndarray) -> None:
    """Write atomically; a machine without a writable VAR_DIR just encodes again."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".offtopic-", suffix=".npy", dir=path.parent)
        with os.fdopen(handle, "wb") as file:
            np.save(file, vectors)
        os.replace(temporary, path)
    except OSError:
        logger.warning("could not cache the off-topic example vectors in %s", path.parent)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
