from __future__ import annotations

import uuid

import numpy as np
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from usecases.models import UseCase


class TextEmbedding(models.Model):
    """One embedded catalog text; re-encoded only when its content hash or the model changes."""

    class Kind(models.TextChoices):
        TITLE = "title", _("Title")
        SUMMARY = "summary", _("Summary")
        DESCRIPTION = "description", _("Description sentence")
        PROBLEM_STATEMENT = "problem_statement", _("Problem statement")

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="embeddings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=2)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    model_name = models.CharField(max_length=300)
    dimensions = models.PositiveSmallIntegerField()
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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

    version = models.PositiveIntegerField(unique=True)
    model_name = models.CharField(max_length=300)
    index_type = models.CharField(max_length=40)
    vectors = models.PositiveIntegerField()
    use_cases = models.PositiveIntegerField()
    dimensions = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

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
    text = models.TextField()
    language = models.CharField(max_length=2)
    goal = models.CharField(max_length=20)
    value_weight = models.FloatField()
    top_k = models.PositiveSmallIntegerField()
    low_confidence = models.BooleanField(default=False, db_index=True)
    industry = models.CharField(max_length=40, blank=True)
    company_size = models.CharField(max_length=20, blank=True)
    business_function = models.CharField(max_length=40, blank=True)
    results = models.JSONField(default=list)
    # One {text, results} per problem when the description named several; empty otherwise.
    groups = models.JSONField(default=list, blank=True)
    model_name = models.CharField(max_length=300)
    index_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("matching:results", args=[self.pk])


class ResultFeedback(models.Model):
    """A company's rating of one result of its stored query; rating again replaces it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="feedback")
    use_case_slug = models.SlugField(max_length=120)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "use_case_slug"], name="one_rating_per_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.use_case_slug}: {'helpful' if self.helpful else 'not helpful'}"
