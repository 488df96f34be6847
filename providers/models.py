"""Solution providers: their profiles, teams, invitations, references, the contact requests
companies send them and how often they were shown.

These models were created by the usecases app and moved here (issue 16); their tables keep the
names they had (`db_table`), so the move changed Django's bookkeeping, not the database. See
providers/migrations/0001_initial.py.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usecases import vocabularies
from usecases.models import Cluster, UseCase


class ProviderQuerySet(models.QuerySet["Provider"]):
    def approved(self) -> ProviderQuerySet:
        return self.filter(approval_status=Provider.Approval.APPROVED)

    def in_cluster(self, slug: str) -> ProviderQuerySet:
        """Providers covering the whole cluster or offering one of its published use cases."""
        return self.filter(
            models.Q(clusters__slug=slug)
            | models.Q(use_cases__cluster__slug=slug, use_cases__status=UseCase.Status.PUBLISHED)
        ).distinct()

    def offering(self, use_cases: list[UseCase]) -> dict[int, list[Provider]]:
        """Approved providers per use case id: those offering the use case or its whole cluster."""
        cluster_ids = {u.cluster_id for u in use_cases}
        providers = (
            self.approved()
            .filter(models.Q(use_cases__in=use_cases) | models.Q(clusters__in=cluster_ids))
            .distinct()
            .prefetch_related("use_cases", "clusters")
        )
        offers: dict[int, list[Provider]] = {u.pk: [] for u in use_cases}
        for provider in providers:
            use_case_ids = {u.pk for u in provider.use_cases.all()}
            provider_clusters = {c.pk for c in provider.clusters.all()}
            for use_case in use_cases:
                if use_case.pk in use_case_ids or use_case.cluster_id in provider_clusters:
                    offers[use_case.pk].append(provider)
        return offers


class Provider(models.Model):
    """A company that delivers AI use cases; shown publicly only once an admin approved it."""

    class Approval(models.TextChoices):
        DRAFT = "draft", _("Not yet submitted")
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # What a company relies on when it picks a provider: changing one of these on an approved
    # profile sends it back to review. Description, regions, languages, sizes, locations and the
    # contact details change at once. The logo and references are reviewed too: an image or a
    # claimed client project is what an editor has to see before companies do.
    REVIEWED_FIELDS = ("name", "website", "use_cases", "clusters", "logo", "references")
    MAX_REFERENCES = 5

    name = models.CharField(_("company name"), max_length=200)
    slug = models.SlugField(_("short name (in addresses)"), max_length=120, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    company_sizes = models.JSONField(_("company sizes served"), default=list, blank=True)
    contact_email = models.EmailField(_("contact email"))
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_role = models.CharField(_("contact person's role"), max_length=200, blank=True)
    locations = models.CharField(
        _("locations"), max_length=300, blank=True, help_text=_("Cities, separated by commas.")
    )
    # The logo as we re-encoded it (PNG, a few dozen KB at most), in the database rather than on a
    # disk: web nodes share no directory, and the bytes served are never the bytes uploaded.
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(_("logo format"), max_length=40, blank=True, editable=False)
    logo_hash = models.CharField(_("logo fingerprint"), max_length=16, blank=True, editable=False)
    approval_status = models.CharField(
        _("review status"),
        max_length=10,
        choices=Approval.choices,
        default=Approval.DRAFT,
        db_index=True,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # What companies saw when the profile was last approved, to show reviewers what changed.
    approved_snapshot = models.JSONField(
        _("profile as last approved"), default=dict, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    is_example = models.BooleanField(
        _("example provider"),
        default=False,
        help_text=_("A fictional provider that shows how the platform works."),
    )
    use_cases = models.ManyToManyField(
        UseCase, blank=True, related_name="providers", verbose_name=_("use cases offered")
    )
    clusters = models.ManyToManyField(
        Cluster,
        blank=True,
        related_name="providers",
        verbose_name=_("whole clusters offered"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        db_table = "usecases_provider"
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("providers:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.approval_status == self.Approval.APPROVED

    def serves(self, company_size: str) -> bool:
        """Whether it works for companies of this size; no size given means any company."""
        return not company_size or company_size in self.company_sizes

    def clean(self) -> None:
        vocabularies.validate_codes(vocabularies.REGIONS, "regions", self.regions)
        vocabularies.validate_codes(vocabularies.LANGUAGE_CODES, "languages", self.languages)
        vocabularies.validate_codes(vocabularies.COMPANY_SIZES, "company_sizes", self.company_sizes)

    def submit_for_review(self) -> None:
        self.approval_status = self.Approval.PENDING
        self.submitted_at = timezone.now()
        self.save(update_fields=["approval_status", "submitted_at", "updated_at"])

    def review(self, reviewer: User, approve: bool, reason: str = "") -> None:
        self.approval_status = self.Approval.APPROVED if approve else self.Approval.REJECTED
        self.rejection_reason = "" if approve else reason
        self.reviewed_at = timezone.now()
        self.reviewed_by = reviewer
        self.save(
            update_fields=[
                "approval_status",
                "rejection_reason",
                "reviewed_at",
                "reviewed_by",
                "updated_at",
            ]
        )

    @property
    def initials(self) -> str:
        """Up to two letters for the logo placeholder: "Belegblick GmbH" gives "BG"."""
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper() or "?"

    def location_list(self) -> list[str]:
        return [place.strip() for place in self.locations.split(",") if place.strip()]

    def logo_url(self) -> str:
        if not self.logo_hash:
            return ""
        return reverse("providers:logo", args=[self.slug]) + f"?v={self.logo_hash}"

    def staff_emails(self) -> list[str]:
        """Where news about the profile goes: its members and its contact address."""
        emails = [m.user.email for m in self.memberships.select_related("user") if m.user.email]
        return list(dict.fromkeys([*emails, self.contact_email]))


class ProviderReference(models.Model):
    """A short case description: a project the provider delivered, tied to a use case."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="references", verbose_name=_("provider")
    )
    use_case = models.ForeignKey(
        UseCase, on_delete=models.CASCADE, related_name="+", verbose_name=_("use case")
    )
    client = models.CharField(
        _("for whom"),
        max_length=200,
        help_text=_("A description is enough, e.g. “Machine builder, 300 employees”."),
    )
    summary = models.TextField(_("what was done and what it brought"), max_length=800)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        db_table = "usecases_providerreference"
        ordering = ["provider", "position", "id"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return f"{self.provider} for {self.client}"


class ProviderMembership(models.Model):
    """A user who works for a provider; each user belongs to at most one provider."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        COLLEAGUE = "colleague", _("Colleague")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("provider")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_membership",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.COLLEAGUE)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        db_table = "usecases_providermembership"
        verbose_name = _("provider team member")
        verbose_name_plural = _("provider team members")

    def __str__(self) -> str:
        return f"{self.user} at {self.provider} ({self.role})"


class ProviderInvitation(models.Model):
    """An owner's invitation for a colleague, accepted by following the emailed link."""

    VALID_DAYS = 14

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("provider")
    )
    email = models.EmailField(_("email"))
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        db_table = "usecases_providerinvitation"
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.provider}"

    @property
    def is_open(self) -> bool:
        expires = self.created_at + timedelta(days=self.VALID_DAYS)
        return self.accepted_at is None and timezone.now() < expires


