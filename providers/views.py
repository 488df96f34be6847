"""Provider pages: the public directory and contact form, and the providers' own dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from core.ratelimit import RateLimited, check_rate_limit, rate_limit, rate_limited_response
from core.users import signed_in_user
from matching.models import Submission
from providers import services
from providers.forms import (
    ContactRequestForm,
    ContactStatusForm,
    InvitationForm,
    ProviderProfileForm,
    ReferenceFormSet,
    ReplyForm,
)
from providers.models import ContactRequest, Provider, ProviderInvitation, ProviderMembership
from usecases import vocabularies
from usecases.models import Cluster, UseCase

# --- public pages -------------------------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    """Approved providers, filtered by cluster, region and language."""
    chosen = {key: request.GET.get(key, "") for key in ("cluster", "region", "language")}
    providers = services.directory(**chosen)
    clusters = Cluster.objects.order_by("ordering")
    return render(
        request,
        "providers/directory.html",
        {
            "providers": providers,
            "chosen": chosen,
            "clusters": clusters,
            "regions": vocabularies.REGIONS,
            "languages": vocabularies.LANGUAGE_CODES,
        },
    )


def _public(slug: str) -> Provider:
    """An approved provider; any other (draft, pending, rejected, unknown) is simply not found."""
    return get_object_or_404(Provider.objects.approved(), slug=slug)


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _public(slug)
    return render(
        request,
        "providers/detail.html",
        {"provider": provider, **services.public_profile_context(provider)},
    )


@rate_limit("contact")
def contact(request: HttpRequest, slug: str) -> HttpResponse:
    """A company's enquiry to an approved provider, optionally about a use case and its query."""
    provider = _public(slug)
    use_case = UseCase.objects.published().filter(slug=request.GET.get("use_case", "")).first()
    submission = _shareable_submission(request.GET.get("query", ""))
    context: dict[str, Any] = {"provider": provider, "use_case": use_case, "query": submission}
    if request.method != "POST":
        context["form"] = ContactRequestForm()
        return render(request, "providers/contact.html", context)

    form = ContactRequestForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "providers/contact.html", context, status=400)
    if not form.is_spam():
        contact_request = form.save(commit=False)
        contact_request.provider = provider
        contact_request.use_case = use_case
        contact_request.submission = submission if form.cleaned_data["share_query"] else None
        contact_request.language = translation.get_language()[:2]
        contact_request.save()
        site_url = request.build_absolute_uri("/").rstrip("/")
        transaction.on_commit(lambda: services.send_contact_request(contact_request, site_url))
    # A bot that filled the hidden field sees the same answer and learns nothing.
    return render(request, "providers/contact_sent.html", context)


def _shareable_submission(query_id: str) -> Submission | None:
    try:
        return Submission.objects.filter(pk=uuid.UUID(query_id)).first()
    except ValueError:
        return None


# --- the provider's own pages -------------------------------------------------------------

# One click moves a request on; each status offers the moves that make sense from it.
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    ContactRequest.Status.NEW: (ContactRequest.Status.ANSWERED, ContactRequest.Status.CLOSED),
    ContactRequest.Status.ANSWERED: (ContactRequest.Status.CLOSED, ContactRequest.Status.NEW),
    ContactRequest.Status.CLOSED: (ContactRequest.Status.NEW,),
}
STATUS_MOVE_LABELS: dict[str, StrOrPromise] = {
    ContactRequest.Status.NEW: gettext_lazy("Mark as new"),
    ContactRequest.Status.ANSWERED: gettext_lazy("Mark as answered"),
    ContactRequest.Status.CLOSED: gettext_lazy("Close"),
}


