"""Expert pages: the public panel, the invitation, the rating work."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from experts import services
from experts.forms import ExpertSignupForm, ListingForm, RatingForm
from usecases.models import Expert, ValuePotential

LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST, even an empty one (a lone unticked checkbox sends nothing)."""
    return request.POST if request.method == "POST" else None


def panel(request: HttpRequest) -> HttpResponse:
    """ "Our expert panel": only experts who joined and agreed to be listed."""
    return render(
        request,
        "experts/panel.html",
        {"experts": services.public_panel(), "needed": ValuePotential.EXPERTS_NEEDED},
    )


def expert_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged-in users with the expert role; other accounts are told the page is not theirs."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        expert = services.expert_of(request.user)
        if expert is None:
            return render(
                request,
                "experts/refused.html",
                {"message": _("Your account is not part of the expert panel.")},
                status=403,
            )
        return view(request, expert, *args, **kwargs)

    return wrapped


@expert_required
def work(request: HttpRequest, expert: Expert) -> HttpResponse:
    items = services.work_list(expert)
    return render(
        request,
        "experts/work.html",
        {
            "expert": expert,
            "items": items,
            "rated": sum(1 for item in items if item.own),
            "listing_form": ListingForm(initial={"listed_publicly": expert.listed_publicly}),
            "needed": ValuePotential.EXPERTS_NEEDED,
        },
    )


@require_POST
@expert_required
def listing(request: HttpRequest, expert: Expert) -> HttpResponse:
    form = ListingForm(request.POST)
    form.is_valid()  # a single optional checkbox is always valid
    expert.listed_publicly = form.cleaned_data["listed_publicly"]
    expert.save(update_fields=["listed_publicly"])
    messages.success(
        request,
        _("You are now listed on the panel page.")
        if expert.listed_publicly
        else _("You are no longer listed on the panel page."),
    )
    return redirect("experts:work")


@expert_required
def rate(request: HttpRequest, expert: Expert, pk: int) -> HttpResponse:
    """One use case's rating form; saving it creates or updates the expert's one assessment."""
    try:
        use_case = services.rateable_use_case(expert, pk)
    except services.RatingRefused as refused:
        return render(
            request, "experts/refused.html", {"message": refused.message}, status=refused.status
        )
    own = expert.assessments.filter(use_case=use_case).first()
    form = RatingForm(_posted(request), initial=RatingForm.initial_from(own))
    context = {"expert": expert, "use_case": use_case, "form": form, "own": own}
    if request.method != "POST":
        return render(request, "experts/rate.html", context)
    if not form.is_valid():
        return render(request, "experts/rate.html", context, status=400)
    try:
        services.save_rating(expert, use_case.pk, form.rating())
    except services.RatingRefused as refused:  # e.g. the provider started offering it meanwhile
        return render(
            request, "experts/refused.html", {"message": refused.message}, status=refused.status
        )
    messages.success(request, _("Your rating of “%(title)s” is saved.") % {"title": use_case.title})
    return redirect("experts:work")


def invitation(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """Join the panel: a new account for the invited address, or the logged-in one."""
    expert = Expert.objects.filter(token=token).first()
    if expert is None:
        raise Http404
    context: dict[str, Any] = {"expert": expert}
    if not expert.invitation_open:
        context["error"] = _("This invitation has expired or was already used.")
        return render(request, "experts/invitation.html", context, status=410)

    if request.user.is_authenticated:
        form = ListingForm(_posted(request))
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            try:
                services.accept(expert, request.user, form.cleaned_data["listed_publicly"])
            except services.InvitationError as error:
                context["error"] = str(error)
                return render(request, "experts/invitation.html", context, status=409)
            messages.success(request, _("Welcome to the expert panel."))
            return redirect("experts:work")
        return render(request, "experts/invitation.html", context)

    if services.account_exists(expert.email):
        context["login_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "experts/invitation.html", context)

    signup = ExpertSignupForm(_posted(request))
    context["signup"] = signup
    if request.method == "POST":
        if not signup.is_valid():
            return render(request, "experts/invitation.html", context, status=400)
        try:
            user = services.sign_up(
                request,
                expert,
                signup.cleaned_data["password1"],
                signup.cleaned_data["listed_publicly"],
            )
        except services.InvitationError as error:
            context["error"] = str(error)
            return render(request, "experts/invitation.html", context, status=409)
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(request, _("Welcome to the expert panel."))
        return redirect("experts:work")
    return render(request, "experts/invitation.html", context)
