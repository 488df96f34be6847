"""The decision report: a one- to two-page PDF for a management meeting, drawn with ReportLab.

The problem as the company put it, the portfolio chart, the top use cases with value,
feasibility, blockers, first steps and providers, and how the figures were made. Texts come in
the active language; the use cases' own texts in the language of the description, as on the page.
ReportLab ships the Bitstream Vera fonts, so the report needs nothing from the system; a
character those fonts lack is replaced by its base letter (or "?") instead of an empty box.
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from matching import feasibility
from matching.models import Submission
from matching.portfolio import Portfolio, portfolio
from matching.presentation import Ordering
from matching.readiness import answered_labels
from matching.schemas import RankedUseCase
from matching.services import published_catalog
from providers.models import Provider

TOP_USE_CASES = 5
DESCRIPTION_CHARACTERS = 900
FONT, BOLD = "Vera", "VeraBd"
INK = colors.HexColor("#1b2330")
MUTED = colors.HexColor("#4a5565")
ACCENT = colors.HexColor("#0b5cad")
LINE = colors.HexColor("#d5dbe3")
SHADES = {
    "quick_win": colors.HexColor("#e3f1e6"),
    "strategic": colors.HexColor("#e6eef8"),
    "easy_extra": colors.HexColor("#f6f3e4"),
    "not_now": colors.HexColor("#f3f5f8"),
}


@cache
def _fonts() -> frozenset[int]:
    """Register the fonts once; the characters they can draw."""
    folder = Path(reportlab.__file__).parent / "fonts"
    regular = TTFont(FONT, str(folder / "Vera.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    return frozenset(regular.face.charToGlyph)


def _drawable(text: str) -> str:
    known = _fonts()
    out = []
    for character in text:
        if ord(character) in known or character in "\n\t":
            out.append(character)
            continue
        base = unicodedata.normalize("NFKD", character)[:1]
        out.append(base if base and ord(base) in known else "?")
    return "".join(out)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_drawable(text)), style)


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8,
            spaceAfter=3, textColor=ACCENT,
        ),
        "h3": ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10, leading=13),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.8, leading=10, textColor=MUTED),
        "quote": ParagraphStyle(
            "quote", parent=body, leftIndent=8, borderPadding=4, textColor=INK,
            backColor=colors.HexColor("#f3f5f8"),
        ),
    }  # fmt: skip


def _number(value: float | None) -> str:
    if value is None:
        return "\u2013"  # en dash: no figure
    return formats.number_format(value, decimal_pos=1)


def chart_drawing(chart: Portfolio, scale: float = 0.72) -> Drawing:
    """The portfolio chart as ReportLab shapes, from the same geometry as the page's SVG."""
    _fonts()
    height = chart.height

    def y(svg_y: float) -> float:  # SVG counts down from the top, PDF up from the bottom
        return height - svg_y

    drawing = Drawing(chart.width, chart.height)
    # types-reportlab declares Rect's keyword arguments as one TypedDict (without Unpack), so
    # mypy rejects every style keyword: the two ignores below are for that stub.
    for shade in chart.shades():
        drawing.add(
            Rect(
                shade["x"], y(shade["y"] + shade["height"]), shade["width"], shade["height"],
                fillColor=SHADES[shade["key"]], strokeColor=None,  # type: ignore[arg-type]
            )
        )  # fmt: skip
    for tick in chart.ticks():
        drawing.add(Line(tick["x"], y(chart.top), tick["x"], y(chart.bottom), strokeColor=LINE))
        drawing.add(Line(chart.left, y(tick["y"]), chart.right, y(tick["y"]), strokeColor=LINE))
        label = str(tick["value"])
        drawing.add(String(tick["x"], y(chart.bottom + 16), label, fontName=FONT, fontSize=10,
                           textAnchor="middle", fillColor=MUTED))  # fmt: skip
        drawing.add(String(chart.left - 8, y(tick["y"] + 4), label, fontName=FONT, fontSize=10,
                           textAnchor="end", fillColor=MUTED))  # fmt: skip
    for x1, y1, x2, y2 in (
        (chart.middle_x, chart.top, chart.middle_x, chart.bottom),
        (chart.left, chart.middle_y, chart.right, chart.middle_y),
    ):
        drawing.add(Line(x1, y(y1), x2, y(y2), strokeColor=MUTED, strokeWidth=1.2))
    for quadrant in chart.quadrants():
        drawing.add(String(quadrant["x"], y(quadrant["y"]), _drawable(quadrant["name"]),
                           fontName=BOLD, fontSize=11, fillColor=MUTED,
                           textAnchor=quadrant["anchor"]))  # fmt: skip
    drawing.add(String(chart.middle_x, 8, _drawable(_("Feasibility for your company")),
                       fontName=FONT, fontSize=11, textAnchor="middle", fillColor=INK))  # fmt: skip
    value_title = String(0, 0, _drawable(_("Value potential")), fontName=FONT, fontSize=11,
                         textAnchor="middle", fillColor=INK)  # fmt: skip
    turned = Group(value_title)
    turned.translate(20, y(chart.middle_y))
    turned.rotate(90)
    drawing.add(turned)
    for mark in chart.marks:
        if mark.wide:
            drawing.add(Rect(mark.pill_left, y(mark.y) - 11, mark.pill_width, 22, rx=11, ry=11,
                             fillColor=ACCENT, strokeColor=colors.white))  # type: ignore[arg-type]  # fmt: skip
        else:
            drawing.add(Circle(mark.x, y(mark.y), 11, fillColor=ACCENT,
                               strokeColor=colors.white))  # fmt: skip
        drawing.add(String(mark.x, y(mark.y) - 4, mark.label, fontName=BOLD, fontSize=10,
                           textAnchor="middle", fillColor=colors.white))  # fmt: skip
    drawing.scale(scale, scale)
    drawing.width, drawing.height = chart.width * scale, chart.height * scale
    return drawing


