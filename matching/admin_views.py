"""Admin-only pages: the catalog status panel and the insights dashboard.

Routed by the admin site (config/admin.py), which lets only logged-in staff reach them; each
view checks the permission its page needs on top.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from matching import tasks
from matching.broker import queue_state
from matching.embedding_status import catalog_status
from matching.insights import insights

DEFAULT_DAYS = 30
PERIODS = (
    (7, gettext_lazy("7 days")),
    (30, gettext_lazy("30 days")),
    (90, gettext_lazy("90 days")),
)


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        choices=PERIODS,
        coerce=int,
        initial=DEFAULT_DAYS,
        required=False,
    )


def _page(request: HttpRequest, template: str, title: str, **context: object) -> TemplateResponse:
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )


@require_GET
def status_panel(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "admin/matching/status.html",
        _("Catalog status"),
        status=catalog_status(),
        queue=queue_state(),
    )


@require_POST
def rebuild_index(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("usecases.change_usecase"):
        return HttpResponse(_("You may not rebuild the index."), status=403)
    try:
        tasks.rebuild_index.delay()
    except Exception as exc:  # broker down, or (eagerly) the build itself failed
        messages.error(request, _("The index rebuild failed: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("The index rebuild has been queued."))
    return redirect("admin:curation-status")


@require_GET
def insights_dashboard(request: HttpRequest) -> HttpResponse:
    # The page shows what companies typed, so it needs the right to read their submissions.
    if not request.user.has_perm("matching.view_submission"):
        return HttpResponse(_("You may not read company queries."), status=403)
    form = PeriodForm(request.GET or None)
    valid = form.is_valid()
    days = (form.cleaned_data["days"] if valid else None) or DEFAULT_DAYS
    response = _page(
        request, "admin/matching/insights.html", _("Insights"), form=form, insights=insights(days)
    )
    if request.GET and not valid:
        response.status_code = 400
    return response
