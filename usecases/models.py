from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from statistics import mean

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usecases import vocabularies

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def first_steps_problems(first_steps: object) -> list[str]:
    """What is wrong with a use case's first steps: unknown obstacle codes, missing languages."""
    if not isinstance(first_steps, dict):
        return [str(_("Expected a mapping from obstacle codes to texts per language."))]
    problems = []
    for code, texts in first_steps.items():
        if code not in vocabularies.OBSTACLES:
            problems.append(str(_("Unknown obstacle: %(code)s") % {"code": code}))
            continue
        for language in vocabularies.LANGUAGES:
            text = texts.get(language) if isinstance(texts, dict) else None
            if not isinstance(text, str) or not text.strip():
                problems.append(
                    str(
                        _("The first step for %(code)s is missing the language %(language)s.")
                        % {"code": code, "language": language}
                    )
                )
    return problems


class Cluster(models.Model):
    slug = models.SlugField(_("short name (in addresses)"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    ordering = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    class Meta:
        ordering = ["ordering", "slug"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ValuePotential:
    """Mean scores (1 to 5) of one use case on the study's three value dimensions.

    The figures come from the included expert assessments once there are `EXPERTS_NEEDED` of
    them (`source` "experts", with their spread); below that the editorial estimate stays
    (`source` "editorial") and `expert_assessments` says how many expert ratings exist so far.
    """

    revenue: float | None
    company_value: float | None
    cost_reduction: float | None
    overall: float | None
    assessments: int
    editorial_estimate: bool
    # Lowest and highest score per dimension among the assessments behind the figures (experts).
    spread: dict[str, list[int]] | None = None
    expert_assessments: int = 0

    DIMENSIONS = ("revenue", "company_value", "cost_reduction")
    # One or two opinions are an anecdote: the public figures switch to experts from three on.
    EXPERTS_NEEDED = 3

    @property
    def source(self) -> str:
        return "editorial" if self.editorial_estimate else "experts"

    @staticmethod
    def included_experts(assessments: list[ExpertAssessment]) -> list[ExpertAssessment]:
        """Assessments by experts that an editor has not excluded."""
        return [a for a in assessments if not a.editorial_estimate and not a.excluded]

    @classmethod
    def counted(cls, assessments: list[ExpertAssessment]) -> list[ExpertAssessment]:
        """The assessments the figures come from: the included expert ones once there are
        enough of them, else the editorial estimates."""
        expert = cls.included_experts(assessments)
        if len(expert) >= cls.EXPERTS_NEEDED:
            return expert
        return [a for a in assessments if a.editorial_estimate]

    @staticmethod
    def spread_of(assessments: list[ExpertAssessment]) -> dict[str, list[int]]:
        """Lowest and highest score per dimension; empty without assessments."""
        if not assessments:
            return {}
        return {
            dim: [
                min(getattr(a, dim) for a in assessments),
                max(getattr(a, dim) for a in assessments),
            ]
            for dim in ValuePotential.DIMENSIONS
        }

    @classmethod
    def from_assessments(cls, assessments: list[ExpertAssessment]) -> ValuePotential:
        """Expert figures from `EXPERTS_NEEDED` included expert assessments on, else editorial."""
        experts = len(cls.included_experts(assessments))
        used = cls.counted(assessments)
        if not used:
            return cls(
                None, None, None, None, 0, editorial_estimate=True, expert_assessments=experts
            )
        from_experts = not used[0].editorial_estimate
        means = {
            dim: round(float(mean(getattr(a, dim) for a in used)), 2) for dim in cls.DIMENSIONS
        }
        return cls(
            **means,
            overall=round(mean(means.values()), 2),
            assessments=len(used),
            editorial_estimate=not from_experts,
            spread=cls.spread_of(used) if from_experts else None,
            expert_assessments=experts,
        )

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "source": self.source}

    def for_goal(self, goal: str) -> float | None:
        """The mean that matters for a company's goal; `balanced` is the overall mean."""
        return self.overall if goal == vocabularies.DEFAULT_GOAL else getattr(self, goal)


class UseCaseQuerySet(models.QuerySet["UseCase"]):
    def published(self) -> UseCaseQuerySet:
        """Only published use cases are ever shown or matched."""
        return self.filter(status=UseCase.Status.PUBLISHED)

    def for_display(self) -> UseCaseQuerySet:
        """Published, with what pages and the API show next to each one."""
        return (
            self.published()
            .select_related("cluster")
            .prefetch_related(
                models.Prefetch(
                    "assessments", queryset=ExpertAssessment.objects.select_related("expert")
                )
            )
        )


class UseCase(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    class Effort(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class EmbeddingStatus(models.TextChoices):
        STALE = "stale", _("Stale")
        CURRENT = "current", _("Current")
        FAILED = "failed", _("Failed")

    slug = models.SlugField(_("short name (in addresses)"), max_length=120, unique=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="use_cases", verbose_name=_("cluster")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"))
    data_needed = models.TextField(_("data needed"))
    business_functions = models.JSONField(_("business functions"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    ai_techniques = models.JSONField(_("AI techniques"), default=list, blank=True)
    obstacles = models.JSONField(_("obstacles"), default=list, blank=True)
    effort = models.CharField(
        _("effort"), max_length=10, choices=Effort.choices, default=Effort.MEDIUM
    )
    # This use case's own first step per obstacle, where editors wrote one:
    # {"data_availability": {"en": "...", "de": "..."}}; others get the general step.
    first_steps = models.JSONField(
        _("first steps per obstacle"),
        default=dict,
        blank=True,
        help_text=_(
            'Optional, per obstacle code, both languages: {"data_availability": {"en": "...", '
            '"de": "..."}}. Obstacles without one get the general first step.'
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    embedding_status = models.CharField(
        _("embedding"),
        max_length=10,
        choices=EmbeddingStatus.choices,
        default=EmbeddingStatus.STALE,
    )
    embedding_error = models.TextField(_("embedding error"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("status changed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UseCaseQuerySet.as_manager()

    # Which status each status may move to. Moves into or out of "published" change what
    # companies see, so they need the publish permission; the others are editorial housekeeping.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.PUBLISHED, Status.RETIRED),
        Status.PUBLISHED: (Status.DRAFT, Status.RETIRED),
        Status.RETIRED: (Status.DRAFT,),
    }

    class Meta:
        ordering = ["cluster__ordering", "slug"]
        verbose_name = _("use case")
        verbose_name_plural = _("use cases")
        permissions = [("publish_usecase", _("Can publish and retire use cases"))]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        vocabularies.validate_codes(
            vocabularies.BUSINESS_FUNCTIONS, "business_functions", self.business_functions
        )
        vocabularies.validate_codes(vocabularies.INDUSTRIES, "industries", self.industries)
        vocabularies.validate_codes(vocabularies.AI_TECHNIQUES, "ai_techniques", self.ai_techniques)
        vocabularies.validate_codes(vocabularies.OBSTACLES, "obstacles", self.obstacles)
        problems = first_steps_problems(self.first_steps)
        if problems:
            raise ValidationError({"first_steps": "; ".join(problems)})

    @property
    def value_potential(self) -> ValuePotential:
        """Computed from `assessments.all()`, so prefetch them when listing many use cases."""
        return ValuePotential.from_assessments(list(self.assessments.all()))

    def assessment_spread(self) -> dict[str, list[int]]:
        """Lowest and highest score per dimension among the included expert assessments (for
        editors, also below the public threshold), else among the editorial estimates."""
        assessments = list(self.assessments.all())
        experts = ValuePotential.included_experts(assessments)
        return ValuePotential.spread_of(experts or ValuePotential.counted(assessments))

    def ranked_obstacles(self) -> list[tuple[str, int]]:
        """The obstacles experts named as most serious, as (code, experts naming it), the
        most serious first: a first place weighs 3, a second 2, a third 1."""
        points: dict[str, int] = {}
        named: dict[str, int] = {}
        for assessment in ValuePotential.included_experts(list(self.assessments.all())):
            for place, code in enumerate(assessment.obstacles[: ExpertAssessment.OBSTACLES_RANKED]):
                points[code] = points.get(code, 0) + ExpertAssessment.OBSTACLES_RANKED - place
                named[code] = named.get(code, 0) + 1
        order = list(vocabularies.OBSTACLES)
        ranked = sorted(
            points,
            key=lambda c: (-points[c], -named[c], order.index(c) if c in order else len(order)),
        )
        return [(code, named[code]) for code in ranked]

    def obstacle_codes(self) -> list[str]:
        """The experts' ranking where experts named obstacles, else the editors' list."""
        ranked = self.ranked_obstacles()
        return [code for code, _named in ranked] if ranked else list(self.obstacles)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())

    def move_needs_publish_permission(self, status: str) -> bool:
        return self.Status.PUBLISHED in (self.status, status)

    def problem_statements_in(self, language: str) -> list[str]:
        return [s.text for s in self.problem_statements.all() if s.language == language]


# Filter for counting a cluster's published use cases in annotations.
PUBLISHED_IN_CLUSTER = models.Q(use_cases__status=UseCase.Status.PUBLISHED)


class ProblemStatement(models.Model):
    """A pain described the way a company would say it, without AI vocabulary."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        GERMAN = "de", "Deutsch"

    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.CASCADE,
        related_name="problem_statements",
        verbose_name=_("use case"),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    text = models.CharField(_("text"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    from_catalog = models.BooleanField(
        _("from the catalog files"),
        default=False,
        help_text=_("Loaded from the catalog files; admin-added statements are kept."),
    )

    class Meta:
        ordering = ["use_case", "language", "position", "id"]
        verbose_name = _("problem statement")
        verbose_name_plural = _("problem statements")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "language", "text"], name="unique_problem_statement"
            )
        ]

    def __str__(self) -> str:
        return self.text


class UseCaseChange(models.Model):
    """One edit of a use case: who made it, when, how, and each field's old and new value."""

    class Source(models.TextChoices):
        ADMIN = "admin", _("Admin form")
        IMPORT = "import", _("Import")
        STATUS = "status", _("Status change")
        QUERY = "query", _("From a company query")

    use_case = models.ForeignKey(
        UseCase, on_delete=models.CASCADE, related_name="changes", verbose_name=_("use case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # {field name: [old value, new value]}, values as JSON (texts, code lists, slugs)
    fields = models.JSONField(_("changed fields"), default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("use case change")
        verbose_name_plural = _("use case changes")

    def __str__(self) -> str:
        return f"{self.use_case_id} {self.changed_at:%Y-%m-%d %H:%M} {', '.join(self.fields)}"


class Expert(models.Model):
    """A member of the expert panel, invited by an editor to rate the use cases of some clusters.

    The row is the invitation until the expert accepts it with an account; the account then
    has the expert role. Only experts who agreed appear on the public panel page.
    """

    VALID_DAYS = 14

    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("email"), unique=True)
    fields_of_expertise = models.CharField(
        _("fields of expertise"),
        max_length=500,
        help_text=_("Comma-separated, as they appear on the public panel page."),
    )
    clusters = models.ManyToManyField(
        Cluster, related_name="experts", verbose_name=_("clusters they may rate")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
        editable=False,
        verbose_name=_("account"),
    )
    listed_publicly = models.BooleanField(
        _("listed on the panel page"),
        default=False,
        help_text=_("Set by the expert: name, organisation and fields shown publicly."),
    )
    token = models.UUIDField(_("invitation key"), default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def invitation_open(self) -> bool:
        expires = self.invited_at + timedelta(days=self.VALID_DAYS)
        return self.accepted_at is None and timezone.now() < expires

    def fields_list(self) -> list[str]:
        return [f.strip() for f in self.fields_of_expertise.split(",") if f.strip()]


class ExpertAssessment(models.Model):
    """Value scores for one use case: an editorial estimate, an expert's rating typed in by an
    editor, or a panel expert's own rating (one per expert and use case, each change kept in
    `revisions`)."""

    class Confidence(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    OBSTACLES_RANKED = 3

    use_case = models.ForeignKey(
        UseCase, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("use case")
    )
    expert = models.ForeignKey(
        Expert,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("panel expert"),
    )
    assessor = models.CharField(_("assessor (name or role)"), max_length=200)
    assessed_on = models.DateField(_("date"))
    editorial_estimate = models.BooleanField(
        _("editorial estimate"),
        default=False,
        help_text=_("An initial estimate by the catalog editors, not an expert interview."),
    )
    revenue = models.PositiveSmallIntegerField(_("revenue increase"), validators=SCORE_VALIDATORS)
    company_value = models.PositiveSmallIntegerField(
        _("company-value increase"), validators=SCORE_VALIDATORS
    )
    cost_reduction = models.PositiveSmallIntegerField(
        _("cost reduction"), validators=SCORE_VALIDATORS
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=Confidence.choices, null=True, blank=True
    )
    # Obstacle codes, the most serious first (at most OBSTACLES_RANKED).
    obstacles = models.JSONField(_("most serious obstacles"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    excluded = models.BooleanField(_("excluded"), default=False, editable=False)
    exclusion_reason = models.TextField(_("reason for exclusion"), blank=True, editable=False)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("excluded by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, null=True)

    class Meta:
        ordering = ["use_case", "-assessed_on", "assessor"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "assessor", "assessed_on"],
                condition=models.Q(expert__isnull=True),
                name="one_assessment_per_day",
            ),
            models.UniqueConstraint(
                fields=["use_case", "expert"], name="one_assessment_per_expert_and_use_case"
            ),
            models.CheckConstraint(
                condition=models.Q(excluded=False) | ~models.Q(exclusion_reason=""),
                name="assessment_excluded_with_reason",
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{dim}__gte": 1, f"{dim}__lte": 5}),
                    name=f"assessment_{dim}_1_to_5",
                )
                for dim in ValuePotential.DIMENSIONS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} on {self.use_case.slug} ({self.assessed_on})"

    def clean(self) -> None:
        vocabularies.validate_codes(vocabularies.OBSTACLES, "obstacles", self.obstacles)


class AssessmentRevision(models.Model):
    """One state of an assessment: what an expert saved, or an editor's exclusion or inclusion."""

    class Kind(models.TextChoices):
        RATED = "rated", _("Rated")
        EXCLUDED = "excluded", _("Excluded")
        INCLUDED = "included", _("Included again")

    assessment = models.ForeignKey(
        ExpertAssessment,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("assessment"),
    )
    kind = models.CharField(_("what happened"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # The scores, confidence, obstacles and comment after a rating; the reason of an exclusion.
    values = models.JSONField(_("values"), default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("assessment revision")
        verbose_name_plural = _("assessment revisions")

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
