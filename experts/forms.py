from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from experts.services import Rating
from usecases import vocabularies
from usecases.models import ExpertAssessment

SCORES = [(score, str(score)) for score in range(1, 6)]
SCORE_ERRORS = {
    "required": _("Please rate this dimension from 1 to 5."),
    "invalid_choice": _("Please rate this dimension from 1 to 5."),
}
COMMENT_MAX = 2000


class ListingForm(forms.Form):
    listed_publicly = forms.BooleanField(
        required=False,
        label=_(
            "Show my name, organisation and fields of expertise on the public page "
            "“Our expert panel”."
        ),
    )


class ExpertSignupForm(ListingForm):
    """A password for the invited address: the emailed link has already verified it."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


def _obstacle_field(label: str | StrOrPromise) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", _("(none)")), *vocabularies.choices(vocabularies.OBSTACLES)],
    )


class RatingForm(forms.Form):
    revenue = forms.TypedChoiceField(
        label=_("Revenue increase"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=SCORE_ERRORS,
    )
    company_value = forms.TypedChoiceField(
        label=_("Company-value increase"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=SCORE_ERRORS,
    )
    cost_reduction = forms.TypedChoiceField(
        label=_("Cost reduction"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=SCORE_ERRORS,
    )
    confidence = forms.TypedChoiceField(
        label=_("How confident are you in this rating?"),
        choices=ExpertAssessment.Confidence.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please say how confident you are.")},
    )
    obstacle_1 = _obstacle_field(_("Most serious obstacle"))
    obstacle_2 = _obstacle_field(_("Second most serious obstacle"))
    obstacle_3 = _obstacle_field(_("Third most serious obstacle"))
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    OBSTACLE_FIELDS = ("obstacle_1", "obstacle_2", "obstacle_3")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels in the active language: the choices are built when the request is served.
        for name in self.OBSTACLE_FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("(none)")), *vocabularies.choices(vocabularies.OBSTACLES)]

    @classmethod
    def initial_from(cls, assessment: ExpertAssessment | None) -> dict[str, Any]:
        if assessment is None:
            return {}
        initial: dict[str, Any] = {
            "revenue": assessment.revenue,
            "company_value": assessment.company_value,
            "cost_reduction": assessment.cost_reduction,
            "confidence": assessment.confidence,
            "comment": assessment.comment,
        }
        for name, code in zip(cls.OBSTACLE_FIELDS, assessment.obstacles, strict=False):
            initial[name] = code
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = [data.get(name) for name in self.OBSTACLE_FIELDS if data.get(name)]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Please name each obstacle only once."))
        return data

    def rating(self) -> Rating:
        data = self.cleaned_data
        return Rating(
            revenue=data["revenue"],
            company_value=data["company_value"],
            cost_reduction=data["cost_reduction"],
            confidence=data["confidence"],
            obstacles=[data[name] for name in self.OBSTACLE_FIELDS if data.get(name)],
            comment=data["comment"].strip(),
        )


class ExclusionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the exclusion"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=1000,
        help_text=_("For example: an outlier, or a conflict of interest."),
    )
