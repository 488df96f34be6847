"""The company's journey: describe a problem, read the matches, act on them."""

from __future__ import annotations

import csv
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.ratelimit import rate_limit
from core.spreadsheets import spreadsheet_safe
from matching import decision, report
from matching.forms import FeedbackForm, ProblemForm, ReadinessForm, ReweightForm
from matching.index import IndexUnavailable
from matching.models import ResultFeedback, Submission
from matching.portfolio import portfolio
from matching.presentation import Card, Ordering, answer_summary, result_cards
from matching.readiness import QUESTIONS
from matching.schemas import ProblemResults, RankedUseCase, dump_groups, dump_results
from matching.services import MatchRequest, match, reorder
from usecases import vocabularies

RESULTS_SHOWN = 10


def example_problems() -> list[str]:
    """Clickable examples on the start page, in the interface language."""
    return [
        _("Our machines break down without warning and production stands still for hours."),
        _("We type supplier invoices and delivery notes into our ERP system by hand."),
        _("Our customer service answers the same questions about delivery times all day."),
    ]


@require_http_methods(["GET", "POST"])
@rate_limit("match")
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        example = request.GET.get("example", "")
        initial = {"goal": vocabularies.DEFAULT_GOAL}
        if example.isdigit() and int(example) < len(example_problems()):
            initial["text"] = example_problems()[int(example)]
        return _start_page(request, ProblemForm(initial=initial))

    form = ProblemForm(request.POST)
    if not form.is_valid():
        return _start_page(request, form, status=400)
    data = form.cleaned_data
    try:
        result = match(
            MatchRequest(
                text=data["text"],
                top_k=RESULTS_SHOWN,
                goal=data["goal"],
                store=not data["dont_store"],
                industry=data["industry"],
                business_function=data["business_function"],
                company_size=data["company_size"],
                readiness=form.answers(),
            )
        )
    except IndexUnavailable:
        form.add_error(None, _("Matching is being prepared. Please try again in a minute."))
        return _start_page(request, form, status=503)

    if result.query_id is None:
        # Not stored: shown once from an unsaved record, with no address to come back to.
        unsaved = Submission(
            text=data["text"],
            language=result.language,
            goal=data["goal"],
            value_weight=settings.MATCH_DEFAULT_VALUE_WEIGHT,
            low_confidence=result.low_confidence,
            company_size=data["company_size"],
            results=dump_results(result.results),
            groups=dump_groups(result.groups),
            readiness=form.answers() or None,
        )
        return _results_page(request, unsaved, stored=False)
    submission = Submission.objects.get(pk=result.query_id)
    if request.headers.get("HX-Request"):
        response = _results_page(request, submission)
        response["HX-Push-Url"] = submission.get_absolute_url()
        return response
    return redirect(submission)


def _start_page(request: HttpRequest, form: ProblemForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "matching/start.html",
        {"form": form, "examples": example_problems()},
        status=status,
    )


def _stored(pk: uuid.UUID) -> Submission:
    return get_object_or_404(Submission, pk=pk)


