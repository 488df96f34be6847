from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from import_export.admin import ImportExportMixin
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from core.users import signed_in_user
from matching.index import IndexUnavailable
from matching.indexing import with_embedding_state
from matching.models import Submission
from matching.services import InvalidQuery, clean_problem_text, preview_rank
from matching.tasks import refresh_use_cases
from usecases import vocabularies
from usecases.curation import (
    PUBLISH_ONLY,
    PUBLISH_PERMISSION,
    TransitionRefused,
    change_status,
    may_delete,
    may_edit,
    record_change,
    snapshot,
)
from usecases.importing import CatalogImportForm, ImportRefused, LimitedCSV, LimitedXLSX
from usecases.models import (
    Cluster,
    Expert,
    ExpertAssessment,
    ProblemStatement,
    UseCase,
    UseCaseChange,
    ValuePotential,
)
from usecases.resources import (
    ClusterResource,
    ExpertAssessmentResource,
    ProblemStatementResource,
    UseCaseResource,
)

DIMENSION_NAMES = {
    "revenue": _("Revenue"),
    "company_value": _("Company value"),
    "cost_reduction": _("Cost reduction"),
}
# Two experts who differ by this many points on one dimension disagree enough to look at.
WIDE_SPREAD = 2
STATUS_MOVE_LABELS: dict[str, StrOrPromise] = {
    UseCase.Status.PUBLISHED: _("Publish"),
    UseCase.Status.RETIRED: _("Retire"),
    UseCase.Status.DRAFT: _("Back to draft"),
}
HISTORY_SHOWN = 30
# Named where the admin lists what this user may not delete.
UNDELETABLE = gettext_noop(
    "published use cases (retire them first) and, without the publish permission, retired ones"
)
PARTS_OF_PUBLISHED = gettext_noop(
    "problem statements and assessments of published or retired use cases (needs the publish "
    "permission)"
)


class CatalogImportExport(ImportExportMixin):
    """CSV and XLSX import with a dry-run preview of every row before anything is written.

    Files too large to read safely are refused before they are parsed (usecases/importing.py).
    """

    formats = (LimitedCSV, LimitedXLSX)
    import_template_name = "admin/usecases/import.html"
    import_form_class = CatalogImportForm

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        if isinstance(e, ImportRefused):
            form.add_error("import_file", str(e))  # our own message, already translated
            return
        super().add_data_read_fail_error_to_form(form, e)

    # django-import-export lets every admin user import and export unless told otherwise.
    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(Cluster)
class ClusterAdmin(CatalogImportExport, TabbedTranslationAdmin):
    resource_classes = [ClusterResource]
    list_display = ("name", "slug", "ordering", "use_case_count")
    search_fields = ("slug", "name_en", "name_de")
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cluster]:
        return super().get_queryset(request).annotate(use_case_total=Count("use_cases"))

    @admin.display(description=_("use cases"), ordering="use_case_total")
    def use_case_count(self, cluster: Cluster) -> int:
        return cluster.use_case_total  # type: ignore[attr-defined]  # get_queryset annotates it


class ProblemStatementInline(admin.TabularInline):
    model = ProblemStatement
    extra = 1
    fields = ("language", "text", "position", "from_catalog")
    readonly_fields = ("from_catalog",)


class ExpertAssessmentInline(TranslationTabularInline):
    model = ExpertAssessment
    extra = 0
    classes = ("compact-assessments",)
    # Compact rows: scores are one digit and comments a short note, so the table fits the page.
    formfield_overrides = {
        models.PositiveSmallIntegerField: {
            "widget": forms.NumberInput(attrs={"min": 1, "max": 5, "class": "score-input"})
        },
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 18})},
    }

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # Short column heads: the full names are long and stretch the table past the page.
        for name, label in DIMENSION_NAMES.items():
            formset.form.base_fields[name].label = label
        formset.form.base_fields["editorial_estimate"].label = _("Estimate")
        return formset

    fields = (
        "assessor",
        "assessed_on",
        "editorial_estimate",
        "revenue",
        "company_value",
        "cost_reduction",
        "comment",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExpertAssessment]:
        # Panel experts' own ratings are theirs: editors review them on the assessments page.
        return super().get_queryset(request).filter(expert__isnull=True)


