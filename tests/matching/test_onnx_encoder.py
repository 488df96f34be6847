"""The English model runs on onnxruntime from its ONNX export: the same vectors as
sentence-transformers, an export made once and safely, and no torch in the serving process."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from django.conf import settings

from matching.encoders import SentenceTransformerEncoder, load_encoder, model_spec, onnx_export_of

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
TEXTS = [
    "Our machines break down without warning.",
    "We type every supplier invoice into the ERP system by hand, which takes two people three "
    "days a month, and mistakes in the amounts are only found when the supplier sends a reminder.",
    "Wir planen die Touren unserer Lieferwagen von Hand.",
    "<script>alert(1)</script> & Ünïcödé “quotes” 日本語",
    "",
    "word " * 400,  # longer than the model's 256 tokens: cut like sentence-transformers cuts it
]


@pytest.mark.model
@pytest.mark.parametrize("batch_size", [1, 4, 16])
def test_the_onnx_export_gives_the_vectors_of_sentence_transformers(batch_size):
    from sentence_transformers import SentenceTransformer

    spec = model_spec(MODEL)
    reference = SentenceTransformer(
        str(__import__(spec.package).get_model_path()), device="cpu"
    ).encode([t[: spec.max_characters] for t in TEXTS], normalize_embeddings=True)

    vectors = load_encoder(MODEL).encode_passages(TEXTS, batch_size=batch_size)

    assert vectors.shape == (len(TEXTS), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, reference, atol=1e-5)


@pytest.mark.model
def test_a_process_that_encodes_english_never_loads_torch():
    code = (
        "import django, sys; django.setup(); "
        "from matching.encoders import get_encoder; "
        "get_encoder('en').encode_queries(['Our invoices are typed by hand.']); "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.model
def test_two_processes_exporting_at_once_both_succeed_and_leave_one_export(tmp_path, settings):
    settings.ENCODER_DIR = tmp_path
    spec = model_spec(MODEL)

    with ThreadPoolExecutor(max_workers=2) as pool:
        directories = list(pool.map(lambda _: onnx_export_of(spec), range(2)))

    assert directories[0] == directories[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [directories[0].name]
    assert {p.name for p in directories[0].iterdir()} == {
        "model.onnx",
        "tokenizer.json",
        "encoder.json",
    }
    # Readable by every user: the image exports as root and serves as another user.
    assert directories[0].stat().st_mode & 0o755 == 0o755
    assert all(p.stat().st_mode & 0o444 == 0o444 for p in directories[0].iterdir())
    encoder = SentenceTransformerEncoder(spec)
    assert encoder.encode_queries(["Our machines break down."]).shape == (1, 384)


@pytest.mark.model
def test_an_export_that_fails_says_why(tmp_path, settings, monkeypatch):
    settings.ENCODER_DIR = tmp_path
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the child fails at once instead of asking the hub
    spec = model_spec(MODEL)
    broken = type(spec)(**{**spec.__dict__, "name": "nobody/no-such-model", "package": None})

    with pytest.raises(RuntimeError, match="exporting nobody/no-such-model to ONNX failed"):
        onnx_export_of(broken)
    assert list(tmp_path.iterdir()) == []
