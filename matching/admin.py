from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from matching.models import IndexBuild, ResultFeedback, Submission


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the system writes; admins read them but never edit them by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "excerpt", "language", "goal", "low_confidence", "top_result")
    list_filter = ("low_confidence", "language", "goal", "created_at")
    search_fields = ("text",)
    date_hierarchy = "created_at"

    @admin.display(description=_("description"))
    def excerpt(self, submission: Submission) -> str:
        return Truncator(submission.text).chars(90)

    @admin.display(description=_("best match"))
    def top_result(self, submission: Submission) -> str:
        return submission.results[0]["use_case"]["title"] if submission.results else "-"


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
