"""Presentation helpers for catalog data: value charts, relevance labels, vocabulary labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from matching.ranking import WEAK_FIT_BELOW
from usecases import vocabularies
from usecases.models import ValuePotential

register = template.Library()

# Short labels: they sit beside the bars of a small chart.
DIMENSION_LABELS = {
    "revenue": lambda: _("Revenue"),
    "company_value": lambda: _("Company value"),
    "cost_reduction": lambda: _("Cost reduction"),
}


@register.inclusion_tag("usecases/_value_chart.html")
def value_chart(potential: ValuePotential | dict[str, Any]) -> dict[str, Any]:
    """Three horizontal bars on a 1-to-5 scale, with the number behind each."""
    data = potential if isinstance(potential, dict) else potential.as_dict()
    bars = []
    for row, (key, label) in enumerate(DIMENSION_LABELS.items()):
        value = data.get(key)
        bars.append(
            {
                "label": label(),
                "value": value,
                "width": round((value or 0) / 5 * 200),
                "y": row * 28,
            }
        )
    return {
        "bars": bars,
        "assessments": data.get("assessments", 0),
        "editorial": data.get("editorial_estimate", False),
        "summary": "; ".join(
            f"{bar['label']} {bar['value']:.1f}/5" for bar in bars if bar["value"] is not None
        ),
    }


@register.filter
def relevance_label(relevance: float) -> str:
    if relevance >= 0.75:
        return _("Very good fit")
    if relevance >= 0.55:
        return _("Good fit")
    if relevance >= WEAK_FIT_BELOW:
        return _("Possible fit")
    return _("Weak fit")


@register.filter
def percent(share: float) -> int:
    return round(share * 100)


@register.filter
def vocabulary_label(code: str, vocabulary: str) -> str:
    """One code's label in the active language; `vocabulary` names it ("regions": REGIONS)."""
    return vocabularies.label(getattr(vocabularies, vocabulary.upper()), code)


@register.filter
def vocabulary_labels(codes: list[str], vocabulary: str) -> list[str]:
    return [vocabulary_label(code, vocabulary) for code in codes]
