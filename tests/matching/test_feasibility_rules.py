"""The feasibility rules on hand-made readiness answers, over every use case of the catalog."""

from __future__ import annotations

import itertools
import random

import pytest

from matching.feasibility import NEUTRAL_GAP, assess
from matching.readiness import QUESTIONS, InvalidAnswers, clean_answers
from usecases.models import UseCase

pytestmark = [pytest.mark.django_db, pytest.mark.model]

FULL_READINESS = {q.key: q.options[-1].value for q in QUESTIONS}
NO_READINESS = {q.key: q.options[0].value for q in QUESTIONS}


@pytest.fixture
def use_cases(catalog) -> list[UseCase]:
    found = list(UseCase.objects.published().prefetch_related("assessments"))
    assert len(found) >= 95
    return found


def random_answers(rng: random.Random) -> dict[str, str]:
    """Any subset of the questions, each answered with any option."""
    return {
        q.key: rng.choice(q.options).value for q in QUESTIONS if rng.random() < 0.8
    }  # fmt: skip


def test_a_company_without_data_gets_the_data_blocker_first(use_cases):
    rng = random.Random(15)
    others = [random_answers(rng) for _ in range(20)] + [FULL_READINESS, NO_READINESS, {}]
    for use_case in use_cases:
        for answers in others:
            found = assess(use_case, {**answers, "data": "none"}, "en")
            assert found.blockers[0].key == "data_availability", (use_case.slug, answers)
            # Without data its quality is not a second, separate blocker.
            assert "data_quality" not in [b.key for b in found.blockers]


def test_full_readiness_never_lowers_a_score(use_cases):
    rng = random.Random(7)
    combinations = [random_answers(rng) for _ in range(150)] + [{}, NO_READINESS]
    for use_case in use_cases:
        best = assess(use_case, FULL_READINESS, "en").score
        for answers in combinations:
            assert best >= assess(use_case, answers, "en").score, (use_case.slug, answers)


def test_a_better_answer_to_any_question_never_lowers_a_score(use_cases):
    rng = random.Random(3)
    for use_case in rng.sample(use_cases, 40):
        for _ in range(25):
            answers = random_answers(rng)
            before = assess(use_case, answers, "en").score
            for question in QUESTIONS:
                values = [o.value for o in question.options]
                current = answers.get(question.key)
                # Answering a skipped question with the best option, or any answer one better.
                better = (
                    values[-1]
                    if current is None
                    else values[min(values.index(current) + 1, len(values) - 1)]
                )
                after = assess(use_case, {**answers, question.key: better}, "en").score
                assert after >= before, (use_case.slug, answers, question.key, better)


def test_every_answer_combination_of_one_use_case_stays_on_the_scale(use_cases):
    use_case = next(u for u in use_cases if u.effort == "high")
    options = [[None, *(o.value for o in q.options)] for q in QUESTIONS]
    for combination in itertools.islice(itertools.product(*options), 0, None, 7):
        answers = {q.key: v for q, v in zip(QUESTIONS, combination, strict=True) if v}
        score = assess(use_case, answers, "en").score
        assert 1.0 <= score <= 5.0


def test_without_answers_the_score_is_an_estimate_with_the_use_cases_own_obstacles(use_cases):
    for use_case in use_cases:
        found = assess(use_case, {}, "en")
        assert found.estimated is True
        named = use_case.obstacle_codes()
        assert [b.key for b in found.blockers] == named[:2]


def test_answers_make_the_score_the_companys_own(use_cases):
    found = assess(use_cases[0], {"skills": "ai_staff"}, "en")
    assert found.estimated is False


def test_a_fully_ready_company_has_higher_scores_than_the_neutral_estimate(use_cases):
    for use_case in use_cases:
        assert assess(use_case, FULL_READINESS, "en").score > assess(use_case, {}, "en").score
    assert 0 < NEUTRAL_GAP < 1


def test_effort_counts_a_low_effort_use_case_is_more_feasible_for_the_same_company(use_cases):
    low = [assess(u, {}, "en").score for u in use_cases if u.effort == "low"]
    high = [assess(u, {}, "en").score for u in use_cases if u.effort == "high"]
    assert sum(low) / len(low) > sum(high) / len(high)


def test_a_small_budget_blocks_a_high_effort_use_case_but_not_a_low_effort_one(use_cases):
    high = next(u for u in use_cases if u.effort == "high")
    low = next(u for u in use_cases if u.effort == "low")
    ready_but_poor = {**FULL_READINESS, "budget": "under_10k"}
    assert "financial_resources" in [b.key for b in assess(high, ready_but_poor, "en").blockers]
    assert assess(low, ready_but_poor, "en").blockers == []


def test_the_catalogs_own_first_step_replaces_the_general_one(use_cases):
    use_case = next(u for u in use_cases if "data_availability" in u.obstacle_codes())
    use_case.first_steps = {
        "data_availability": {"en": "Log every stop for 3 months.", "de": "Jeden Stopp loggen."}
    }
    english = assess(use_case, {"data": "none"}, "en").blockers[0]
    german = assess(use_case, {"data": "none"}, "de").blockers[0]
    assert english.first_step == "Log every stop for 3 months."
    assert german.first_step == "Jeden Stopp loggen."
    assert german.label == "Datenverfügbarkeit"


def test_the_general_data_step_names_the_data_the_use_case_needs(use_cases):
    use_case = next(u for u in use_cases if not u.first_steps.get("data_availability"))
    step = assess(use_case, {"data": "none"}, "de").blockers[0].first_step
    assert use_case.data_needed_de in step
    assert "Sie" in step or "Erfassen" in step or "Sammeln" in step


def test_unknown_questions_and_answers_are_refused_naming_the_field():
    with pytest.raises(InvalidAnswers) as unknown_key:
        clean_answers({"colour": "red"})
    assert unknown_key.value.field == "readiness.colour"
    with pytest.raises(InvalidAnswers) as unknown_value:
        clean_answers({"data": "plenty"})
    assert unknown_value.value.field == "readiness.data"
    assert clean_answers({"data": "good", "skills": ""}) == {"data": "good"}
