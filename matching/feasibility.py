"""How feasible a use case is for one company: a score from 1 to 5 and its two biggest blockers.

The rules, in one place:

- Every factor (the study's obstacles, plus time for the effort) has a weight for this use case
  and a gap for this company. The weight is highest for the obstacles the use case names (the
  experts' ranking where they named some, else the editors' list), first named weighs most; every
  use case needs its data, someone to run it and money, so those weigh a little even when not
  named. The gap comes from the readiness answers (`matching.readiness`); an unanswered question
  counts as halfway (NEUTRAL_GAP), and without any answer the score is labelled an estimate.
- score = 5 - effort penalty - PENALTY_SCALE x sum(weight x gap), clamped to 1..5. Weights are
  never negative and a better answer never has a larger gap, so full readiness never lowers a
  score (tests check this on every use case).
- Blockers are the factors that cost most, except that missing data comes first whatever else
  costs: without the data nothing can be built. Each comes with one first step: the use case's
  own from the catalog (`UseCase.first_steps`) where editors wrote one, else a general step for
  the obstacle (the data step is shaped by the AI techniques and names the data needed).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation
from django.utils.translation import gettext as _

from matching.readiness import BUDGET, HORIZON, QUESTIONS, Answers
from matching.schemas import ProblemResults, RankedUseCase, ResultBlocker, ResultFeasibility
from usecases import vocabularies
from usecases.models import UseCase

NEUTRAL_GAP = 0.5
PENALTY_SCALE = 0.7
EFFORT_PENALTY = {"low": 0.0, "medium": 0.4, "high": 0.8}
# Effort level each budget or time answer must reach (their options' `level`).
EFFORT_LEVEL = {"low": 0, "medium": 1, "high": 2}
# Weight of a named obstacle by its place in the use case's list; later places weigh the last.
NAMED_WEIGHTS = (1.0, 0.8, 0.7, 0.6)
# Weight of an obstacle the use case does not name.
UNNAMED_WEIGHT = {
    "data_availability": 0.4,
    "data_quality": 0.4,
    "skilled_staff": 0.4,
    "financial_resources": 0.4,
    "ai_strategy": 0.2,
    "change_management": 0.2,
    "legal_regulatory": 0.15,
    "technology_maturity": 0.15,
}
TIME = "time"
TIME_WEIGHT = 0.5
# A factor costing less than this is no blocker, however it ranks.
BLOCKER_MIN_COST = 0.1
BLOCKERS_SHOWN = 2
FACTORS = (*vocabularies.OBSTACLES, TIME)

FORECASTING = {"time_series_forecasting"}
TEXT_WORK = {
    "large_language_models",
    "natural_language_processing",
    "information_extraction",
    "semantic_search",
    "generative_ai",
    "machine_translation",
    "sentiment_analysis",
}


def gaps(answers: Answers, effort: str) -> dict[str, float]:
    """Each factor's gap for a company with these answers, for a use case of this effort."""
    result = dict.fromkeys(FACTORS, NEUTRAL_GAP)
    needed = EFFORT_LEVEL.get(effort, 1)
    for question in QUESTIONS:
        option = question.option(answers.get(question.key, ""))
        if option is None:
            continue
        result.update(option.gaps)
        shortfall = min(1.0, max(0, needed - option.level) * 0.5)
        if question.key == BUDGET:
            result["financial_resources"] = shortfall
        elif question.key == HORIZON:
            result[TIME] = shortfall
    return result


def weights(use_case: UseCase) -> dict[str, float]:
    """How much each factor matters for this use case."""
    result = dict(UNNAMED_WEIGHT)
    for place, code in enumerate(use_case.obstacle_codes()):
        if code in result:
            named = NAMED_WEIGHTS[min(place, len(NAMED_WEIGHTS) - 1)]
            result[code] = max(result[code], named)
    result[TIME] = TIME_WEIGHT
    return result


def assess(use_case: UseCase, answers: Answers, language: str) -> ResultFeasibility:
    """The feasibility of `use_case` for a company with `answers`, texts in `language`."""
    weight = weights(use_case)
    gap = gaps(answers, use_case.effort)
    costs = {factor: weight[factor] * gap[factor] for factor in FACTORS}
    penalty = EFFORT_PENALTY.get(use_case.effort, 0.4) + PENALTY_SCALE * sum(costs.values())
    score = round(min(5.0, max(1.0, 5.0 - penalty)), 1)
    return ResultFeasibility(
        score=score,
        estimated=not answers,
        blockers=[
            ResultBlocker(
                key=key,
                label=blocker_label(key, language),
                first_step=first_step(use_case, key, language),
            )
            for key in _blockers(costs, gap)
        ],
    )


