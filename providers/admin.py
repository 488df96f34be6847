"""The providers' admin: profiles with their team, and the review page where editors approve
or reject a profile as companies would see it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from core.users import signed_in_user
from providers.forms import RejectionForm
from providers.models import Provider, ProviderMembership
from providers.services import changes_since_approval, public_profile_context, review


class ProviderMembershipInline(admin.TabularInline):
    model = ProviderMembership
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = ("joined_at",)
    raw_id_fields = ("user",)


@admin.register(Provider)
class ProviderAdmin(TabbedTranslationAdmin):
    list_display = (
        "name",
        "approval_status",
        "review_link",
        "submitted_at",
        "is_example",
        "contact_email",
    )
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
            review(provider, signed_in_user(request), approve=True)
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
                "admin/providers/provider/reject.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Reject providers"),
                    "form": form,
                    "providers": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        pending = list(queryset.filter(approval_status=Provider.Approval.PENDING))
        for provider in pending:
            review(
                provider, signed_in_user(request), approve=False, reason=form.cleaned_data["reason"]
            )
        self.message_user(
            request,
            _("%(count)d providers rejected and notified by email.") % {"count": len(pending)},
        )
        self._warn_undecided(request, len(pending), queryset.count())
        return None

    # The review page: the profile as companies would see it, what changed, and the decision.

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="providers_provider_review",
            )
        ]
        return own + super().get_urls()

    @admin.display(description=_("review"))
    def review_link(self, provider: Provider) -> str:
        label = (
            _("Review now")
            if provider.approval_status == Provider.Approval.PENDING
            else _("Show profile")
        )
        url = reverse("admin:providers_provider_review", args=[provider.pk])
        return format_html('<a href="{}">{}</a>', url, label)

    def review_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        provider = get_object_or_404(Provider, pk=object_id)
        if not self.has_view_or_change_permission(request, provider):
            raise PermissionDenied
        may_decide = (
            self.has_change_permission(request, provider)
            and provider.approval_status == Provider.Approval.PENDING
        )
        form = RejectionForm()
        status = 200
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            decision = request.POST.get("decision")
            if decision == "approve":
                review(provider, signed_in_user(request), approve=True)
                self.message_user(
                    request,
                    gettext("%(name)s is approved, public now and notified by email.")
                    % {"name": provider.name},
                    messages.SUCCESS,
                )
                return self._next_review(provider)
            if decision == "reject":
                form = RejectionForm(request.POST)
                if form.is_valid():
                    review(
                        provider,
                        signed_in_user(request),
                        approve=False,
                        reason=form.cleaned_data["reason"],
                    )
                    self.message_user(
                        request,
                        gettext("%(name)s is rejected and was sent the reason by email.")
                        % {"name": provider.name},
                        messages.SUCCESS,
                    )
                    return self._next_review(provider)
            status = 400
        return TemplateResponse(
            request,
            "admin/providers/provider/review.html",
            {
                **public_profile_context(provider),
                "provider": provider,
                "changes": changes_since_approval(provider),
                "may_decide": may_decide,
                "form": form,
                "change_url": reverse("admin:providers_provider_change", args=[provider.pk]),
                "list_url": reverse("admin:providers_provider_changelist")
                + "?approval_status__exact=pending",
            },
            status=status,
        )

    def _next_review(self, decided: Provider) -> HttpResponseRedirect:
        """On to the next pending profile, or back to the list when none is left."""
        pending = (
            Provider.objects.filter(approval_status=Provider.Approval.PENDING)
            .exclude(pk=decided.pk)
            .order_by("submitted_at")
            .first()
        )
        if pending is not None:
            return HttpResponseRedirect(
                reverse("admin:providers_provider_review", args=[pending.pk])
            )
        return HttpResponseRedirect(reverse("admin:providers_provider_changelist"))

    def _warn_undecided(self, request: HttpRequest, decided: int, selected: int) -> None:
        if decided < selected:
            self.message_user(
                request,
                _("Only providers pending review can be decided; the others were left as is."),
                level="warning",
            )
