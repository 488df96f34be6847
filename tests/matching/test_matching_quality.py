"""The real models on the development sets, which were written independently of the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.evaluation import evaluate

pytestmark = [pytest.mark.django_db, pytest.mark.model]
EVAL_DIR = Path(__file__).resolve().parents[2] / "matching" / "eval"


@pytest.mark.parametrize("name", ["dev_en", "dev_de", "own_en", "own_de"])
def test_the_matcher_meets_the_quality_bar_and_beats_both_baselines(catalog, name):
    report = evaluate(EVAL_DIR / f"{name}.tsv")

    print(*report.lines(), sep="\n")
    matcher, previous, bm25 = report.matcher, report.previous, report.bm25
    assert matcher.queries >= 40
    assert matcher.hit_at_3 >= 0.9
    assert matcher.hit_at_1 >= bm25.hit_at_1 + 0.04
    assert matcher.mrr >= bm25.mrr + 0.02
    assert matcher.hit_at_1 >= previous.hit_at_1
    assert report.flagged <= 0.02  # genuine problems told "nothing fits"


@pytest.mark.parametrize("language", ["en", "de"])
def test_most_off_topic_texts_are_flagged_and_two_problems_are_both_found(catalog, language):
    offtopic = evaluate(EVAL_DIR / f"offtopic_{language}.tsv")
    two = evaluate(EVAL_DIR / f"two_problems_{language}.tsv")

    print(*offtopic.lines(), *two.lines(), sep="\n")
    assert offtopic.flagged >= 0.6
    assert two.both_found >= 0.6
