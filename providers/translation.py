from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from providers.models import Provider


@register(Provider)
class ProviderTranslation(TranslationOptions):
    fields = ("description",)
