from __future__ import annotations

import uuid

import numpy as np
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from matching.schemas import ProblemResults, RankedUseCase, load_groups, load_results
from usecases.models import UseCase


class TextEmbedding(models.Model):
    """One embedded catalog text; re-encoded only when its content hash or the model changes."""

    class Kind(models.TextChoices):
        TITLE = "title", _("Title")
        SUMMARY = "summary", _("Summary")
        DESCRIPTION = "description", _("Description sentence")
        PROBLEM_STATEMENT = "problem_statement", _("Problem statement")

    use_case = models.ForeignKey(
        UseCase, on_delete=models.CASCADE, related_name="embeddings", verbose_name=_("use case")
    )
    kind = models.CharField(_("kind of text"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    model_name = models.CharField(_("model"), max_length=300)
    dimensions = models.PositiveSmallIntegerField(_("dimensions"))
    vector = models.BinaryField(_("vector"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("text embedding")
        verbose_name_plural = _("text embeddings")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "kind", "language", "position"], name="one_vector_per_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.use_case_id}/{self.kind}/{self.language}/{self.position}"

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype=np.float32)


class IndexBuild(models.Model):
    """One FAISS index written to disk; the highest version is the one to serve."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    model_name = models.CharField(_("models"), max_length=300)
    index_type = models.CharField(_("index type"), max_length=40)
    vectors = models.PositiveIntegerField(_("vectors"))
    use_cases = models.PositiveIntegerField(_("use cases"))
    dimensions = models.PositiveSmallIntegerField(_("dimensions"))
    duration_ms = models.PositiveIntegerField(_("build time (ms)"))
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("index build")
        verbose_name_plural = _("index builds")

    def __str__(self) -> str:
        return f"index v{self.version} ({self.vectors} vectors, {self.model_name})"

    @staticmethod
    def describe_models(models: dict[str, str]) -> str:
        """`model_name` for a build from these models: "en: <model>; de: <model>"."""
        return "; ".join(f"{language}: {name}" for language, name in models.items())

    def models_by_language(self) -> dict[str, str]:
        """The model whose vectors each language's index holds, as `describe_models` wrote it;
        web processes build this version from exactly those models' stored vectors."""
        models = {}
        for entry in self.model_name.split("; "):
            language, separator, name = entry.partition(": ")
            if separator:
                models[language] = name
        return models


class Submission(models.Model):
    """A company's stored problem description with the results it was shown."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    text = models.TextField(_("description"))
    language = models.CharField(_("language"), max_length=2)
    goal = models.CharField(_("goal"), max_length=20)
    value_weight = models.FloatField(_("value weight"))
    top_k = models.PositiveSmallIntegerField(_("results asked for"))
    low_confidence = models.BooleanField(_("uncertain match"), default=False, db_index=True)
    industry = models.CharField(_("industry"), max_length=40, blank=True)
    company_size = models.CharField(_("company size"), max_length=20, blank=True)
    business_function = models.CharField(_("business function"), max_length=40, blank=True)
    results = models.JSONField(_("results"), default=list)
    # One {text, results} per problem when the description named several; empty otherwise.
    groups = models.JSONField(_("problems"), default=list, blank=True)
    # The readiness check's answers ({question key: option value}); null when not answered.
    readiness = models.JSONField(_("readiness answers"), null=True, blank=True)
    model_name = models.CharField(_("models"), max_length=300)
    index_version = models.PositiveIntegerField(_("index version"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stored query")
        verbose_name_plural = _("stored queries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("matching:results", args=[self.pk])

    def shown_results(self) -> list[RankedUseCase]:
        """The stored results, typed (matching.schemas; older stored shapes load too)."""
        return load_results(self.results)

    def shown_groups(self) -> list[ProblemResults]:
        """The stored problems with their results, typed; empty for one problem."""
        return load_groups(self.groups or [])


class ResultFeedback(models.Model):
    """A company's rating of one result of its stored query; rating again replaces it."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("stored query"),
    )
    use_case_slug = models.SlugField(_("use case"), max_length=120)
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("result rating")
        verbose_name_plural = _("result ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "use_case_slug"], name="one_rating_per_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.use_case_slug}: {'helpful' if self.helpful else 'not helpful'}"