class PreviewForm(forms.Form):
    problem = forms.CharField(
        required=False,  # an empty problem gets the same message as on the start page
        label=_("Problem as a company would describe it"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )

    def clean_problem(self) -> str:
        try:
            return clean_problem_text(self.cleaned_data["problem"])
        except InvalidQuery as exc:
            raise forms.ValidationError(exc.message) from None


CODE_LIST_VOCABULARIES = {
    "business_functions": vocabularies.BUSINESS_FUNCTIONS,
    "industries": vocabularies.INDUSTRIES,
    "ai_techniques": vocabularies.AI_TECHNIQUES,
    "obstacles": vocabularies.OBSTACLES,
}


class UseCaseAdminForm(forms.ModelForm):
    """Code lists as checkboxes with their labels, instead of JSON typed by hand."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, vocabulary in CODE_LIST_VOCABULARIES.items():
            if name in self.fields:
                model_field = UseCase._meta.get_field(name)
                self.fields[name] = forms.MultipleChoiceField(
                    label=capfirst(getattr(model_field, "verbose_name", name)),
                    choices=vocabularies.choices(vocabulary),
                    required=False,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "code-list"}),
                )


@admin.register(UseCase)
class UseCaseAdmin(CatalogImportExport, TabbedTranslationAdmin):
    form = UseCaseAdminForm
    resource_classes = [UseCaseResource]
    change_form_template = "admin/usecases/usecase/change_form.html"
    list_display = (
        "title",
        "cluster",
        "status",
        "effort",
        "value_potential_overall",
        "widest_spread",
        "embedding",
        "updated_at",
    )
    list_filter = ("status", "cluster", "effort", "embedding_status")
    search_fields = ("slug", "title_en", "title_de", "summary_en", "summary_de")
    prepopulated_fields = {"slug": ("title_en",)}
    exclude = ("embedding_status",)  # shown by `embedding`, which knows the configured models
    readonly_fields = (
        "status",
        "status_changed_at",
        "status_changed_by",
        "value_potential_summary",
        "assessment_spread",
        "embedding",
        "embedding_error",
        "created_at",
        "updated_at",
        "change_history",
    )
    inlines = (ProblemStatementInline, ExpertAssessmentInline)
    list_select_related = ("cluster",)
    actions = ("reembed_selected",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[UseCase]:
        return with_embedding_state(super().get_queryset(request).prefetch_related("assessments"))

    # Editorial workflow: editors without the publish permission work on drafts only.

    def has_change_permission(self, request: HttpRequest, obj: UseCase | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None
            or obj.status == UseCase.Status.DRAFT
            or request.user.has_perm(PUBLISH_PERMISSION)
        )

    def has_delete_permission(self, request: HttpRequest, obj: UseCase | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or may_delete(request.user, obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        """The bulk "delete selected" action asks for permission without naming a use case;
        refuse it here when any selected use case may not be deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not may_delete(request.user, use_case) for use_case in objs):
            perms_needed.add(gettext(UNDELETABLE))
        return deleted, counts, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: UseCase) -> None:
        if not may_delete(request.user, obj):
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[UseCase]) -> None:
        if any(not may_delete(request.user, use_case) for use_case in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def status_moves(self, request: HttpRequest, use_case: UseCase) -> list[tuple[str, str]]:
        """The status changes this user may make, as (status, button label)."""
        may_publish = request.user.has_perm(PUBLISH_PERMISSION)
        return [
            (status, str(STATUS_MOVE_LABELS[status]))
            for status in UseCase.TRANSITIONS[use_case.status]
            if may_publish or not use_case.move_needs_publish_permission(status)
        ]

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/status/",
                self.admin_site.admin_view(require_POST(self.status_view)),
                name="usecases_usecase_status",
            ),
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(require_GET(self.preview_view)),
                name="usecases_usecase_preview",
            ),
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        use_case = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if use_case is not None and self.has_change_permission(request):
            extra_context["status_moves"] = self.status_moves(request, use_case)
        extra_context["preview_form"] = PreviewForm()
        return super().change_view(request, object_id, form_url, extra_context)

    def status_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        use_case = get_object_or_404(UseCase, pk=object_id)
        status = request.POST.get("status", "")
        if status not in UseCase.Status.values:
            return HttpResponseBadRequest(gettext("Unknown status."))
        if use_case.move_needs_publish_permission(status) and not request.user.has_perm(
            PUBLISH_PERMISSION
        ):
            raise PermissionDenied
        try:
            change_status(use_case, status, signed_in_user(request))
        except TransitionRefused as exc:
            return HttpResponseBadRequest(str(exc))
        self.message_user(
            request,
            gettext("“%(title)s” is now %(status)s.")
            % {"title": use_case.title, "status": use_case.get_status_display()},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:usecases_usecase_change", args=[use_case.pk]))

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """How the use case, with its saved texts, would rank for a test problem."""
        use_case = get_object_or_404(UseCase, pk=object_id)
        if not self.has_view_or_change_permission(request, use_case):
            raise PermissionDenied
        form = PreviewForm(request.GET)
        preview, status = None, 200
        if form.is_valid():
            try:
                preview = preview_rank(use_case, form.cleaned_data["problem"])
            except IndexUnavailable:
                form.add_error(None, gettext("There is no search index yet; rebuild it first."))
                status = 503
        else:
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": use_case,
            "title": gettext("Try a problem: %(title)s") % {"title": use_case.title},
            "form": form,
            "preview": preview,
        }
        # The box beside the form asks for the result alone (its script adds `fragment`);
        # without JavaScript the same address answers with the whole page.
        context["fragment"] = bool(request.GET.get("fragment"))
        template = (
            "admin/usecases/usecase/_preview_result.html"
            if context["fragment"]
            else "admin/usecases/usecase/preview.html"
        )
        return TemplateResponse(request, template, context, status=status)

    # The change history: the values before an admin save, compared after inlines are saved.

    def save_model(self, request: HttpRequest, obj: UseCase, form: Any, change: bool) -> None:
        stored = UseCase.objects.filter(pk=obj.pk).first() if change else None
        request._use_case_before = snapshot(stored) if stored else {}  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_use_case_before", {})
        record_change(form.instance, before, request.user, UseCaseChange.Source.ADMIN)

    # "Create draft use case from this" on the insights page: prefilled from a gap query.

    def _gap_query(self, request: HttpRequest) -> Submission | None:
        try:
            pk = uuid.UUID(request.GET.get("from_query", ""))
        except ValueError:
            return None
        return Submission.objects.filter(pk=pk, low_confidence=True).first()

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        query = self._gap_query(request)
        if query is not None:
            initial[f"description_{query.language}"] = query.text
        return initial

    def get_formset_kwargs(
        self, request: HttpRequest, obj: UseCase, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        query = self._gap_query(request) if request.method == "GET" else None
        if query is not None and isinstance(inline, ProblemStatementInline):
            text = query.text[: ProblemStatement._meta.get_field("text").max_length]
            kwargs["initial"] = [{"language": query.language, "text": text}]
        return kwargs

    @admin.action(description=_("Re-embed selected use cases"))
    def reembed_selected(self, request: HttpRequest, queryset: QuerySet[UseCase]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        try:
            refresh_use_cases.delay(ids)
        except Exception as exc:  # broker down, or (eagerly) the encoding itself failed
            self.message_user(
                request,
                gettext("Re-embedding failed: %(error)s") % {"error": exc},
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            gettext("Re-embedding of %(count)d use cases queued.") % {"count": len(ids)},
            messages.SUCCESS,
        )

    @admin.display(description=_("embedding"), ordering="embedding_state")
    def embedding(self, use_case: UseCase) -> str:
        state = getattr(use_case, "embedding_state", use_case.embedding_status)
        label = UseCase.EmbeddingStatus(state).label
        if state == UseCase.EmbeddingStatus.FAILED:
            return format_html(
                '<span class="embedding-failed" title="{}">{}</span>',
                use_case.embedding_error,
                label,
            )
        return format_html('<span class="embedding-{}">{}</span>', state, label)

    @admin.display(description=_("value potential"))
    def value_potential_overall(self, use_case: UseCase) -> str:
        potential = use_case.value_potential
        if potential.overall is None:
            return "-"
        return f"{potential.overall:.1f}"

    @admin.display(description=_("value potential (mean of 1 to 5)"))
    def value_potential_summary(self, use_case: UseCase) -> str:
        potential = use_case.value_potential
        if not potential.assessments:
            return str(_("No assessments yet."))
        source = (
            _("editorial estimate") if potential.editorial_estimate else _("expert assessments")
        )
        summary = _(
            "Revenue %(revenue).1f · company value %(company_value).1f · "
            "cost reduction %(cost_reduction).1f · overall %(overall).1f "
            "(%(count)d %(source)s)"
        ) % {
            "revenue": potential.revenue,
            "company_value": potential.company_value,
            "cost_reduction": potential.cost_reduction,
            "overall": potential.overall,
            "count": potential.assessments,
            "source": source,
        }
        if potential.editorial_estimate and potential.expert_assessments:
            summary += " · " + gettext(
                "%(count)d of %(needed)d expert assessments needed for expert figures"
            ) % {"count": potential.expert_assessments, "needed": ValuePotential.EXPERTS_NEEDED}
        return str(summary)

    @admin.display(description=_("spread of the assessments (lowest to highest)"))
    def assessment_spread(self, use_case: UseCase) -> str:
        spread = use_case.assessment_spread()
        if not spread:
            return str(_("No assessments yet."))
        return format_html_join(
            " · ",
            '<span class="{}">{} {} to {}</span>',
            (
                (
                    "spread-wide" if high - low >= WIDE_SPREAD else "spread",
                    DIMENSION_NAMES[dim],
                    low,
                    high,
                )
                for dim, (low, high) in spread.items()
            ),
        )

    @admin.display(description=_("widest spread"))
    def widest_spread(self, use_case: UseCase) -> str:
        spread = use_case.assessment_spread()
        if not spread:
            return "-"
        width = max(high - low for low, high in spread.values())
        if width >= WIDE_SPREAD:
            return format_html('<strong class="spread-wide">{}</strong>', width)
        return str(width)

    @admin.display(description=_("change history"))
    def change_history(self, use_case: UseCase) -> str:
        changes = use_case.changes.select_related("user")[:HISTORY_SHOWN]
        if not changes:
            return str(_("No changes recorded yet."))
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{change.changed_at:%Y-%m-%d %H:%M}",
                    change.user or "-",
                    change.get_source_display(),
                    field,
                    _display_value(old),
                    _display_value(new),
                )
                for change in changes
                for field, (old, new) in change.fields.items()
            ),
        )
        return format_html(
            '<table class="change-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("when"),
            _("who"),
            _("how"),
            _("field"),
            _("old"),
            _("new"),
            rows,
        )