class ContactRequest(models.Model):
    """A company's message to a provider about a use case; only that provider reads it."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    provider = models.ForeignKey(
        Provider,
        on_delete=models.CASCADE,
        related_name="contact_requests",
        verbose_name=_("provider"),
    )
    use_case = models.ForeignKey(
        UseCase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("use case"),
    )
    # Set only when the company stored its query and chose to share it with the provider.
    submission = models.ForeignKey(
        "matching.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_requests",
        verbose_name=_("stored query"),
    )
    name = models.CharField(_("your name"), max_length=200)
    company = models.CharField(_("company"), max_length=200)
    email = models.EmailField(_("email"))
    message = models.TextField(_("message"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    # The interface language the company wrote in, so that a reply's framing speaks it too.
    language = models.CharField(_("language"), max_length=2, default="en")
    reply = models.TextField(_("reply"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "usecases_contactrequest"
        ordering = ["-created_at"]
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")

    def __str__(self) -> str:
        return f"{self.company} to {self.provider} ({self.created_at:%Y-%m-%d})"


class ProviderAppearance(models.Model):
    """How often a provider was shown with a use case on match results, per day.

    Counts only: nothing of the query is kept, so companies that did not store theirs count too.
    """

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="appearances", verbose_name=_("provider")
    )
    use_case = models.ForeignKey(
        UseCase, on_delete=models.CASCADE, related_name="+", verbose_name=_("use case")
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("times shown"), default=0)

    class Meta:
        db_table = "usecases_providerappearance"
        verbose_name = _("provider appearance")
        verbose_name_plural = _("provider appearances")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "use_case", "day"], name="one_count_per_provider_use_case_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} with {self.use_case_id} on {self.day}: {self.count}"
