"""Server-side SVG charts for the insights dashboard, drawn like the value chart: the geometry is
computed here and an inclusion template writes the shapes, so no chart script is needed."""

from __future__ import annotations

from typing import Any

from django import template

from matching.insights import Day, Ranked

register = template.Library()

PLOT_HEIGHT = 120
COLUMN_WIDTH = 18
BAR_WIDTH = 240
LANGUAGE_ORDER = ("en", "de")


@register.inclusion_tag("matching/charts/daily_columns.html")
def daily_columns(days: list[Day]) -> dict[str, Any]:
    """One column per day, stacked by language, scaled to the busiest day."""
    peak = max((day.total for day in days), default=0) or 1
    columns = []
    for index, day in enumerate(days):
        y = PLOT_HEIGHT
        segments = []
        for language in LANGUAGE_ORDER:
            count = day.by_language.get(language, 0)
            height = round(count / peak * PLOT_HEIGHT)
            y -= height
            segments.append({"language": language, "y": y, "height": height, "count": count})
        columns.append({"x": index * COLUMN_WIDTH, "day": day, "segments": segments})
    return {
        "columns": columns,
        "width": len(days) * COLUMN_WIDTH,
        "height": PLOT_HEIGHT,
        "peak": peak,
        "bar_width": COLUMN_WIDTH - 4,
    }


@register.inclusion_tag("matching/charts/share_line.html")
def share_line(days: list[Day]) -> dict[str, Any]:
    """The share of low-confidence queries per day (0 to 100 %), days without queries left out."""
    points = [
        {
            "x": index * COLUMN_WIDTH + COLUMN_WIDTH // 2,
            "y": round(PLOT_HEIGHT - day.low_confidence_share * PLOT_HEIGHT),
            "day": day,
            "percent": round(day.low_confidence_share * 100),
        }
        for index, day in enumerate(days)
        if day.low_confidence_share is not None
    ]
    return {
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "width": len(days) * COLUMN_WIDTH,
        "height": PLOT_HEIGHT,
    }


@register.inclusion_tag("matching/charts/bar_list.html")
def bar_list(rows: list[Ranked], description: str = "", empty: str = "") -> dict[str, Any]:
    """Horizontal bars for counted items, longest for the largest count.

    `description` names the chart for screen readers, `empty` is said when there is nothing.
    """
    peak = max((row.count for row in rows), default=0) or 1
    return {
        "description": description,
        "empty": empty,
        "bars": [
            {"row": row, "y": index * 24, "width": max(2, round(row.count / peak * BAR_WIDTH))}
            for index, row in enumerate(rows)
        ],
        "height": len(rows) * 24,
        "bar_width": BAR_WIDTH,
    }
