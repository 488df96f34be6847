"""Presentation helpers for catalog data: value charts, relevance labels, vocabulary labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from matching.ranking import WEAK_FIT_BELOW
from usecases import vocabularies
from usecases.models import ValuePotential

register = template.Library()

EN_DASH = "\u2013"  # between the lowest and highest score of a spread

# Short labels: they sit beside the bars of a small chart.
DIMENSION_LABELS = {
    "revenue": lambda: _("Revenue"),
    "company_value": lambda: _("Company value"),
    "cost_reduction": lambda: _("Cost reduction"),
}


def _x(score: float) -> int:
    """Horizontal position of a score on the chart's 200-pixel track."""
    return round(score / 5 * 200)


@register.inclusion_tag("usecases/_value_chart.html")
def value_chart(potential: ValuePotential | dict[str, Any]) -> dict[str, Any]:
    """Three horizontal bars on a 1-to-5 scale, with the number behind each, where the figures
    come from (experts or the editors' estimate) and, for experts, their spread as a whisker.

    Accepts a stored result's dict too: snapshots from before the expert panel lack `source`,
    `spread` and `expert_assessments`, and are read as they were then.
    """
    data: dict[str, Any] = potential if isinstance(potential, dict) else potential.as_dict()
    editorial = bool(data.get("editorial_estimate", False))
    source = data.get("source") or ("editorial" if editorial else "experts")
    spread = data.get("spread") or {}
    bars = []
    for row, (key, label) in enumerate(DIMENSION_LABELS.items()):
        value = data.get(key)
        low, high = spread.get(key) or (None, None)
        width = _x(value or 0)
        bars.append(
            {
                "label": label(),
                "value": value,
                "width": width,
                "y": row * 28,
                "low": low,
                "high": high,
                "low_x": 120 + _x(low) if low is not None else None,
                "high_x": 120 + _x(high) if high is not None else None,
                "value_x": max(width, _x(high) if high is not None else 0) + 124,
            }
        )
    spread_text = " · ".join(
        f"{bar['label']} {bar['low']}{EN_DASH}{bar['high']}"
        for bar in bars
        if bar["low"] is not None
    )
    summary = "; ".join(
        f"{bar['label']} {bar['value']:.1f}/5" for bar in bars if bar["value"] is not None
    )
    return {
        "bars": bars,
        "assessments": data.get("assessments", 0),
        "editorial": source == "editorial",
        "source": source,
        "expert_assessments": data.get("expert_assessments", 0),
        "needed": ValuePotential.EXPERTS_NEEDED,
        "spread_text": spread_text,
        "summary": summary,
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
