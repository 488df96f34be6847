"""Provider accounts and profiles, review decisions, contact requests and appearance counts.

The models live in `usecases` beside the catalog they point at; this module is the work across
them and with the outside world (email).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import BadHeaderError, EmailMessage
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.forms import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.context_processors import site_name
from providers.forms import ProviderProfileForm
from providers.models import (
    ContactRequest,
    Provider,
    ProviderAppearance,
    ProviderInvitation,
    ProviderMembership,
    ProviderReference,
)
from usecases import vocabularies
from usecases.models import Cluster, UseCase

logger = logging.getLogger(__name__)

APPEARANCE_DAYS = 30


class InvitationError(Exception):
    """An invitation that cannot be accepted, with the reason for the user."""


def directory(cluster: str = "", region: str = "", language: str = "") -> list[Provider]:
    """Approved providers, narrowed by cluster slug, region and language codes when given.

    Regions and languages are JSON lists, which SQLite cannot search inside; there are few
    providers, so they are filtered here.
    """
    providers = Provider.objects.approved().prefetch_related("clusters", "use_cases")
    if cluster:
        providers = providers.in_cluster(cluster)
    return [
        provider
        for provider in providers
        if (not region or region in provider.regions)
        and (not language or language in provider.languages)
    ]


def membership_of(user: User | AnonymousUser) -> ProviderMembership | None:
    if not user.is_authenticated:
        return None
    return ProviderMembership.objects.select_related("provider").filter(user=user).first()


def unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "provider"
    slug, number = base, 2
    while Provider.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_provider(
    owner: User, form: ProviderProfileForm, references: BaseInlineFormSet[Any, Any, Any]
) -> Provider:
    """A new draft profile from the form and its references, owned by the user who filled it in."""
    provider = form.save(commit=False)
    provider.slug = unique_slug(provider.name)
    provider.approval_status = Provider.Approval.DRAFT
    provider.save()
    form.save_m2m()
    references.instance = provider
    _save_references(references)
    ProviderMembership.objects.create(
        provider=provider, user=owner, role=ProviderMembership.Role.OWNER
    )
    return provider


@transaction.atomic
def update_profile(
    form: ProviderProfileForm, references: BaseInlineFormSet[Any, Any, Any]
) -> list[str]:
    """Save an edited profile and its references; return the reviewed fields that changed.

    An approved provider whose name, website, offer, logo or references changed goes back to
    review and is hidden until an admin approves it again, so companies never see unreviewed
    claims.
    """
    provider: Provider = form.instance
    was_public = provider.is_public
    changed = [field for field in Provider.REVIEWED_FIELDS if field in form.changed_data]
    if form.logo_changed:
        changed.append("logo")
    if references.has_changed():
        changed.append("references")
    form.save()
    _save_references(references)
    if was_public and changed:
        provider.submit_for_review()
    return changed


def _save_references(references: BaseInlineFormSet) -> None:
    """Save the references in the order shown, numbering them from 0."""
    references.save()
    for position, reference in enumerate(references.instance.references.order_by("position", "pk")):
        if reference.position != position:
            reference.position = position
            reference.save(update_fields=["position"])


def _email_language(provider: Provider) -> str:
    return "de" if provider.languages[:1] == ["de"] else "en"


def _send(subject: str, template: str, context: dict, to: list[str], **headers) -> bool:
    """Send one plain-text email; a failing mail server is logged, never raised to the user."""
    body = render_to_string(template, {"site_name": site_name(), **context})
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, **headers)
    try:
        message.send()
    except (OSError, BadHeaderError):  # BadHeaderError: a line break in a header value
        logger.exception("could not send %r to %d recipients", subject, len(to))
        return False
    return True


def public_profile_context(provider: Provider) -> dict[str, object]:
    """What the public profile page shows besides the provider: its offer, in catalog order."""
    return {
        "offered": UseCase.objects.for_display().filter(providers=provider),
        "clusters": provider.clusters.all(),
        "references": provider.references.select_related("use_case").filter(
            use_case__status=UseCase.Status.PUBLISHED
        ),
    }


# What a company sees of a profile, in the order the review page lists changes.
PUBLIC_FIELDS = (
    "name",
    "website",
    "logo_hash",
    "locations",
    "description_de",
    "description_en",
    "contact_name",
    "contact_role",
    "contact_email",
    "regions",
    "languages",
    "company_sizes",
    "use_cases",
    "clusters",
    "references",
)


def public_snapshot(provider: Provider) -> dict[str, object]:
    """The profile's public values as JSON: texts as they are, lists sorted, offers as titles."""
    snapshot: dict[str, object] = {}
    for name in PUBLIC_FIELDS:
        # Slugs, not titles: titles follow the language of whoever looks.
        if name == "use_cases":
            value: object = sorted(u.slug for u in provider.use_cases.all())
        elif name == "clusters":
            value = sorted(c.slug for c in provider.clusters.all())
        elif name == "references":
            value = [
                f"{r.use_case.slug}: {r.client} - {r.summary}"
                for r in provider.references.select_related("use_case")
            ]
        else:
            value = getattr(provider, name)
            value = sorted(value) if isinstance(value, list) else (value or "")
        snapshot[name] = value
    return snapshot


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def _shown(value: object, names: dict[str, str] | None = None) -> str:
    if isinstance(value, list):
        value = ", ".join(str((names or {}).get(item, item)) for item in value)
    return str(value) if value else "\u2013"


