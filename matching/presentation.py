"""What a results page shows beyond the stored snapshot: the reason per result in the company's
own words, the one number that orders the list and what it is made of, providers by fit, and
the one-sentence answer at the top. Presentation only; the ranking lives in matching.services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching import explain, ranking
from matching.indexing import catalog_texts
from matching.schemas import ProblemResults, RankedUseCase, ResultUseCase
from providers.models import Provider
from usecases import vocabularies
from usecases.models import UseCase, ValuePotential

# Results shown open on arrival; the rest show title, area and score until opened.
OPEN_RESULTS = 3


@dataclass(frozen=True)
class ProviderFit:
    """An approved provider of a result, and whether it fits the company."""

    provider: Provider
    speaks_language: bool
    serves_size: bool

    @property
    def fits(self) -> bool:
        return self.speaks_language and self.serves_size


@dataclass(frozen=True)
class Ordering:
    """How the list is ordered: fit and value potential for a goal, with their weights."""

    goal: str
    value_weight: float  # 0..1

    @property
    def value_percent(self) -> int:
        return round(self.value_weight * 100)

    @property
    def fit_percent(self) -> int:
        return 100 - self.value_percent

    @property
    def goal_label(self) -> str:
        return vocabularies.label(vocabularies.GOALS, self.goal)

    def sentence(self) -> str:
        """The page's statement of what the order and the number on each result mean."""
        if self.value_weight == 0:
            return _(
                "Ordered by score: only the fit to your problem counts, the value potential "
                "does not."
            )
        return _(
            "Ordered by score: the fit to your problem counts %(fit)d %%, the value potential "
            "for “%(goal)s” %(value)d %%."
        ) % {"fit": self.fit_percent, "goal": self.goal_label, "value": self.value_percent}


@dataclass
class Card:
    """One result as the page shows it."""

    result: RankedUseCase
    published: bool
    explanation: explain.Explanation | None
    score_why: str
    providers: list[ProviderFit] = field(default_factory=list)
    providers_note: str = ""
    data_needed: str = ""
    effort: str = ""
    obstacles: list[str] = field(default_factory=list)
    rating: bool | None = None

    @property
    def use_case(self) -> ResultUseCase:
        return self.result.use_case

    @property
    def rank(self) -> int:
        return self.result.rank

    @property
    def relevance(self) -> float:
        return self.result.relevance

    @property
    def score(self) -> int:
        """The number shown, out of 100; the list is ordered by it."""
        return round(self.result.score * 100)

    @property
    def value_potential(self) -> ValuePotential:
        return self.result.value_potential

    @property
    def is_open(self) -> bool:
        return self.rank <= OPEN_RESULTS


def score_explanation(result: RankedUseCase, ordering: Ordering, best_relevance: float) -> str:
    """What the shown score of one result is made of, in one sentence."""
    relevance = round(result.relevance * 100)
    value = result.value_potential.for_goal(ordering.goal)
    fits = result.fit_count
    bonus = round(ranking.FIT_BONUS * 100 * fits)
    in_pool = result.relevance >= best_relevance * ranking.VALUE_POOL_MIN_SHARE
    if ordering.value_weight == 0 or value is None:
        text = _("Fit %(fit)d %%.") % {"fit": relevance}
    elif not in_pool:
        text = _(
            "Fit %(fit)d %% (counts %(fit_weight)d %%). Value does not count here: the fit is "
            "below 60 %% of the best result's."
        ) % {"fit": relevance, "fit_weight": ordering.fit_percent}
    else:
        text = _(
            "Fit %(fit)d %% (counts %(fit_weight)d %%) · value for “%(goal)s” %(value)s of 5 "
            "(counts %(value_weight)d %%)."
        ) % {
            "fit": relevance,
            "fit_weight": ordering.fit_percent,
            "goal": ordering.goal_label,
            "value": formats.number_format(value, decimal_pos=0 if value == int(value) else 1),
            "value_weight": ordering.value_percent,
        }
    if bonus and in_pool:
        text += " " + ngettext(
            "Plus %(bonus)d for fitting the refinement you chose.",
            "Plus %(bonus)d for fitting the refinements you chose.",
            fits,
        ) % {"bonus": bonus}
    return text


