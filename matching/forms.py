from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from core.forms import choice_field
from matching.readiness import QUESTIONS, Answers
from matching.services import InvalidQuery, clean_problem_text
from usecases import vocabularies


def _optional_choices(vocabulary: vocabularies.Vocabulary) -> list[tuple[str, str | StrOrPromise]]:
    """Choices labelled in the active language, computed when the form is built."""
    return [("", _("Any")), *vocabularies.choices(vocabulary)]


class ReadinessForm(forms.Form):
    """The readiness check: one optional choice per question, any subset may be answered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=[(o.value, o.label) for o in question.options],
                required=False,
                widget=forms.RadioSelect,
            )

    def readiness_fields(self) -> list[forms.BoundField]:
        return [self[question.key] for question in QUESTIONS]

    def answers(self) -> Answers:
        """The answered questions (call after is_valid)."""
        return {q.key: self.cleaned_data[q.key] for q in QUESTIONS if self.cleaned_data.get(q.key)}


class ProblemForm(ReadinessForm):
    text = forms.CharField(
        label=_("Describe the business problem you want to solve"),
        widget=forms.Textarea(attrs={"rows": 7, "data-counter": "5000"}),
        required=False,  # clean_text gives the one clear message for empty input
        strip=False,
        help_text=_("In your own words, as you would explain it to a colleague."),
    )
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    company_size = forms.ChoiceField(label=_("Company size"), required=False)
    business_function = forms.ChoiceField(label=_("Business function"), required=False)
    goal = forms.ChoiceField(
        label=_("Your goal"),
        choices=lambda: vocabularies.choices(vocabularies.GOALS),
        initial=vocabularies.DEFAULT_GOAL,
        widget=forms.RadioSelect,
    )
    dont_store = forms.BooleanField(
        label=_("Don't store my description"),
        required=False,
        help_text=_("Your description and results are then shown once and not kept."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "industry").choices = _optional_choices(vocabularies.INDUSTRIES)
        choice_field(self, "company_size").choices = _optional_choices(vocabularies.COMPANY_SIZES)
        choice_field(self, "business_function").choices = _optional_choices(
            vocabularies.BUSINESS_FUNCTIONS
        )

    def clean_text(self) -> str:
        try:
            return clean_problem_text(self.cleaned_data.get("text") or "")
        except InvalidQuery as exc:
            raise forms.ValidationError(exc.message) from exc


class ReweightForm(forms.Form):
    """Re-order a stored result page by another goal and value weight."""

    goal = forms.ChoiceField(
        label=_("Your goal"),
        choices=lambda: vocabularies.choices(vocabularies.GOALS),
        initial=vocabularies.DEFAULT_GOAL,
    )
    weight = forms.IntegerField(
        label=_("How much value potential counts"), min_value=0, max_value=100, initial=10
    )


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Helpful")), ("no", _("Not helpful"))],
        coerce=lambda value: value == "yes",
    )
