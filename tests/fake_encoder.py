"""A small, fast stand-in for the sentence encoders, for the fast test tier (`make test-fast`).

It keeps the configured model's spec (name, calibration, input limit), so index metadata and
ranking read exactly as with the real model, but its vectors are hashed bags of words: texts
that share words are similar, others are not. Tests that judge matching quality use the real
model (marked `model`).
"""

from __future__ import annotations

import zlib

import numpy as np

from matching.encoders import ModelSpec, model_spec
from matching.text import WORD

DIMENSIONS = 64


class FakeEncoder:
    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec

    def _vectors(self, texts: list[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            matrix[row, 0] = 0.1  # no zero vectors: an empty text still has a direction
            for word in WORD.findall(text[: self.spec.max_characters].lower()):
                if len(word) > 2:
                    matrix[row, 1 + zlib.crc32(word[:6].encode()) % (DIMENSIONS - 1)] += 1.0
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)

    def encode_passages(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        return self._vectors(texts)


def load_fake_encoder(name: str) -> FakeEncoder:
    return FakeEncoder(model_spec(name))
