"""The editors' view of the panel: coverage per cluster and where experts disagree.

Routed by the admin site (config/admin.py), which lets only logged-in staff reach it.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from experts import services
from usecases.models import ValuePotential


@require_GET
def panel_insights(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("usecases.view_expertassessment"):
        return HttpResponse(_("You may not see expert assessments."), status=403)
    return TemplateResponse(
        request,
        "admin/experts/insights.html",
        {
            **admin.site.each_context(request),
            "title": _("Expert panel: coverage and agreement"),
            "coverage": services.coverage(),
            "disagreements": services.disagreements(),
            "new_count": services.new_assessments().count(),
            "needed": ValuePotential.EXPERTS_NEEDED,
            "disagreement": services.DISAGREEMENT,
            "may_invite": request.user.has_perm("usecases.add_expert"),
        },
    )