def _blockers(costs: dict[str, float], gap: dict[str, float]) -> list[str]:
    missing_data = gap["data_availability"] >= 1.0
    ranked = sorted(
        (f for f in FACTORS if costs[f] >= BLOCKER_MIN_COST),
        key=lambda f: (
            not (missing_data and f == "data_availability"),
            -costs[f],
            FACTORS.index(f),
        ),
    )
    if missing_data:
        # Without data its quality cannot be judged yet: one data blocker is enough.
        ranked = [f for f in ranked if f != "data_quality"]
    return ranked[:BLOCKERS_SHOWN]


def blocker_label(key: str, language: str) -> str:
    if key == TIME:
        with translation.override(language):
            return _("Time for the effort")
    return vocabularies.label(vocabularies.OBSTACLES, key, language)


def first_step(use_case: UseCase, key: str, language: str) -> str:
    """The catalog's first step for this use case and obstacle, else the general one."""
    own = (use_case.first_steps or {}).get(key) or {}
    if own.get(language):
        return str(own[language])
    with translation.override(language):
        return _general_step(use_case, key)


def _general_step(use_case: UseCase, key: str) -> str:
    data = {"data": use_case.data_needed}
    techniques = set(use_case.ai_techniques)
    if key == "data_availability":
        if techniques & FORECASTING:
            return (
                _(
                    "Start recording this data digitally, with a date on every entry, and collect "
                    "at least 12 months of it so that a full year's seasons are in it: %(data)s"
                )
                % data
            )
        if techniques & TEXT_WORK:
            return (
                _("Gather a few hundred typical examples of this data in one place: %(data)s")
                % data
            )
        return (
            _(
                "Start recording this data digitally and in one place, and collect at least "
                "6 months of it before a pilot: %(data)s"
            )
            % data
        )
    steps = {
        "data_quality": _(
            "Have one person check 100 records of the data for gaps and errors, then fix how it "
            "is entered where it is created."
        ),
        "skilled_staff": _(
            "Name one person to lead the project and have a provider build the first version "
            "together with that person, so the knowledge stays in the company."
        ),
        "ai_strategy": _(
            "Have management set one measurable goal for this use case (for example hours saved "
            "a month) and name who is responsible for reaching it."
        ),
        "financial_resources": _(
            "Start with a pilot on one process or site with a fixed budget and a date to decide "
            "whether to go on; ask about public funding for digitalisation."
        ),
        "legal_regulatory": _(
            "Ask your data protection officer or lawyer which personal or confidential data "
            "the use case touches, before any data leaves the company."
        ),
        "technology_maturity": _(
            "Test the technology on your own data in a pilot of a few weeks before you commit, "
            "and ask providers for references from companies like yours."
        ),
        "change_management": _(
            "Involve the staff who will work with it from the start: show them a first version "
            "early and let them say what it must do."
        ),
        TIME: _(
            "Plan a first pilot on a small part of the problem that can show a result within "
            "your time frame, and the full rollout after it."
        ),
    }
    return steps[key]


def attach(
    results: list[RankedUseCase],
    answers: Answers,
    language: str,
    use_cases: Mapping[str, UseCase],
) -> list[RankedUseCase]:
    """The results, each with its feasibility for a company with `answers`; a result whose use
    case is no longer published has none."""
    return [
        result.model_copy(
            update={
                "feasibility": assess(use_cases[result.use_case.slug], answers, language)
                if result.use_case.slug in use_cases
                else None
            }
        )
        for result in results
    ]


def attach_all(
    results: list[RankedUseCase],
    groups: list[ProblemResults],
    answers: Answers,
    language: str,
    use_cases: Mapping[str, UseCase],
) -> tuple[list[RankedUseCase], list[ProblemResults]]:
    """`attach` for an answer's merged results and for each of its problems' results."""
    return attach(results, answers, language, use_cases), [
        group.model_copy(update={"results": attach(group.results, answers, language, use_cases)})
        for group in groups
    ]