def changes_since_approval(provider: Provider) -> list[FieldChange] | None:
    """Each public field that differs from the last approved profile; None if never approved."""
    if not provider.approved_snapshot:
        return None
    now = public_snapshot(provider)
    before = provider.approved_snapshot
    changed = [name for name, value in now.items() if before.get(name, "") != value]
    # Code lists read as their labels in the reviewer's language.
    names: dict[str, dict[str, str]] = {
        field: {code: vocabularies.label(vocabulary, code) for code in vocabulary}
        for field, vocabulary in (
            ("regions", vocabularies.REGIONS),
            ("languages", vocabularies.LANGUAGE_CODES),
            ("company_sizes", vocabularies.COMPANY_SIZES),
        )
    }
    if "use_cases" in changed:
        names["use_cases"] = {u.slug: u.title for u in UseCase.objects.all()}
    if "clusters" in changed:
        names["clusters"] = {c.slug: c.name for c in Cluster.objects.all()}
    return [
        FieldChange(
            str(_field_name(name)),
            _shown(before.get(name, ""), names.get(name)),
            _shown(now[name], names.get(name)),
        )
        if name != "logo_hash"
        # A logo's fingerprint means nothing to a reviewer; the new one is on the page below.
        else FieldChange(
            str(_field_name(name)),
            str(_("the previous logo")) if before.get(name) else "\u2013",
            str(_("a new logo (see the page below)")) if now[name] else "\u2013",
        )
        for name in changed
    ]


def _field_name(name: str) -> str:
    if name == "references":
        return str(ProviderReference._meta.verbose_name_plural)
    if name == "logo_hash":
        return str(Provider._meta.get_field("logo").verbose_name)
    field = Provider._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))  # a reverse relation has none


def review(provider: Provider, reviewer: User, approve: bool, reason: str = "") -> None:
    """Approve or reject a submitted profile and tell the provider, with the reason.

    An approval keeps the approved public values, so the next review shows what changed since.
    """
    provider.review(reviewer, approve, reason)
    if approve:
        provider.approved_snapshot = public_snapshot(provider)
        provider.save(update_fields=["approved_snapshot"])
    with translation.override(_email_language(provider)):
        subject = (
            _("Your provider profile is approved")
            if approve
            else _("Your provider profile needs changes")
        )
        _send(
            subject,
            "providers/email/review_decision.txt",
            {"provider": provider, "approved": approve, "reason": reason},
            provider.staff_emails(),
        )


def invite_colleague(
    provider: Provider,
    email: str,
    invited_by: User,
    accept_url: Callable[[ProviderInvitation], str],
) -> ProviderInvitation:
    """Create an invitation (or renew the open one for the address) and email its link."""
    invitation, _created = ProviderInvitation.objects.update_or_create(
        provider=provider,
        email=email.lower(),
        accepted_at=None,
        defaults={"invited_by": invited_by, "created_at": timezone.now()},
    )
    with translation.override(_email_language(provider)):
        _send(
            _("Join %(provider)s on %(site_name)s")
            % {"provider": provider.name, "site_name": site_name()},
            "providers/email/invitation.txt",
            {"provider": provider, "invited_by": invited_by, "accept_url": accept_url(invitation)},
            [invitation.email],
        )
    return invitation


