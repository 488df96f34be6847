"""Import and export of the catalog (clusters, use cases, problem statements, assessments) as
CSV or XLSX with django-import-export.

Every file the export writes imports again without changing anything: rows are matched on their
natural keys (slugs, and use case + language + text, or use case + assessor + date), both
translations are separate columns, and code lists are one cell of comma-separated codes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.spreadsheets import from_spreadsheet, spreadsheet_safe
from usecases.curation import (
    EDITORIAL_FIELDS,
    PUBLISH_ONLY,
    PUBLISH_PERMISSION,
    may_edit,
    record_change,
    snapshot,
)
from usecases.models import Cluster, ExpertAssessment, ProblemStatement, UseCase, UseCaseChange
from usecases.vocabularies import LANGUAGES


def translated(*names: str) -> tuple[str, ...]:
    return tuple(f"{name}_{language}" for name in names for language in LANGUAGES)


class CodeListWidget(widgets.Widget):
    """A list of vocabulary codes in one cell, separated by commas; the model validates them."""

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        if value is None:
            return []
        return [code.strip() for code in str(value).split(",") if code.strip()]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ", ".join(value or [])


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug; an unknown slug rejects the row with the slug named."""

    def __init__(self, model: type) -> None:
        super().__init__(model, field="slug")

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("Unknown %(kind)s: %(slug)s")
                % {"kind": self.model._meta.verbose_name, "slug": value}
            ) from None


class ScoreWidget(widgets.IntegerWidget):
    """A score cell; text that is no whole number rejects the row with the value named (the
    model's validators then check the range of 1 to 5)."""

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError):  # decimal's InvalidOperation is an ArithmeticError
            raise ValueError(
                _("Enter a whole number from 1 to 5, not “%(value)s”.") % {"value": value}
            ) from None


class CatalogResource(resources.ModelResource):
    """Shared options: validate every row with the model's own rules, report unchanged rows.

    Texts are written so no spreadsheet runs them as formulas (a problem statement can come from
    an anonymous company's query) and read back to what they were (core/spreadsheets.py).
    """

    def export_field(self, field: fields.Field, instance: Any, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        return spreadsheet_safe(value) if isinstance(value, str) else value

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = from_spreadsheet(value)

    def skip_row(
        self,
        instance: Any,
        original: Any,
        row: dict[str, Any],
        import_validation_errors: dict[str, Any] | None = None,
    ) -> bool:
        """Unchanged means every column renders as it would on export, so an empty cell equals
        a missing optional translation (stored as NULL or as an empty text)."""
        if import_validation_errors or original is None or original.pk is None:
            return False
        return all(
            field.export(instance) == field.export(original) for field in self.get_import_fields()
        )

    class Meta:
        abstract = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True


class ClusterResource(CatalogResource):
    class Meta(CatalogResource.Meta):
        model = Cluster
        import_id_fields = ("slug",)
        fields = ("slug", "ordering", *translated("name", "description"))
        export_order = fields


class UseCaseResource(CatalogResource):
    cluster = fields.Field("cluster", "cluster", widget=SlugWidget(Cluster))
    business_functions = fields.Field(
        "business_functions", "business_functions", widget=CodeListWidget()
    )
    industries = fields.Field("industries", "industries", widget=CodeListWidget())
    ai_techniques = fields.Field("ai_techniques", "ai_techniques", widget=CodeListWidget())
    obstacles = fields.Field("obstacles", "obstacles", widget=CodeListWidget())

    class Meta(CatalogResource.Meta):
        model = UseCase
        import_id_fields = ("slug",)
        fields = EDITORIAL_FIELDS
        export_order = fields

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._before: dict[int, dict[str, Any]] = {}

    def after_init_instance(
        self, instance: UseCase, new: bool, row: dict[str, Any], **kwargs: Any
    ) -> None:
        self._before[id(instance)] = {} if new else snapshot(instance)

    def import_instance(self, instance: UseCase, row: dict[str, Any], **kwargs: Any) -> None:
        """Besides the fields: only editors allowed to publish may publish or unpublish."""
        previous = instance.status if instance.pk else UseCase.Status.DRAFT
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        user = kwargs.get("user")
        published_before_or_after = UseCase.Status.PUBLISHED in (previous, instance.status)
        if (
            instance.status != previous
            and published_before_or_after
            and not (user and user.has_perm(PUBLISH_PERMISSION))
        ):
            errors.setdefault("status", []).append(
                _("Only editors allowed to publish may change the status to or from published.")
            )
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance: UseCase, row: dict[str, Any], **kwargs: Any) -> None:
        """Like the admin form: editors without the publish permission change drafts only.
        Checked here, where only changed rows arrive, so unchanged published rows pass."""
        before = self._before.get(id(instance), {})
        user = kwargs.get("user")
        if before.get("status", UseCase.Status.DRAFT) != UseCase.Status.DRAFT and not (
            user and user.has_perm(PUBLISH_PERMISSION)
        ):
            raise ValidationError(_(PUBLISH_ONLY))

    def after_save_instance(self, instance: UseCase, row: dict[str, Any], **kwargs: Any) -> None:
        before = self._before.pop(id(instance), {})
        record_change(instance, before, kwargs.get("user"), UseCaseChange.Source.IMPORT)


class UseCasePartResource(CatalogResource):
    """Rows that belong to a use case (problem statements, assessments): like the use case's own
    rows, changed ones of a published or retired use case need the publish permission, and each
    use case an import changes gets one history entry with all of its changes.

    Checked where only changed rows arrive, so unchanged rows of published use cases pass.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._before: dict[int, dict[str, Any]] = {}

    def before_save_instance(self, instance: Any, row: dict[str, Any], **kwargs: Any) -> None:
        use_case = instance.use_case
        if not may_edit(kwargs.get("user"), use_case):
            raise ValidationError(_(PUBLISH_ONLY))
        if use_case.pk not in self._before:
            self._before[use_case.pk] = snapshot(use_case)

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        """Inside the import's transaction, so a dry run leaves no history either."""
        for use_case in UseCase.objects.filter(pk__in=list(self._before)):
            before = self._before[use_case.pk]
            record_change(use_case, before, kwargs.get("user"), UseCaseChange.Source.IMPORT)
        self._before.clear()


class ProblemStatementResource(UseCasePartResource):
    use_case = fields.Field("use_case", "use_case", widget=SlugWidget(UseCase))

    class Meta(CatalogResource.Meta):
        model = ProblemStatement
        import_id_fields = ("use_case", "language", "text")
        fields = ("use_case", "language", "text", "position", "from_catalog")
        export_order = fields


class ExpertAssessmentResource(UseCasePartResource):
    use_case = fields.Field("use_case", "use_case", widget=SlugWidget(UseCase))
    revenue = fields.Field("revenue", "revenue", widget=ScoreWidget())
    company_value = fields.Field("company_value", "company_value", widget=ScoreWidget())
    cost_reduction = fields.Field("cost_reduction", "cost_reduction", widget=ScoreWidget())

    class Meta(CatalogResource.Meta):
        model = ExpertAssessment
        import_id_fields = ("use_case", "assessor", "assessed_on")
        fields = (
            "use_case",
            "assessor",
            "assessed_on",
            "editorial_estimate",
            "revenue",
            "company_value",
            "cost_reduction",
            *translated("comment"),
        )
        export_order = fields

    def get_queryset(self) -> Any:
        # Panel experts' own ratings are theirs: an import never finds (and overwrites) one.
        return super().get_queryset().filter(expert__isnull=True)
