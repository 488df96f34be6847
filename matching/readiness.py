"""The readiness check: seven short questions a manager answers in under a minute.

Each question is tied to an obstacle the AI Value Creation Study found (skilled staff, data,
strategy, money, legal questions, technology maturity, mindset). Options are listed from least
to most ready; `gap` says how far an answer is from ready (1 not at all, 0 ready) for each
obstacle the question speaks to. The feasibility rules (`matching.feasibility`) read only these
gaps, so a better answer can never lower a score as long as gaps fall along the options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import ConfigDict, create_model

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The budget and time answers are compared with a use case's effort, so they carry a level
# (0 the smallest) instead of fixed gaps; see matching.feasibility.
BUDGET = "budget"
HORIZON = "horizon"


@dataclass(frozen=True)
class Option:
    value: str
    label: StrOrPromise
    # Gap per obstacle code, 0 (ready) to 1 (not at all); level questions leave it empty.
    gaps: Mapping[str, float]
    # Counted on the insights page as "held back by" the question's obstacle.
    holds_back: bool = False
    level: int = 0


@dataclass(frozen=True)
class Question:
    key: str
    text: StrOrPromise
    # The study's obstacle this question is about (insights and study figures).
    obstacle: str
    options: tuple[Option, ...]

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "data",
        _("Is the data this problem needs recorded today?"),
        "data_quality",
        (
            Option(
                "none",
                _("No, not recorded"),
                {"data_availability": 1.0, "data_quality": 1.0},
                holds_back=True,
            ),
            Option(
                "paper",
                _("Partly, on paper or scattered across files"),
                {"data_availability": 0.6, "data_quality": 0.8},
                holds_back=True,
            ),
            Option(
                "digital",
                _("Digitally, but incomplete or unchecked"),
                {"data_availability": 0.2, "data_quality": 0.5},
            ),
            Option(
                "good",
                _("Digitally, complete and checked"),
                {"data_availability": 0.0, "data_quality": 0.0},
            ),
        ),
    ),
    Question(
        "skills",
        _("Who could run such a project in your company?"),
        "skilled_staff",
        (
            Option("nobody", _("Nobody yet"), {"skilled_staff": 1.0}, holds_back=True),
            Option(
                "it_staff",
                _("Our IT staff, without AI experience"),
                {"skilled_staff": 0.6},
                holds_back=True,
            ),
            Option(
                "partner",
                _("An outside partner we already work with"),
                {"skilled_staff": 0.3},
            ),
            Option("ai_staff", _("Own staff with data or AI experience"), {"skilled_staff": 0.0}),
        ),
    ),
    Question(
        "strategy",
        _("Does management back AI with a plan?"),
        "ai_strategy",
        (
            Option("none", _("No, not a topic yet"), {"ai_strategy": 1.0}, holds_back=True),
            Option(
                "interest",
                _("Interest, but no plan and nobody responsible"),
                {"ai_strategy": 0.6},
                holds_back=True,
            ),
            Option("sponsor", _("A manager backs it and sets goals"), {"ai_strategy": 0.25}),
            Option(
                "strategy",
                _("Yes, a written plan with an owner and a budget"),
                {"ai_strategy": 0.0},
            ),
        ),
    ),
    Question(
        BUDGET,
        _("What could you spend on a first project in the next 12 months?"),
        "financial_resources",
        (
            Option("under_10k", _("Under €10,000"), {}, holds_back=True, level=0),
            Option("10k_50k", _("€10,000 to €50,000"), {}, level=1),
            Option("50k_200k", _("€50,000 to €200,000"), {}, level=2),
            Option("over_200k", _("More than €200,000"), {}, level=3),
        ),
    ),
    Question(
        "legal",
        _("Are data protection and legal questions for such a project settled?"),
        "legal_regulatory",
        (
            Option(
                "unclear",
                _("No, nobody has looked at them"),
                {"legal_regulatory": 1.0},
                holds_back=True,
            ),
            Option(
                "contact",
                _("We have someone to ask, but it is not settled"),
                {"legal_regulatory": 0.5},
            ),
            Option(
                "settled",
                _("Yes, we have rules for such projects"),
                {"legal_regulatory": 0.0},
            ),
        ),
    ),
    Question(
        HORIZON,
        _("When should a first result be in use?"),
        "technology_maturity",
        (
            Option(
                "3_months",
                _("Within 3 months"),
                {"technology_maturity": 0.8},
                holds_back=True,
                level=0,
            ),
            Option(
                "12_months",
                _("Within a year"),
                {"technology_maturity": 0.4},
                level=1,
            ),
            Option(
                "longer",
                _("It may take longer"),
                {"technology_maturity": 0.0},
                level=2,
            ),
        ),
    ),
    Question(
        "change",
        _("How do the staff who would work with it see such a change?"),
        "change_management",
        (
            Option("sceptical", _("Mostly sceptical"), {"change_management": 1.0}, holds_back=True),
            Option("mixed", _("Mixed"), {"change_management": 0.5}),
            Option("open", _("Mostly open"), {"change_management": 0.0}),
        ),
    ),
)

QUESTIONS_BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}

Answers = dict[str, str]


class InvalidAnswers(ValueError):
    """An answer the check does not know; `field` names it as the API reports it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def clean_answers(raw: Mapping[str, Any] | None) -> Answers:
    """The answers given, keys in question order; unknown keys or values raise InvalidAnswers.

    Empty values are "not answered" (a form's blank choice) and left out.
    """
    if not raw:
        return {}
    for key, value in raw.items():
        question = QUESTIONS_BY_KEY.get(key)
        if question is None:
            raise InvalidAnswers(f"readiness.{key}", str(_("Unknown question.")))
        if value in ("", None):
            continue
        if not isinstance(value, str) or question.option(value) is None:
            raise InvalidAnswers(
                f"readiness.{key}",
                str(_("Unknown answer; choose one of: %(values)s"))
                % {"values": ", ".join(o.value for o in question.options)},
            )
    return {q.key: raw[q.key] for q in QUESTIONS if raw.get(q.key) not in ("", None)}


def questions_for_api() -> list[dict[str, Any]]:
    """The questions in the active language, as `GET /api/v1/readiness/questions` lists them."""
    return [
        {
            "key": q.key,
            "text": str(q.text),
            "options": [{"value": o.value, "label": str(o.label)} for o in q.options],
        }
        for q in QUESTIONS
    ]


def answered_labels(answers: Answers) -> list[tuple[str, str]]:
    """(question, answer) texts in the active language, for the report and the page."""
    labelled = []
    for question in QUESTIONS:
        option = question.option(answers.get(question.key, ""))
        if option is not None:
            labelled.append((str(question.text), str(option.label)))
    return labelled


# The API's schema for `readiness`: every key optional, values from the options, nothing else.
# pydantic then answers an unknown key or value with a 422 naming "readiness.<key>".
ReadinessIn = create_model(  # type: ignore[call-overload]
    "ReadinessIn",
    __config__=ConfigDict(extra="forbid"),
    **{q.key: (Literal[tuple(o.value for o in q.options)] | None, None) for q in QUESTIONS},
)
