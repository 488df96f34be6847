from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.users import signed_in_user
from matching.models import IndexBuild, ResultFeedback, Submission
from usecases import curation
from usecases.models import ProblemStatement, UseCase


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the system writes; admins read them but never edit them by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TeachForm(forms.Form):
    """A stored query, trimmed by the editor, as a problem statement of a chosen use case."""

    use_case: forms.ModelChoiceField[UseCase] = forms.ModelChoiceField(
        label=gettext_lazy("Use case"),
        queryset=UseCase.objects.select_related("cluster").order_by("cluster__ordering", "title"),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=ProblemStatement.Language.choices
    )
    text = forms.CharField(
        label=gettext_lazy("Problem statement"),
        max_length=ProblemStatement._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=gettext_lazy(
            "The company's words. Shorten them to the problem and remove names, figures and "
            "anything else that identifies the company."
        ),
    )


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "excerpt",
        "language",
        "goal",
        "low_confidence",
        "top_result",
        "teach_link",
    )
    list_filter = ("low_confidence", "language", "goal", "created_at")
    search_fields = ("text",)
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("description"))
    def excerpt(self, submission: Submission) -> str:
        return Truncator(submission.text).chars(90)

    @admin.display(description=gettext_lazy("best match"))
    def top_result(self, submission: Submission) -> str:
        shown = submission.shown_results()
        return shown[0].use_case.title if shown else "-"

    @admin.display(description=gettext_lazy("teach"))
    def teach_link(self, submission: Submission) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:matching_submission_teach", args=[submission.pk]),
            _("Add as problem statement"),
        )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<uuid:object_id>/teach/",
                self.admin_site.admin_view(self.teach_view),
                name="matching_submission_teach",
            )
        ]
        return own + super().get_urls()

    def teach_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Teach the matcher: a company's description becomes a problem statement of the use
        case it should have found (preselected: the one the company rated helpful, else the
        best match). Only stored queries exist here, so only companies that allowed storing."""
        submission = get_object_or_404(Submission, pk=object_id)
        if not request.user.has_perm("matching.view_submission"):
            return HttpResponse(_("You may not read company queries."), status=403)
        form = TeachForm(request.POST or None, initial=_teach_initial(submission))
        status = 200
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    curation.add_problem_statement(
                        data["use_case"], data["language"], data["text"], signed_in_user(request)
                    )
                except curation.TransitionRefused as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(
                        request,
                        _("Added to “%(use_case)s”; it is matched as soon as it is embedded.")
                        % {"use_case": data["use_case"]},
                    )
                    return redirect("admin:usecases_usecase_change", data["use_case"].pk)
            status = 400
        return TemplateResponse(
            request,
            "admin/matching/submission/teach.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Add a company's words to a use case"),
                "opts": self.model._meta,
                "submission": submission,
                "form": form,
            },
            status=status,
        )


def _teach_initial(submission: Submission) -> dict[str, object]:
    helpful = list(submission.feedback.filter(helpful=True).values_list("use_case_slug", flat=True))
    slugs = [*helpful, *(r.use_case.slug for r in submission.shown_results()[:1])]
    by_slug = UseCase.objects.in_bulk(slugs, field_name="slug")
    use_case = next((by_slug[slug] for slug in slugs if slug in by_slug), None)
    return {
        "use_case": use_case,
        "language": submission.language,
        "text": submission.text[: ProblemStatement._meta.get_field("text").max_length],
    }


@admin.register(ResultFeedback)
class ResultFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("use_case_slug", "helpful", "created_at")
    list_filter = ("helpful",)
    search_fields = ("use_case_slug",)


@admin.register(IndexBuild)
class IndexBuildAdmin(ReadOnlyAdmin):
    list_display = ("version", "built_at", "vectors", "use_cases", "index_type", "duration_ms")
    readonly_fields = ("model_name",)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
