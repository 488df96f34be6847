from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Router, Schema, Status

from core.ratelimit import check_rate_limit
from matching.index import IndexUnavailable
from matching.readiness import ReadinessIn, clean_answers, questions_for_api
from matching.schemas import ProblemResults, RankedUseCase
from matching.services import MAX_TOP_K, InvalidQuery, MatchRequest, match
from usecases import vocabularies
from usecases.api import requested_language
from usecases.schemas import ErrorOut

router = Router(tags=["matching"])


class MatchIn(Schema):
    text: str = Field(..., strict=True, description="The business problem in plain words.")
    top_k: int = Field(5, strict=True, ge=1, le=MAX_TOP_K)
    lang: Literal["de", "en"] | None = Field(
        None, description="Detected from the text when absent."
    )
    goal: Literal[tuple(vocabularies.GOALS)] = vocabularies.DEFAULT_GOAL  # type: ignore[valid-type]
    value_weight: float | None = Field(None, strict=True, ge=0.0, le=1.0)
    store: bool = Field(True, strict=True, description="false: nothing about this query is kept.")
    readiness: ReadinessIn | None = Field(
        None,
        description="Answers to the readiness check (GET /readiness/questions), any subset. "
        "Every result's `feasibility` is then computed for this company; without answers it "
        "is a neutral estimate (`estimated: true`).",
    )


class FieldError(Schema):
    field: str
    message: str


class MatchErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class MatchOut(Schema):
    query_id: str | None
    language: str
    low_confidence: bool = Field(
        ..., description="true: nothing in the catalog clearly fits (or the text is no problem)."
    )
    results: list[RankedUseCase] = Field(..., description="All problems together, best first.")
    groups: list[ProblemResults] = Field(
        ...,
        description="One entry per problem when the description names several in different "
        "areas, each with its best use cases; empty for one problem.",
    )


@router.post(
    "/match",
    response={
        200: MatchOut,
        400: ErrorOut,  # the body is not JSON
        422: MatchErrorOut,
        429: MatchErrorOut,
        503: MatchErrorOut,
    },
    summary="Match a business problem to AI use cases",
)
def match_problem(request: HttpRequest, payload: MatchIn) -> Status:
    check_rate_limit(request, "match")
    with translation.override(requested_language(request, payload.lang)):
        try:
            result = match(
                MatchRequest(
                    text=payload.text,
                    top_k=payload.top_k,
                    language=payload.lang,
                    goal=payload.goal,
                    value_weight=payload.value_weight,
                    store=payload.store,
                    readiness=clean_answers(
                        payload.readiness.model_dump(exclude_none=True)
                        if payload.readiness
                        else None
                    ),
                )
            )
        except InvalidQuery as exc:
            return Status(
                422,
                {
                    "detail": translation.gettext("Invalid input."),
                    "errors": [{"field": exc.field, "message": exc.message}],
                },
            )
        except IndexUnavailable:
            return Status(
                503,
                {
                    "detail": translation.gettext(
                        "Matching is being prepared. Please try again in a minute."
                    ),
                    "errors": [],
                },
            )
    return Status(200, result)


class OptionOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    key: str
    text: str
    options: list[OptionOut] = Field(..., description="From least to most ready.")


@router.get(
    "/readiness/questions",
    response=list[QuestionOut],
    summary="The readiness check's questions and their answers",
)
def readiness_questions(
    request: HttpRequest, lang: Literal["de", "en"] | None = None
) -> list[dict[str, Any]]:
    with translation.override(requested_language(request, lang)):
        return questions_for_api()