@require_GET
def results(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    submission = _stored(pk)
    reweight = ReweightForm(request.GET) if "goal" in request.GET else None
    if reweight is not None and reweight.is_valid():
        return _results_page(
            request,
            submission,
            goal=reweight.cleaned_data["goal"],
            weight=reweight.cleaned_data["weight"],
        )
    return _results_page(request, submission)


def _results_page(
    request: HttpRequest,
    submission: Submission,
    *,
    stored: bool = True,
    goal: str | None = None,
    weight: int | None = None,
    template: str = "matching/results.html",
    readiness_form: ReadinessForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A submission's results, re-ordered when another goal or value weight is asked for."""
    shown, groups = submission.shown_results(), submission.shown_groups()
    resorted = goal is not None and weight is not None
    if goal is not None and weight is not None:
        shown = reorder(shown, goal, weight / 100)
        groups = [
            ProblemResults(text=g.text, results=reorder(g.results, goal, weight / 100))
            for g in groups
        ]
    goal = goal or submission.goal
    weight = round(submission.value_weight * 100) if weight is None else weight
    ordering = Ordering(goal, weight / 100)
    ratings = dict(submission.feedback.values_list("use_case_slug", "helpful")) if stored else {}

    def cards(results: list[RankedUseCase], text: str) -> list[Card]:
        return result_cards(
            results,
            language=submission.language,
            company_size=submission.company_size,
            ratings=ratings,
            description=text,
            ordering=ordering,
        )

    merged = cards(shown, submission.text)
    sections = [{"text": g.text, "cards": cards(g.results, g.text)} for g in groups]
    answers = submission.readiness or {}
    context = {
        "submission": submission if stored else None,
        "description": submission.text,
        "cards": merged,
        "sections": sections,
        "summary": answer_summary(merged, groups, submission.low_confidence),
        "ordering": ordering,
        "resorted": resorted,
        # Focus and view go to the answer on arrival, not after a re-sort (focus stays put).
        "land": not resorted,
        "low_confidence": submission.low_confidence,
        "results_language": submission.language,
        "reweight": ReweightForm(initial={"goal": goal, "weight": weight}),
        # The chart only once the company answered: without answers every point would sit on
        # the same neutral estimate.
        "portfolio": portfolio(shown, goal, ordering.goal_label) if answers else None,
        "readiness": readiness_form or ReadinessForm(initial=answers),
        "answered": len(answers),
        "questions": len(QUESTIONS),
        "snapshot": None if stored else decision.sign_unstored(submission),
    }
    return render(request, template, context, status=status)


@require_POST
def rate(request: HttpRequest, pk: uuid.UUID, slug: str) -> HttpResponse:
    submission = _stored(pk)
    if slug not in {r.use_case.slug for r in submission.shown_results()}:
        raise Http404
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Please choose helpful or not helpful."), status=400)
    ResultFeedback.objects.update_or_create(
        submission=submission,
        use_case_slug=slug,
        defaults={"helpful": form.cleaned_data["helpful"]},
    )
    if request.headers.get("HX-Request"):
        return render(
            request,
            "matching/_rating.html",
            {
                "submission": submission,
                "card": {"use_case": {"slug": slug}, "rating": form.cleaned_data["helpful"]},
            },
        )
    return redirect(f"{submission.get_absolute_url()}#result-{slug}")


@require_POST
def delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    _stored(pk).delete()
    messages.success(request, _("Your description and its results have been deleted."))
    return redirect("matching:start")


@require_GET
def download_csv(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    submission = _stored(pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ai-use-cases-{pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the umlauts correctly
    writer = csv.writer(response)
    writer.writerow([_("Your description"), spreadsheet_safe(submission.text)])
    writer.writerow(
        [
            _("Rank"),
            _("Use case"),
            _("Cluster"),
            _("Relevance (%)"),
            _("Revenue increase"),
            _("Company-value increase"),
            _("Cost reduction"),
            _("Overall"),
            _("Assessments"),
            _("Editorial estimate"),
            _("Your words that carried the match"),
            _("How other companies put it (closest catalog problem statement)"),
            _("Providers"),
            _("Link"),
        ]
    )
    # Providers as approved now: one withdrawn since the query never reaches the download.
    cards = result_cards(
        submission.shown_results(),
        language=submission.language,
        company_size=submission.company_size,
        ratings={},
        description=submission.text,
        ordering=Ordering(submission.goal, submission.value_weight),
    )
    for card in cards:
        result = card.result
        potential = result.value_potential
        # As on the page: the company's own words first, the catalog's wording apart.
        explanation = card.explanation
        writer.writerow(
            [
                result.rank,
                spreadsheet_safe(result.use_case.title),
                spreadsheet_safe(result.use_case.cluster.name),
                round(result.relevance * 100),
                potential.revenue,
                potential.company_value,
                potential.cost_reduction,
                potential.overall,
                potential.assessments,
                _("yes") if potential.editorial_estimate else _("no"),
                spreadsheet_safe(", ".join(explanation.marked_words) if explanation else ""),
                spreadsheet_safe(explanation.statement if explanation else ""),
                spreadsheet_safe(", ".join(fit.provider.name for fit in card.providers)),
                request.build_absolute_uri(
                    reverse("usecases:use_case", args=[result.use_case.slug])
                ),
            ]
        )
    return response


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "matching/privacy.html",
        {
            "retention_days": settings.SUBMISSION_RETENTION_DAYS,
            "rate_limit_window": settings.RATE_LIMITS["match"][1],
        },
    )


@require_GET
def print_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _results_page(request, _stored(pk), template="matching/print.html")


@require_POST
def answer_readiness(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The readiness check answered on a stored query's page: stored with it (the company let
    us store the query), feasibility recomputed for its results, then the page again."""
    submission = _stored(pk)
    form = ReadinessForm(request.POST)
    if not form.is_valid():
        return _results_page(request, submission, readiness_form=form, status=400)
    decision.answer(submission, form.answers())
    return redirect(f"{submission.get_absolute_url()}#portfolio")


@require_POST
def answer_readiness_unstored(request: HttpRequest) -> HttpResponse:
    """The readiness check answered on the page of a query that was not stored: the page is
    drawn again from the signed snapshot it carries, with the answers, and nothing is kept."""
    submission = decision.unsigned_or_none(request.POST.get("snapshot", ""))
    if submission is None:
        return _expired_snapshot(request)
    form = ReadinessForm(request.POST)
    if not form.is_valid():
        return _results_page(request, submission, stored=False, readiness_form=form, status=400)
    decision.answer(submission, form.answers(), save=False)
    return _results_page(request, submission, stored=False)


@require_GET
def report_pdf(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _pdf_response(report.render(_stored(pk)), f"ai-decision-report-{pk}.pdf")


@require_POST
def report_pdf_unstored(request: HttpRequest) -> HttpResponse:
    """The report of a query that was not stored, rendered from the page's signed snapshot."""
    submission = decision.unsigned_or_none(request.POST.get("snapshot", ""))
    if submission is None:
        return _expired_snapshot(request)
    return _pdf_response(report.render(submission), "ai-decision-report.pdf")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _expired_snapshot(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "400.html",
        {
            "message": _(
                "These results are no longer available: they were not stored. Please describe "
                "your problem again."
            )
        },
        status=400,
    )