def _display_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return " | ".join(str(item) for item in value)
    return str(value)


class UseCasePartAdmin(CatalogImportExport, admin.ModelAdmin):
    """Problem statements and assessments are part of what companies see of their use case, so
    editing them on their own pages follows the use case's rule (drafts for every editor,
    published and retired ones only with the publish permission) and is recorded in its
    change history like an edit of the use case itself."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_edit(request.user, obj.use_case)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or may_edit(request.user, obj.use_case)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class UseCasePartForm(form):  # type: ignore[valid-type, misc]
            def clean_use_case(self) -> UseCase:
                use_case = self.cleaned_data["use_case"]
                if use_case is not None and not may_edit(user, use_case):
                    raise forms.ValidationError(gettext(PUBLISH_ONLY))
                return use_case

        return UseCasePartForm

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not may_edit(request.user, part.use_case) for part in objs):
            perms_needed.add(gettext(PARTS_OF_PUBLISHED))
        return deleted, counts, perms_needed, protected

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        previous = type(obj).objects.filter(pk=obj.pk).values_list("use_case", flat=True)
        with recorded(request.user, {obj.use_case_id, *previous}):
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if not may_edit(request.user, obj.use_case):
            raise PermissionDenied
        with recorded(request.user, {obj.use_case_id}):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        parts = list(queryset.select_related("use_case"))
        if any(not may_edit(request.user, part.use_case) for part in parts):
            raise PermissionDenied
        with recorded(request.user, {part.use_case_id for part in parts}):
            super().delete_queryset(request, queryset)


@contextmanager
def recorded(user: Any, use_case_ids: set[int]) -> Iterator[None]:
    """Record, after the block, each listed use case's changes as one admin edit."""
    before = {
        use_case.pk: snapshot(use_case) for use_case in UseCase.objects.filter(pk__in=use_case_ids)
    }
    with transaction.atomic():
        yield
        for use_case in UseCase.objects.filter(pk__in=list(before)):
            record_change(use_case, before[use_case.pk], user, UseCaseChange.Source.ADMIN)


class ReviewStateFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("new", _("New (not yet reviewed)")),
            ("included", _("Included")),
            ("excluded", _("Excluded")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ExpertAssessment]
    ) -> QuerySet[ExpertAssessment]:
        if self.value() == "new":
            return queryset.filter(expert__isnull=False, reviewed_at__isnull=True)
        if self.value() == "included":
            return queryset.filter(excluded=False)
        if self.value() == "excluded":
            return queryset.filter(excluded=True)
        return queryset


@admin.register(ExpertAssessment)
class ExpertAssessmentAdmin(UseCasePartAdmin):
    resource_classes = [ExpertAssessmentResource]
    list_display = (
        "use_case",
        "assessor",
        "assessed_on",
        "editorial_estimate",
        "revenue",
        "company_value",
        "cost_reduction",
        "confidence",
        "review_state",
        "conflict_of_interest",
    )
    list_filter = (ReviewStateFilter, "editorial_estimate", "use_case__cluster")
    search_fields = ("assessor", "use_case__slug", "use_case__title_en")
    list_select_related = ("use_case", "expert")
    autocomplete_fields = ("use_case",)
    actions = ("mark_reviewed", "exclude_with_reason", "include_again")
    EXPERT_FIELDS = (
        "use_case",
        "expert",
        "assessor",
        "assessed_on",
        "revenue",
        "company_value",
        "cost_reduction",
        "confidence",
        "obstacles",
        "comment",
    )
    REVIEW_FIELDS = ("excluded", "exclusion_reason", "excluded_by", "reviewed_at", "history")

    def get_export_queryset(self, request: HttpRequest) -> QuerySet[ExpertAssessment]:
        # Exports are for editing and importing again; panel experts' ratings are not editable.
        return super().get_export_queryset(request).filter(expert__isnull=True)

    def get_readonly_fields(
        self, request: HttpRequest, obj: ExpertAssessment | None = None
    ) -> tuple[str, ...]:
        # A panel expert's scores are the expert's own: editors review them, never edit them.
        if obj is not None and obj.expert_id:
            return (*self.EXPERT_FIELDS, "comment_en", "comment_de", *self.REVIEW_FIELDS)
        return self.REVIEW_FIELDS

    @admin.display(description=_("review"))
    def review_state(self, assessment: ExpertAssessment) -> str:
        if assessment.excluded:
            return format_html(
                '<span class="assessment-excluded" title="{}">{}</span>',
                assessment.exclusion_reason,
                gettext("excluded"),
            )
        if assessment.expert_id and assessment.reviewed_at is None:
            return format_html('<strong class="assessment-new">{}</strong>', gettext("new"))
        return gettext("included")

    @admin.display(description=_("conflict of interest"), boolean=True)
    def conflict_of_interest(self, assessment: ExpertAssessment) -> bool | None:
        from experts.services import has_conflict

        return has_conflict(assessment) if assessment.expert_id else None

    @admin.display(description=_("history"))
    def history(self, assessment: ExpertAssessment) -> str:
        revisions = assessment.revisions.select_related("user")
        if not revisions:
            return str(_("No changes recorded yet."))
        return format_html(
            '<table class="change-history"><tbody>{}</tbody></table>',
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        f"{revision.at:%Y-%m-%d %H:%M}",
                        revision.user or "-",
                        revision.get_kind_display(),
                        ", ".join(
                            f"{key}: {_display_value(v)}" for key, v in revision.values.items()
                        ),
                    )
                    for revision in revisions
                ),
            ),
        )

    @admin.action(description=_("Mark selected assessments as reviewed"), permissions=["change"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[ExpertAssessment]) -> None:
        from experts.services import mark_reviewed

        count = mark_reviewed(queryset)
        self.message_user(
            request, gettext("%(count)d assessments marked as reviewed.") % {"count": count}
        )

    @admin.action(
        description=_("Exclude selected assessments (with a reason)"), permissions=["change"]
    )
    def exclude_with_reason(
        self, request: HttpRequest, queryset: QuerySet[ExpertAssessment]
    ) -> TemplateResponse | None:
        from experts.forms import ExclusionForm
        from experts.services import exclude

        form = ExclusionForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/usecases/expertassessment/exclude.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Exclude assessments"),
                    "form": form,
                    "assessments": queryset.select_related("use_case"),
                    "opts": self.model._meta,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
                status=400 if form.is_bound else 200,
            )
        assessments = list(queryset.filter(editorial_estimate=False))
        for assessment in assessments:
            exclude(assessment, signed_in_user(request), form.cleaned_data["reason"])
        self.message_user(
            request,
            gettext("%(count)d assessments excluded from the public figures.")
            % {"count": len(assessments)},
        )
        return None

    @admin.action(description=_("Include selected assessments again"), permissions=["change"])
    def include_again(self, request: HttpRequest, queryset: QuerySet[ExpertAssessment]) -> None:
        from experts.services import include

        excluded = list(queryset.filter(excluded=True))
        for assessment in excluded:
            include(assessment, signed_in_user(request))
        self.message_user(
            request, gettext("%(count)d assessments included again.") % {"count": len(excluded)}
        )


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organisation",
        "email",
        "membership",
        "listed_publicly",
        "assessment_count",
    )
    list_filter = ("listed_publicly", "clusters")
    search_fields = ("name", "organisation", "email")
    fields = (
        "name",
        "organisation",
        "email",
        "fields_of_expertise",
        "clusters",
        "membership",
        "listed_publicly",
        "invited_at",
        "accepted_at",
    )
    readonly_fields = ("membership", "listed_publicly", "invited_at", "accepted_at")
    filter_horizontal = ("clusters",)
    actions = ("invite_again",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Expert]:
        return super().get_queryset(request).annotate(rated=Count("assessments"))

    @admin.display(description=_("assessments"), ordering="rated")
    def assessment_count(self, expert: Expert) -> int:
        return getattr(expert, "rated", 0)

    @admin.display(description=_("status"))
    def membership(self, expert: Expert) -> str:
        if expert.user_id:
            return gettext("Joined")
        if expert.invitation_open:
            return gettext("Invited")
        return gettext("Invitation expired")

    def _invite(self, request: HttpRequest, expert: Expert) -> None:
        from experts.services import invite_expert

        sent = invite_expert(
            expert,
            signed_in_user(request),
            lambda e: request.build_absolute_uri(reverse("experts:invitation", args=[e.token])),
        )
        if sent:
            self.message_user(
                request, gettext("Invitation sent to %(email)s.") % {"email": expert.email}
            )
        else:
            self.message_user(
                request,
                gettext("The invitation to %(email)s could not be sent; try again later.")
                % {"email": expert.email},
                messages.ERROR,
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:  # the email names the clusters, so it goes after they are saved
            self._invite(request, form.instance)

    @admin.action(description=_("Send the invitation again"), permissions=["change"])
    def invite_again(self, request: HttpRequest, queryset: QuerySet[Expert]) -> None:
        for expert in queryset.filter(user__isnull=True):
            self._invite(request, expert)


@admin.register(ProblemStatement)
class ProblemStatementAdmin(UseCasePartAdmin):
    resource_classes = [ProblemStatementResource]
    list_display = ("text", "use_case", "language", "from_catalog")
    list_filter = ("language", "from_catalog", "use_case__cluster")
    search_fields = ("text", "use_case__slug")
    list_select_related = ("use_case",)
    autocomplete_fields = ("use_case",)
