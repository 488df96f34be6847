"""The shape of a match result: one typed schema from `matching.services.match` to every reader.

The API answers with it (its OpenAPI schema is generated from these models), the pages, the
CSV export and the admin preview read it, submissions store it as JSON and load it back, and
the insights dashboard aggregates its stored JSON in the database through `stored_path`.

Pydantic rather than dataclasses: django-ninja documents and serialises pydantic models as they
are, and loading stored JSON needs validation with defaults, which pydantic does in one call.
Results stored by older versions load too: they lack `fits` (empty then) and the value
potential's `spread` and `expert_assessments` (the dataclass defaults), and their `source` is
derived again from `editorial_estimate`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    TypeAdapter,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from usecases.models import ValuePotential
from usecases.schemas import ValuePotentialOut

# The start page's refinements a use case can fit (the API has none, so its `fits` are empty).
Refinement = Literal["industry", "business_function"]


class _DocumentedAsValuePotentialOut:
    """The API schema of the use case endpoints' value potential, for a field written out by
    `ValuePotential.as_dict` (the same keys; no validation on the way out, a match is hot)."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(ValuePotentialOut.__pydantic_core_schema__)


# The catalog's own value potential, so `for_goal` is the one way to read a goal's value.
StoredValuePotential = Annotated[
    ValuePotential, PlainSerializer(ValuePotential.as_dict), _DocumentedAsValuePotentialOut()
]


class _Frozen(BaseModel):
    # Fields with defaults are always written, so the API schema marks them required too.
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)


class ResultCluster(_Frozen):
    slug: str
    name: str


class ResultUseCase(_Frozen):
    """The use case of a result, in the language of the description."""

    slug: str
    title: str
    summary: str
    cluster: ResultCluster


class ResultProvider(_Frozen):
    """An approved provider of the use case that serves the company's size."""

    slug: str
    name: str
    is_example: bool = Field(description="A fictional example provider.")


class ResultBlocker(_Frozen):
    """One of the biggest obstacles for this company, with a concrete first step."""

    key: str = Field(description="An obstacle code, or `time` for the time the effort takes.")
    label: str
    first_step: str


class ResultFeasibility(_Frozen):
    """How feasible the use case is for this company (matching.feasibility)."""

    score: float = Field(description="1 (hard for this company) to 5 (easy).")
    estimated: bool = Field(description="true: no readiness answers, a neutral estimate.")
    blockers: list[ResultBlocker]


class RankedUseCase(_Frozen):
    """One result as the company was shown it."""

    rank: int
    relevance: float = Field(description="How well the use case fits the problem, 0 to 1.")
    score: float = Field(
        description="The number the results are ordered by: relevance and value potential for "
        "the goal, weighted."
    )
    use_case: ResultUseCase
    value_potential: StoredValuePotential
    matched_on: list[str] = Field(description="The catalog texts closest to the description.")
    providers: list[ResultProvider]
    fits: dict[Refinement, bool] = Field(
        default_factory=dict, description="Which of the chosen refinements the use case fits."
    )
    feasibility: ResultFeasibility | None = Field(
        default=None,
        description="Feasibility for this company; null for a use case no longer published.",
    )

    @property
    def fit_count(self) -> int:
        return sum(self.fits.values())


class ProblemResults(_Frozen):
    """One problem of a description that names several, with its best use cases."""

    text: str = Field(description="The part of the description that names this problem.")
    results: list[RankedUseCase]


_RESULTS = TypeAdapter(list[RankedUseCase])
_GROUPS = TypeAdapter(list[ProblemResults])


def dump_results(results: list[RankedUseCase]) -> list[dict[str, Any]]:
    """Results as a submission stores them (the API's JSON)."""
    return _RESULTS.dump_python(results, mode="json")


def load_results(stored: list[dict[str, Any]]) -> list[RankedUseCase]:
    """Stored results, typed; older stored shapes included."""
    return _RESULTS.validate_python(stored)


def dump_groups(groups: list[ProblemResults]) -> list[dict[str, Any]]:
    """Problems with their results as a submission stores them (the API's JSON)."""
    return _GROUPS.dump_python(groups, mode="json")


def load_groups(stored: list[dict[str, Any]]) -> list[ProblemResults]:
    """Stored problems with their results, typed; older stored shapes included."""
    return _GROUPS.validate_python(stored)


def stored_path(*fields: str) -> str:
    """A database lookup path into one stored result ("use_case__slug"), checked against the
    schema when called, so renaming a field cannot leave a query reading nothing."""
    model: type[BaseModel] | None = RankedUseCase
    for name in fields:
        if model is None or name not in model.model_fields:
            raise ValueError(f"a stored result has no field {'.'.join(fields)}")
        annotation = model.model_fields[name].annotation
        model = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
    return "__".join(fields)
