from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import choice_field, model_choice_field
from providers.logos import Logo, process_logo
from providers.models import ContactRequest, Provider, ProviderReference
from usecases import vocabularies
from usecases.models import Cluster, UseCase


class UseCasePicker(forms.CheckboxSelectMultiple):
    """Use cases grouped by cluster with a search box that filters them as the user types."""

    template_name = "providers/widgets/use_case_picker.html"


class ProviderProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "PNG, JPEG or WebP, at most 2 MB. We store a cleaned copy, at most 480 pixels."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    regions = forms.MultipleChoiceField(
        label=_("Regions you work in"), widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"), widget=forms.CheckboxSelectMultiple
    )
    company_sizes = forms.MultipleChoiceField(
        label=_("Company sizes you serve"), widget=forms.CheckboxSelectMultiple
    )
    use_cases = forms.ModelMultipleChoiceField(
        label=_("Use cases you deliver"),
        queryset=UseCase.objects.published(),
        required=False,
        widget=UseCasePicker,
    )
    clusters: forms.ModelMultipleChoiceField[Cluster] = forms.ModelMultipleChoiceField(
        label=_("Whole clusters you cover"),
        queryset=Cluster.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only if you deliver every use case of the cluster."),
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "website",
            "locations",
            "description_en",
            "description_de",
            "contact_name",
            "contact_role",
            "contact_email",
            "regions",
            "languages",
            "company_sizes",
            "use_cases",
            "clusters",
        ]
        labels = {
            "description_en": _("Description in English"),
            "description_de": _("Description in German"),
            "contact_email": _("Email address for enquiries"),
            "contact_name": _("Contact person"),
            "contact_role": _("Their role"),
            "locations": _("Locations"),
        }
        help_texts = {
            "contact_name": _("Named on your public page, so companies know whom they write to."),
            "locations": _("Cities, separated by commas, e.g. “Stuttgart, Munich”."),
        }
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "description_de": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "regions").choices = vocabularies.choices(vocabularies.REGIONS)
        choice_field(self, "languages").choices = vocabularies.choices(vocabularies.LANGUAGE_CODES)
        choice_field(self, "company_sizes").choices = vocabularies.choices(
            vocabularies.COMPANY_SIZES
        )
        grouped: dict[str, list[tuple[int, str]]] = {}
        for use_case in (
            UseCase.objects.published()
            .select_related("cluster")
            .order_by("cluster__ordering", "title")
        ):
            grouped.setdefault(use_case.cluster.name, []).append((use_case.pk, use_case.title))
        choice_field(self, "use_cases").choices = list(grouped.items())
        model_choice_field(self, "clusters").queryset = Cluster.objects.order_by("ordering")
        for name in ("description_en", "description_de"):
            self.fields[name].validators.append(MaxLengthValidator(2000))
        # The description in the interface language comes first; the other one is optional.
        if translation.get_language() == "de":
            order = list(self.fields)
            order.remove("description_de")
            order.insert(order.index("description_en"), "description_de")
            self.order_fields(order)

    def clean_logo_upload(self) -> Logo | None:
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        return process_logo(upload)

    @property
    def logo_changed(self) -> bool:
        return bool(self.cleaned_data.get("logo_upload")) or (
            bool(self.cleaned_data.get("remove_logo")) and bool(self.instance.logo_hash)
        )

    def save(self, commit: bool = True) -> Provider:
        provider: Provider = super().save(commit=False)
        logo: Logo | None = self.cleaned_data.get("logo_upload")
        if logo is not None:
            provider.logo, provider.logo_type, provider.logo_hash = (
                logo.data,
                logo.content_type,
                logo.digest,
            )
        elif self.cleaned_data.get("remove_logo"):
            provider.logo, provider.logo_type, provider.logo_hash = b"", "", ""
        if commit:
            provider.save()
            self.save_m2m()
        return provider

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            not (data.get("description_en") or "").strip()
            and not (data.get("description_de") or "").strip()
        ):
            self.add_error("description_en", _("Describe your company in English, German or both."))
        if not data.get("use_cases") and not data.get("clusters"):
            self.add_error("use_cases", _("Pick at least one use case or cluster you deliver."))
        return data


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = ProviderReference
        fields = ["use_case", "client", "summary"]
        labels = {"use_case": _("Use case")}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3, "maxlength": 800})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grouped: dict[str, list[tuple[int | str, str]]] = {}
        for use_case in (
            UseCase.objects.published()
            .select_related("cluster")
            .order_by("cluster__ordering", "title")
        ):
            grouped.setdefault(use_case.cluster.name, []).append((use_case.pk, use_case.title))
        field = model_choice_field(self, "use_case")
        field.queryset = UseCase.objects.published()
        field.choices = [("", "---------"), *grouped.items()]


ReferenceFormSet = forms.inlineformset_factory(
    Provider,
    ProviderReference,
    form=ReferenceForm,
    extra=1,
    max_num=Provider.MAX_REFERENCES,
    validate_max=True,
    can_delete=True,
)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Your colleague's email address"))


class ContactRequestForm(forms.ModelForm):
    # A field people never see (hidden by the style sheet); bots that fill every field do.
    fax_number = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    share_query = forms.BooleanField(
        label=_("Attach my stored problem description and its results"),
        required=False,
    )

    class Meta:
        model = ContactRequest
        fields = ["name", "company", "email", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6, "maxlength": 5000})}

    # The company's name goes into the email's subject, where a line break would let it write
    # headers of its own (and Django refuses to send it): one-line fields are one line.
    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])

    def clean_company(self) -> str:
        return _one_line(self.cleaned_data["company"])

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 20:
            raise forms.ValidationError(
                _("Please write a little more (at least 20 characters) so the provider can help.")
            )
        return message

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("fax_number"))


def _one_line(value: str) -> str:
    """The value with tabs as spaces, or a field error if it holds a line break (Unicode's
    line and paragraph separators included) or another control character, all of which a mail
    header, a log line or a spreadsheet cell may misread."""
    value = value.replace("\t", " ")
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in value):
        raise forms.ValidationError(_("Please enter this on one line."))
    return value


class ContactStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ContactRequest.Status.choices)


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your answer"),
        min_length=20,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
        help_text=_(
            "Sent to the company by email with its request quoted below; its answer comes "
            "straight to your address."
        ),
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the provider)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=10,
        max_length=2000,
    )
