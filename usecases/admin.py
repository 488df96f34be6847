from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from providers.forms import RejectionForm
from providers.services import review
from usecases.models import (
    Cluster,
    ExpertAssessment,
    ProblemStatement,
    Provider,
    ProviderMembership,
    UseCase,
)


@admin.register(Cluster)
class ClusterAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "ordering", "use_case_count")
    search_fields = ("slug", "name_en", "name_de")
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cluster]:
        return super().get_queryset(request).annotate(use_case_total=Count("use_cases"))

    @admin.display(description=_("use cases"), ordering="use_case_total")
    def use_case_count(self, cluster: Cluster) -> int:
        return cluster.use_case_total


class ProblemStatementInline(admin.TabularInline):
    model = ProblemStatement
    extra = 1
    fields = ("language", "text", "position", "from_catalog")
    readonly_fields = ("from_catalog",)


class ExpertAssessmentInline(TranslationTabularInline):
    model = ExpertAssessment
    extra = 0
    fields = (
        "assessor",
        "assessed_on",
        "editorial_estimate",
        "revenue",
        "company_value",
        "cost_reduction",
        "comment",
    )


@admin.register(UseCase)
class UseCaseAdmin(TabbedTranslationAdmin):
    list_display = (
        "title",
        "cluster",
        "status",
        "effort",
        "value_potential_overall",
        "embedding_status",
        "updated_at",
    )
    list_filter = ("status", "cluster", "effort", "embedding_status")
    search_fields = ("slug", "title_en", "title_de", "summary_en", "summary_de")
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = (
        "value_potential_summary",
        "embedding_status",
        "embedding_error",
        "created_at",
        "updated_at",
    )
    inlines = (ProblemStatementInline, ExpertAssessmentInline)
    list_select_related = ("cluster",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[UseCase]:
        return super().get_queryset(request).prefetch_related("assessments")

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
        return str(
            _(
                "Revenue %(revenue).1f · company value %(company_value).1f · "
                "cost reduction %(cost_reduction).1f · overall %(overall).1f "
                "(%(count)d %(source)s)"
            )
            % {
                "revenue": potential.revenue,
                "company_value": potential.company_value,
                "cost_reduction": potential.cost_reduction,
                "overall": potential.overall,
                "count": potential.assessments,
                "source": source,
            }
        )


@admin.register(ExpertAssessment)
class ExpertAssessmentAdmin(admin.ModelAdmin):
    list_display = (
        "use_case",
        "assessor",
        "assessed_on",
        "editorial_estimate",
        "revenue",
        "company_value",
        "cost_reduction",
    )
    list_filter = ("editorial_estimate", "use_case__cluster")
    search_fields = ("assessor", "use_case__slug", "use_case__title_en")
    list_select_related = ("use_case",)
    autocomplete_fields = ("use_case",)


@admin.register(ProblemStatement)
class ProblemStatementAdmin(admin.ModelAdmin):
    list_display = ("text", "use_case", "language", "from_catalog")
    list_filter = ("language", "from_catalog", "use_case__cluster")
    search_fields = ("text", "use_case__slug")
    list_select_related = ("use_case",)
    autocomplete_fields = ("use_case",)


class ProviderMembershipInline(admin.TabularInline):
    model = ProviderMembership
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = ("joined_at",)
    raw_id_fields = ("user",)


@admin.register(Provider)
class ProviderAdmin(TabbedTranslationAdmin):
    list_display = ("name", "approval_status", "submitted_at", "is_example", "contact_email")
    list_filter = ("approval_status", "is_example")
    search_fields = ("name", "slug", "contact_email")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("use_cases", "clusters")
    # Decisions go through the actions, which record who decided and email the provider.
    readonly_fields = (
        "approval_status",
        "rejection_reason",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
    )
    inlines = [ProviderMembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["approve", "reject"]

    @admin.action(description=_("Approve selected providers"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        pending = list(queryset.filter(approval_status=Provider.Approval.PENDING))
        for provider in pending:
            review(provider, request.user, approve=True)
        self.message_user(
            request,
            _("%(count)d providers approved and notified by email.") % {"count": len(pending)},
        )
        self._warn_undecided(request, len(pending), queryset.count())

    @admin.action(
        description=_("Reject selected providers (with a reason)"), permissions=["change"]
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[Provider]) -> TemplateResponse | None:
        form = RejectionForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/usecases/provider/reject.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Reject providers"),
                    "form": form,
                    "providers": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        pending = list(queryset.filter(approval_status=Provider.Approval.PENDING))
        for provider in pending:
            review(provider, request.user, approve=False, reason=form.cleaned_data["reason"])
        self.message_user(
            request,
            _("%(count)d providers rejected and notified by email.") % {"count": len(pending)},
        )
        self._warn_undecided(request, len(pending), queryset.count())
        return None

    def _warn_undecided(self, request: HttpRequest, decided: int, selected: int) -> None:
        if decided < selected:
            self.message_user(
                request,
                _("Only providers pending review can be decided; the others were left as is."),
                level="warning",
            )