def _current_providers(results: list[RankedUseCase]) -> set[str]:
    slugs = {p.slug for r in results for p in r.providers}
    return set(Provider.objects.approved().filter(slug__in=slugs).values_list("slug", flat=True))


def render(submission: Submission) -> bytes:
    """The report as PDF bytes; feasibility is computed afresh from the stored answers."""
    styles = _styles()
    answers = submission.readiness or {}
    results = feasibility.attach(
        submission.shown_results()[:TOP_USE_CASES],
        answers,
        submission.language,
        published_catalog.use_cases_by_slug(),
    )
    ordering = Ordering(submission.goal, submission.value_weight)
    approved = _current_providers(results)
    story: list[Any] = [
        _p(_("AI use cases for your problem: a decision paper"), styles["title"]),
        _p(
            f"{settings.SITE_NAME} · "
            + formats.date_format(submission.created_at or timezone.now(), "SHORT_DATE_FORMAT"),
            styles["small"],
        ),
        _p(_("Your problem, as you described it"), styles["h2"]),
    ]
    text = submission.text
    if len(text) > DESCRIPTION_CHARACTERS:
        text = text[: DESCRIPTION_CHARACTERS - 1].rstrip() + "…"
    story.append(_p(text, styles["quote"]))

    chart = portfolio(results, submission.goal, ordering.goal_label)
    story.append(_p(_("Value against feasibility for your company"), styles["h2"]))
    if chart is not None:
        note = (
            _("Feasibility is estimated: you answered no readiness questions.")
            if not answers
            else _("Feasibility from your answers:")
            + " "
            + "; ".join(f"{q} {a}" for q, a in answered_labels(answers))
        )
        story.append(
            Table(
                [[chart_drawing(chart), _p(chart.description() + " " + note, styles["small"])]],
                colWidths=[chart.width * 0.72 + 4, None],
                style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
            )
        )

    story.append(_p(_("The best-fitting use cases"), styles["h2"]))
    for result in results:
        story.append(KeepTogether(_use_case_block(result, ordering, approved, styles)))

    story.append(_p(_("How these figures were made"), styles["h2"]))
    for paragraph in _method(answers):
        story.append(_p(paragraph, styles["small"]))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=_drawable(_("AI use cases for your problem: a decision paper")),
        author=settings.SITE_NAME,
        lang=submission.language,
    )
    document.build(story)
    return buffer.getvalue()


def _use_case_block(
    result: RankedUseCase,
    ordering: Ordering,
    approved: set[str],
    styles: dict[str, ParagraphStyle],
) -> list[Any]:
    use_case = result.use_case
    potential = result.value_potential
    found = result.feasibility
    value = potential.for_goal(ordering.goal)
    source = _("editorial estimate") if potential.editorial_estimate else _("expert assessments")
    facts = _("Value for “%(goal)s”: %(value)s of 5 (%(source)s)") % {
        "goal": ordering.goal_label,
        "value": _number(value),
        "source": source,
    }
    if found:
        facts += " · " + (
            _("Feasibility: %(score)s of 5 (estimated)")
            if found.estimated
            else _("Feasibility for you: %(score)s of 5")
        ) % {"score": _number(found.score)}
    block: list[Any] = [
        Spacer(1, 4),
        _p(f"{result.rank}. {use_case.title}", styles["h3"]),
        _p(f"{use_case.cluster.name} · {facts}", styles["small"]),
        _p(use_case.summary, styles["body"]),
    ]
    if found and found.blockers:
        rows = [
            [_p(b.label, styles["small"]), _p(b.first_step, styles["body"])] for b in found.blockers
        ]
        block.append(_p(_("Biggest obstacles and a first step for each:"), styles["small"]))
        block.append(
            Table(
                rows,
                colWidths=[38 * mm, None],
                style=TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -2), 0.4, LINE),
                        ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ]
                ),
            )
        )
    names = [p.name for p in result.providers if p.slug in approved]
    block.append(
        _p(
            _("Who can deliver it: %(names)s") % {"names": ", ".join(names)}
            if names
            else _("No approved provider offers this yet."),
            styles["small"],
        )
    )
    return block


def _method(answers: dict[str, str]) -> list[str]:
    return [
        _(
            "Fit: how closely the use case's texts match your description (a language model and "
            "a keyword search over our catalog)."
        ),
        _(
            "Value potential: revenue increase, company-value increase and cost reduction on a "
            "scale of 1 to 5, the three dimensions of the AI Value Creation Study (Hochschule der "
            "Medien Stuttgart). The figures are initial estimates by our catalog editors until at "
            "least three expert assessments replace them; they are not results of the study."
        ),
        _(
            "Feasibility (1 to 5): our editors' rules, from the use case's effort, its typical "
            "obstacles and the data it needs, against your answers; an unanswered question counts "
            "as halfway. It is an orientation, not a measurement."
        )
        + (
            " " + _("You answered no questions, so every figure is an estimate.")
            if not answers
            else ""
        ),
        _(
            "The obstacles are the ones the study found: the lack of skilled staff was named by "
            "well over half of the experts asked; poor data quality and a missing AI strategy "
            "were rated very large obstacles; immature technology and open legal questions were "
            "named by a little more than a third."
        ),
    ]
