from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from usecases.models import Cluster, ExpertAssessment, UseCase
from usecases.vocabularies import LANGUAGES


@register(Cluster)
class ClusterTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = LANGUAGES


@register(UseCase)
class UseCaseTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "data_needed")
    required_languages = LANGUAGES


@register(ExpertAssessment)
class ExpertAssessmentTranslation(TranslationOptions):
    fields = ("comment",)