def provider_member(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged-in users who belong to a provider; others are sent to create their profile."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = services.membership_of(request.user)
        if membership is None:
            return redirect("providers:profile")
        return view(request, membership, *args, **kwargs)

    return wrapped


@provider_member
def dashboard(request: HttpRequest, membership: ProviderMembership) -> HttpResponse:
    provider = membership.provider
    status = request.GET.get("status", "")
    contact_requests = provider.contact_requests.select_related("use_case", "submission")
    if status in ContactRequest.Status.values:
        contact_requests = contact_requests.filter(status=status)
    shown = list(contact_requests.select_related("answered_by"))
    for contact in shown:
        # Read by the template next to the request.
        contact.mailto = services.mailto_reply(contact)  # type: ignore[attr-defined]
        contact.moves = [  # type: ignore[attr-defined]
            (move, STATUS_MOVE_LABELS[move]) for move in STATUS_MOVES[contact.status]
        ]
    return render(
        request,
        "providers/dashboard.html",
        {
            "provider": provider,
            "membership": membership,
            "contact_requests": shown,
            "status": status,
            "statuses": ContactRequest.Status.choices,
            "status_counts": services.request_counts(provider),
            "appearances": services.appearances(provider),
            "appearance_days": services.APPEARANCE_DAYS,
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Create the provider profile, or edit it; reviewed fields send it back to review."""
    membership = services.membership_of(request.user)
    provider = membership.provider if membership else None
    form = ProviderProfileForm(request.POST or None, request.FILES or None, instance=provider)
    references = ReferenceFormSet(
        request.POST or None, instance=provider or Provider(), prefix="references"
    )
    context = {"form": form, "references": references, "provider": provider}
    if request.method != "POST":
        return render(request, "providers/profile.html", context)
    # Both are validated before anything is saved: a bad logo or reference stores nothing.
    form_valid, references_valid = form.is_valid(), references.is_valid()
    if not (form_valid and references_valid):
        return render(request, "providers/profile.html", context, status=400)
    if provider is None:
        provider = services.create_provider(signed_in_user(request), form, references)
        messages.success(
            request, _("Your profile is saved. Submit it for review when it is complete.")
        )
    else:
        changed = services.update_profile(form, references)
        if changed and provider.approval_status == Provider.Approval.PENDING:
            messages.warning(
                request,
                _(
                    "Your changes are saved. Because they concern %(fields)s, an admin "
                    "reviews your profile again; until then it is not shown publicly."
                )
                % {"fields": ", ".join(_field_label(f) for f in changed)},
            )
        else:
            messages.success(request, _("Your changes are saved."))
    return redirect("providers:dashboard")


def _field_label(name: str) -> str:
    if name == "logo":
        return str(ProviderProfileForm.base_fields["logo_upload"].label)
    if name == "references":
        return str(_("References"))
    return str(ProviderProfileForm.base_fields[name].label or name)


@provider_member
def preview(request: HttpRequest, membership: ProviderMembership) -> HttpResponse:
    """The provider's public page as companies will see it, whatever its review status."""
    provider = membership.provider
    return render(
        request,
        "providers/preview.html",
        {"provider": provider, **services.public_profile_context(provider)},
    )


def logo(request: HttpRequest, slug: str) -> HttpResponse:
    """The re-encoded logo; an unapproved provider's only for its members and the editors."""
    provider = get_object_or_404(Provider, slug=slug)
    membership = services.membership_of(request.user)
    may_see = (
        provider.is_public
        or request.user.is_staff
        or (membership is not None and membership.provider_id == provider.pk)
    )
    if not may_see or not provider.logo_hash:
        raise Http404
    response = HttpResponse(bytes(provider.logo), content_type=provider.logo_type)
    response["Content-Disposition"] = 'inline; filename="logo.png"'
    # The address carries the logo's hash, so a public logo can be cached for good.
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if provider.is_public else "private, no-cache"
    )
    return response


@require_POST
@provider_member
def submit(request: HttpRequest, membership: ProviderMembership) -> HttpResponse:
    provider = membership.provider
    if provider.approval_status in (Provider.Approval.DRAFT, Provider.Approval.REJECTED):
        provider.submit_for_review()
        messages.success(
            request, _("Thank you. An admin reviews your profile and tells you by email.")
        )
    return redirect("providers:dashboard")


@require_POST
@provider_member
def contact_status(request: HttpRequest, membership: ProviderMembership, pk: int) -> HttpResponse:
    # Another provider's request is not found: its existence is not revealed.
    contact_request = get_object_or_404(ContactRequest, pk=pk, provider=membership.provider)
    form = ContactStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return redirect("providers:dashboard")
    contact_request.status = form.cleaned_data["status"]
    contact_request.save(update_fields=["status", "updated_at"])
    messages.success(
        request,
        _("The request from %(company)s is now: %(status)s.")
        % {"company": contact_request.company, "status": contact_request.get_status_display()},
    )
    return _back_to_requests(request.POST.get("shown", ""), contact_request)


def _back_to_requests(shown_status: str, contact: ContactRequest) -> HttpResponse:
    """The dashboard with the filter the provider was looking at, scrolled to the request."""
    query = f"?status={shown_status}" if shown_status in ContactRequest.Status.values else ""
    return redirect(f"{reverse('providers:dashboard')}{query}#request-{contact.pk}")


@provider_member
def reply(request: HttpRequest, membership: ProviderMembership, pk: int) -> HttpResponse:
    """Answer a contact request by email from here; the request is marked answered."""
    contact_request = get_object_or_404(
        ContactRequest.objects.select_related("use_case"), pk=pk, provider=membership.provider
    )
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = services.reply_to_request(
            contact_request, signed_in_user(request), form.cleaned_data["message"]
        )
        if sent:
            messages.success(
                request,
                _("Your answer was sent to %(email)s; the request is marked answered.")
                % {"email": contact_request.email},
            )
        else:
            messages.warning(
                request,
                _(
                    "Your answer is saved and the request marked answered, but the email "
                    "could not be sent. Please answer %(email)s from your email program."
                )
                % {"email": contact_request.email},
            )
        return redirect(f"{reverse('providers:dashboard')}#request-{contact_request.pk}")
    return render(
        request,
        "providers/reply.html",
        {
            "provider": membership.provider,
            "contact": contact_request,
            "form": form,
            "subject": services.reply_subject(contact_request),
            "mailto": services.mailto_reply(contact_request),
        },
        status=400 if form.errors else 200,
    )


INVITE_AFTER_APPROVAL = gettext_noop(
    "You can invite colleagues as soon as your profile has been approved."
)


@provider_member
def team(request: HttpRequest, membership: ProviderMembership) -> HttpResponse:
    provider = membership.provider
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if membership.role != membership.Role.OWNER:
            messages.error(request, _("Only the profile's owner can invite colleagues."))
            return redirect("providers:team")
        # Invitations carry the provider's name to any address: only once an admin has
        # approved the provider, and only so many per provider and day.
        if not provider.is_public:
            return HttpResponseForbidden(_(INVITE_AFTER_APPROVAL))
        if form.is_valid():
            try:
                check_rate_limit(request, "invitation", who=f"provider-{provider.pk}")
            except RateLimited as exc:
                return rate_limited_response(request, exc)
            services.invite_colleague(
                provider,
                form.cleaned_data["email"],
                signed_in_user(request),
                lambda invitation: request.build_absolute_uri(
                    reverse("providers:invitation", args=[invitation.token])
                ),
            )
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("providers:team")
        status = 400
    return render(
        request,
        "providers/team.html",
        {
            "provider": provider,
            "membership": membership,
            "form": form,
            "members": provider.memberships.select_related("user").order_by("joined_at"),
            "invitations": [i for i in provider.invitations.all() if i.is_open],
            "may_invite": provider.is_public,
            "invite_after_approval": _(INVITE_AFTER_APPROVAL),
        },
        status=status,
    )


@login_required
def invitation(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    invitation = ProviderInvitation.objects.select_related("provider").filter(token=token).first()
    if invitation is None:
        raise Http404
    if request.method == "POST":
        try:
            services.accept_invitation(invitation, signed_in_user(request))
        except services.InvitationError as error:
            messages.error(request, str(error))
            return render(
                request, "providers/invitation.html", {"invitation": invitation}, status=409
            )
        messages.success(
            request, _("Welcome to %(provider)s.") % {"provider": invitation.provider.name}
        )
        return redirect("providers:dashboard")
    return render(request, "providers/invitation.html", {"invitation": invitation})