def providers_by_fit(
    providers: list[Provider], language: str, company_size: str
) -> tuple[list[ProviderFit], str]:
    """Providers that work in the description's language and serve the company's size first;
    and a note when none of them does both."""
    fitted = [ProviderFit(p, language in p.languages, p.serves(company_size)) for p in providers]
    fitted.sort(key=lambda f: (not f.fits, not f.speaks_language, not f.serves_size))
    note = ""
    if fitted and not any(f.fits for f in fitted):
        language_name = vocabularies.label(vocabularies.LANGUAGE_CODES, language)
        if company_size:
            note = _(
                "None of these providers both works in %(language)s and serves companies of "
                "your size (%(size)s)."
            ) % {
                "language": language_name,
                "size": vocabularies.label(vocabularies.COMPANY_SIZES, company_size),
            }
        else:
            note = _("None of these providers works in %(language)s.") % {"language": language_name}
    return fitted, note


def result_cards(
    results: list[RankedUseCase],
    *,
    language: str,
    company_size: str,
    ratings: dict[str, bool],
    description: str,
    ordering: Ordering,
) -> list[Card]:
    """Each stored result with what the page shows beyond the snapshot, in the query's language.

    Relevance, value, score and order come from the snapshot the company was shown; the reason,
    obstacles, prerequisites and providers are read now, so approvals and edits show up.
    """
    slugs = [r.use_case.slug for r in results]
    use_cases = {
        u.slug: u
        for u in UseCase.objects.published()
        .filter(slug__in=slugs)
        .select_related("cluster")
        # Assessments for the obstacles each card names (one query, not one per card).
        .prefetch_related("problem_statements", "assessments")
    }
    offers = Provider.objects.offering(list(use_cases.values()))
    vocabulary = explain.vocabulary(
        language,
        {
            u.pk: [(t.kind, t.text) for t in catalog_texts(u) if t.language == language]
            for u in use_cases.values()
        },
    )
    best_relevance = max((r.relevance for r in results), default=0.0)
    interface_language = translation.get_language()
    cards = []
    for result in results:
        use_case = use_cases.get(result.use_case.slug)
        with translation.override(interface_language):
            why = score_explanation(result, ordering, best_relevance)
            providers, note = providers_by_fit(
                offers.get(use_case.pk, []) if use_case else [], language, company_size
            )
        with translation.override(language):
            cards.append(
                Card(
                    result=result,
                    published=use_case is not None,
                    explanation=explain.explain(
                        description, use_case.pk, result.matched_on, vocabulary
                    )
                    if use_case and description
                    else None,
                    score_why=why,
                    providers=providers,
                    providers_note=note,
                    data_needed=use_case.data_needed if use_case else "",
                    effort=use_case.get_effort_display() if use_case else "",
                    obstacles=[
                        vocabularies.label(vocabularies.OBSTACLES, code, language)
                        for code in (use_case.obstacle_codes() if use_case else [])
                    ],
                    rating=ratings.get(result.use_case.slug),
                )
            )
    return cards


def _quoted(title: str) -> str:
    return _("“%(title)s”") % {"title": title}


def answer_summary(cards: list[Card], groups: list[ProblemResults], low_confidence: bool) -> str:
    """The answer in one sentence, for the top of the page."""
    if not cards:
        return _("Nothing in our catalog fits this description.")
    if low_confidence:
        return _(
            "Nothing in our catalog clearly fits; the closest idea is %(first)s, treat it with "
            "caution."
        ) % {"first": _quoted(cards[0].use_case.title)}
    if groups:
        bests = [_quoted(g.results[0].use_case.title) for g in groups if g.results]
        return ngettext(
            "You describe %(count)d problem: %(bests)s fits it best.",
            "You describe %(count)d problems; the best fit for each: %(bests)s.",
            len(groups),
        ) % {"count": len(groups), "bests": _("; ").join(bests)}
    if len(cards) == 1:
        return _("%(first)s fits best.") % {"first": _quoted(cards[0].use_case.title)}
    more = len(cards) - 2
    first_two = {
        "first": _quoted(cards[0].use_case.title),
        "second": _quoted(cards[1].use_case.title),
    }
    if not more:
        return _("%(first)s and %(second)s fit best.") % first_two
    return ngettext(
        "%(first)s and %(second)s fit best; below them %(more)d more idea.",
        "%(first)s and %(second)s fit best; below them %(more)d more ideas.",
        more,
    ) % {**first_two, "more": more}