@transaction.atomic
def accept_invitation(invitation: ProviderInvitation, user: User) -> None:
    if not invitation.is_open:
        raise InvitationError(_("This invitation has expired or was already used."))
    if user.email.lower() != invitation.email:
        raise InvitationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    if ProviderMembership.objects.filter(user=user).exists():
        raise InvitationError(_("Your account already belongs to a provider."))
    ProviderMembership.objects.create(provider=invitation.provider, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])


def send_contact_request(contact: ContactRequest, site_url: str) -> bool:
    """Email a stored contact request to the provider; answers go straight to the company."""
    provider = contact.provider
    with translation.override(_email_language(provider)):
        return _send(
            # One line whatever is stored: rows saved before the form refused line breaks.
            _("New enquiry from %(company)s") % {"company": " ".join(contact.company.split())},
            "providers/email/contact_request.txt",
            {"contact": contact, "site_url": site_url},
            provider.staff_emails(),
            reply_to=[contact.email],
        )


def new_request_count(provider: Provider) -> int:
    return provider.contact_requests.filter(status=ContactRequest.Status.NEW).count()


def quoted(text: str) -> str:
    """The text as an email quote, every line prefixed with "> "."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def reply_subject(contact: ContactRequest) -> str:
    with translation.override(contact.language):
        return _("Re: your request to %(provider)s") % {"provider": contact.provider.name}


def mailto_reply(contact: ContactRequest) -> str:
    """A mailto link that opens the provider's own mail program with the request quoted."""
    with translation.override(contact.language):
        intro = _("On %(date)s you wrote to us:") % {
            "date": formats.date_format(timezone.localtime(contact.created_at), "DATE_FORMAT")
        }
    body = f"\n\n{intro}\n{quoted(contact.message)}\n"
    query = urlencode({"subject": reply_subject(contact), "body": body}, quote_via=quote)
    return f"mailto:{quote(contact.email, safe='@')}?{query}"


def reply_to_request(contact: ContactRequest, author: User, message: str) -> bool:
    """Email the provider's answer to the company, quoting its request, and mark it answered.

    The answer is stored first, so a mail server that is down loses nothing; the company's
    answer goes to the author and the provider's contact address (Reply-To).
    """
    contact.reply = message
    contact.status = ContactRequest.Status.ANSWERED
    contact.answered_at = timezone.now()
    contact.answered_by = author
    contact.save(update_fields=["reply", "status", "answered_at", "answered_by", "updated_at"])
    with translation.override(contact.language):
        return _send(
            reply_subject(contact),
            "providers/email/reply.txt",
            {"contact": contact, "message": message, "quote": quoted(contact.message)},
            [contact.email],
            reply_to=list(dict.fromkeys([author.email, contact.provider.contact_email])),
        )


def record_appearances(shown: set[tuple[int, int]]) -> None:
    """Count today's appearance of each (provider id, use case id) pair on a result page.

    One statement whatever the number of pairs: an upsert that both SQLite and PostgreSQL speak.
    """
    if not shown:
        return
    table = ProviderAppearance._meta.db_table
    today = timezone.localdate()
    rows = ", ".join(["(%s, %s, %s, 1)"] * len(shown))
    params = [value for pair in sorted(shown) for value in (*pair, today)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (provider_id, use_case_id, day, count) VALUES {rows} "
            f"ON CONFLICT (provider_id, use_case_id, day) DO UPDATE SET count = {table}.count + 1",
            params,
        )


@dataclass(frozen=True)
class Appearances:
    total: int
    by_use_case: list[tuple[UseCase, int]]


def appearances(provider: Provider, days: int = APPEARANCE_DAYS) -> Appearances:
    """How often the provider was shown in the last `days` days, in all and per use case."""
    since = timezone.localdate() - timedelta(days=days - 1)
    shown = dict(
        ProviderAppearance.objects.filter(provider=provider, day__gte=since)
        .values_list("use_case_id")
        .annotate(shown=Sum("count"))
        .order_by()
    )
    use_cases = UseCase.objects.in_bulk(list(shown))
    by_use_case = sorted(
        ((use_cases[pk], count) for pk, count in shown.items()),
        key=lambda pair: (-pair[1], pair[0].slug),
    )
    return Appearances(sum(shown.values()), by_use_case)


def request_counts(provider: Provider) -> list[tuple[str, str, int]]:
    """(status, label, number of requests) for each status, in workflow order."""
    counts = dict(
        provider.contact_requests.values_list("status").annotate(n=Count("pk")).order_by()
    )
    return [
        (value, str(label), counts.get(value, 0)) for value, label in ContactRequest.Status.choices
    ]
