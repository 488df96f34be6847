"""The in-memory index of a large catalog is held in compact form (issue 17's memory target):
texts in compressed blocks, centroids summed per use case, 8-bit codes past the approximate
threshold, and a new version keeps the trained lists of the one before."""

from __future__ import annotations

import numpy as np
import pytest

from matching.index import TextColumn, _centroids, create_index


def test_a_text_column_gives_back_every_text_as_it_was_given():
    texts = [f"Störung {n}: Maschine fällt aus" * (n % 3) for n in range(150)] + ["€ ✓", ""]

    column = TextColumn(texts)

    assert len(column) == len(texts)
    assert list(column) == texts
    assert [column[i] for i in range(len(texts))] == texts
    assert column[-2] == "€ ✓" and column[3:6] == texts[3:6]
    with pytest.raises(IndexError):
        column[len(texts)]
    assert column.nbytes() < sum(len(t.encode()) for t in texts)


def test_centroids_are_the_normalised_sum_of_each_use_cases_vectors_in_row_order():
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((40, 8)).astype(np.float32)
    owners = rng.integers(0, 6, size=40)  # unsorted, as rows of a draft or a cache may come
    expected = np.zeros((6, 8), dtype=np.float32)
    np.add.at(expected, owners, vectors)
    expected /= np.maximum(np.linalg.norm(expected, axis=1, keepdims=True), 1e-12)

    assert np.array_equal(_centroids(vectors, owners, 6), expected)


def clustered(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, 32)).astype(np.float32)
    points = centres[rng.integers(0, 50, count)] + 0.3 * rng.standard_normal((count, 32))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_past_the_threshold_vectors_are_stored_as_8_bit_codes_and_still_found():
    vectors = clustered(4000, seed=2)

    index = create_index(vectors, approximate_threshold=1000)
    _, found = index.search(vectors[:50], 1)

    assert type(index).__name__ == "IndexIVFScalarQuantizer"
    assert index.code_size == 32  # one byte per dimension
    assert np.mean(found[:, 0] == np.arange(50)) >= 0.95


def test_a_new_version_of_about_the_same_size_keeps_the_trained_lists_of_the_one_before():
    held = create_index(clustered(4000, seed=3), approximate_threshold=1000)
    grown = clustered(4100, seed=4)

    kept = create_index(grown, approximate_threshold=1000, lists_of=held)
    retrained = create_index(clustered(9000, seed=5), approximate_threshold=1000, lists_of=held)

    assert kept.nlist == held.nlist and kept.ntotal == 4100
    assert np.array_equal(
        kept.quantizer.reconstruct_n(0, kept.nlist), held.quantizer.reconstruct_n(0, held.nlist)
    )
    assert retrained.nlist != held.nlist  # more than LIST_REUSE_TOLERANCE apart: trained anew
