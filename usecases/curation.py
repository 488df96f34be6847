"""Editorial work on the catalog: status changes with their permission rule, and the change
history that records who changed which field of a use case from what to what."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from usecases.models import ExpertAssessment, ProblemStatement, UseCase, UseCaseChange
from usecases.vocabularies import LANGUAGES

PUBLISH_PERMISSION = "usecases.publish_usecase"
# Refusal for an edit of a published or retired use case, or of one of its parts.
PUBLISH_ONLY = gettext_noop(
    "Only editors allowed to publish may change published or retired use cases."
)
# The fields an editor writes, which the change history records and import and export carry;
# bookkeeping (timestamps, embedding state) is left out.
EDITORIAL_FIELDS = (
    "slug",
    "cluster",
    *(
        f"{name}_{language}"
        for name in ("title", "summary", "description", "data_needed")
        for language in LANGUAGES
    ),
    "business_functions",
    "industries",
    "ai_techniques",
    "obstacles",
    "effort",
    "status",
)
AnyUser = User | AnonymousUser


def may_edit(user: AnyUser | None, use_case: UseCase) -> bool:
    """Whether the user may change what the use case shows, its problem statements and
    assessments included: anyone with the model's permissions while it is a draft, only editors
    with the publish permission once it has been published (or retired)."""
    if use_case.status == UseCase.Status.DRAFT:
        return True
    return user is not None and user.has_perm(PUBLISH_PERMISSION)


def may_delete(user: AnyUser, use_case: UseCase) -> bool:
    """Drafts go like any edit; a published use case is retired first (a recorded status move
    that needs the publish permission), so deleting one never changes what companies see."""
    if use_case.status == UseCase.Status.PUBLISHED:
        return False
    return may_edit(user, use_case)


class TransitionRefused(Exception):
    """The status change is not possible; the message says why, in the active language."""


def change_status(use_case: UseCase, status: str, user: User) -> UseCase:
    """Move a use case to another status, recording when and by whom.

    Only users with the publish permission may move a use case into or out of "published",
    because that changes what companies are shown.
    """
    if not use_case.can_move_to(status):
        raise TransitionRefused(
            _("A use case cannot move from %(old)s to %(new)s.")
            % {"old": UseCase.Status(use_case.status).label, "new": UseCase.Status(status).label}
        )
    if use_case.move_needs_publish_permission(status) and not user.has_perm(PUBLISH_PERMISSION):
        raise TransitionRefused(_("Only editors allowed to publish may do this."))
    before = snapshot(use_case)
    with transaction.atomic():
        use_case.status = status
        use_case.status_changed_at = timezone.now()
        use_case.status_changed_by = user if user.is_authenticated else None
        use_case.save()
        record_change(use_case, before, user, UseCaseChange.Source.STATUS)
    return use_case


def add_problem_statement(
    use_case: UseCase, language: str, text: str, user: User
) -> ProblemStatement:
    """Add a company's own words as a problem statement of `use_case` ("teach the matcher").

    The statement is recorded in the change history; saving it marks the use case stale, so it
    is embedded right after the commit. Changing a published use case changes what companies
    are shown, so that needs the publish permission (`may_edit`).
    """
    if not user.has_perm("usecases.change_usecase"):
        raise TransitionRefused(_("You may not change use cases."))
    if not may_edit(user, use_case):
        raise TransitionRefused(_(PUBLISH_ONLY))
    text = " ".join(text.split())
    if use_case.problem_statements.filter(language=language, text=text).exists():
        raise TransitionRefused(_("This use case already has this problem statement."))
    before = snapshot(use_case)
    with transaction.atomic():
        last = use_case.problem_statements.filter(language=language).order_by("-position").first()
        statement = ProblemStatement.objects.create(
            use_case=use_case,
            language=language,
            text=text,
            position=(last.position + 1) if last else 0,
        )
        record_change(use_case, before, user, UseCaseChange.Source.QUERY)
    return statement


def snapshot(use_case: UseCase) -> dict[str, Any]:
    """The editor-visible values of a use case as stored, problem statements included."""
    values: dict[str, Any] = {}
    for name in EDITORIAL_FIELDS:
        value = getattr(use_case, name)
        values[name] = value.slug if name == "cluster" else value
    if use_case.pk:
        for language in LANGUAGES:
            values[f"problem_statements_{language}"] = list(
                use_case.problem_statements.filter(language=language)
                .order_by("position", "id")
                .values_list("text", flat=True)
            )
        # Assessments make the public value potential, so their changes are history too.
        values["assessments"] = [
            _assessment_label(assessment)
            for assessment in use_case.assessments.order_by("assessed_on", "assessor", "id")
        ]
    return values


def _assessment_label(assessment: ExpertAssessment) -> str:
    """One assessment as the history shows it (stored data, so not translated)."""
    label = (
        f"{assessment.assessor}, {assessment.assessed_on:%Y-%m-%d}: "
        f"revenue {assessment.revenue}, company value {assessment.company_value}, "
        f"cost reduction {assessment.cost_reduction}"
    )
    if assessment.editorial_estimate:
        label += ", editorial estimate"
    comments = [getattr(assessment, f"comment_{language}") for language in LANGUAGES]
    comments = [text for text in comments if text]
    if comments:
        label += " (" + " / ".join(comments) + ")"
    return label


def record_change(
    use_case: UseCase, before: dict[str, Any], user: AnyUser | None, source: str
) -> UseCaseChange | None:
    """Store the fields that differ between `before` and the use case now; None if none do."""
    after = snapshot(use_case)
    fields = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    if not fields:
        return None
    return UseCaseChange.objects.create(
        use_case=use_case,
        user=user if isinstance(user, User) else None,
        source=source,
        fields=fields,
    )
