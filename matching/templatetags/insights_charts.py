"""Server-side SVG charts for the insights dashboard, drawn like the value chart: the geometry is
computed here and an inclusion template writes the shapes, so no chart script is needed.

Every chart has labelled axes inside its view box (nothing drawn past the edge is cut off) and
a table with the same figures below it, for reading exact values and for screen readers.
"""

from __future__ import annotations

from typing import Any

from django import template

from matching.insights import Day, Ranked

register = template.Library()

PLOT_HEIGHT = 120
COLUMN_WIDTH = 18
# Room around the plot for the axis labels: tick values on the left, dates below.
MARGIN_LEFT = 44
MARGIN_TOP = 22
MARGIN_BOTTOM = 34
MARGIN_RIGHT = 24
BAR_WIDTH = 240
BAR_LABEL_WIDTH = 250
BAR_VALUE_ROOM = 56
BAR_ROW = 24
LANGUAGE_ORDER = ("en", "de")


def _date_ticks(days: list[Day]) -> list[dict[str, Any]]:
    """First, middle and last day under the columns they belong to."""
    if not days:
        return []
    chosen = sorted({0, (len(days) - 1) // 2, len(days) - 1})
    return [
        {"x": index * COLUMN_WIDTH + COLUMN_WIDTH // 2, "day": days[index].day} for index in chosen
    ]


def _frame(days: list[Day]) -> dict[str, Any]:
    width = len(days) * COLUMN_WIDTH
    return {
        "width": width,
        "height": PLOT_HEIGHT,
        "left": MARGIN_LEFT,
        "top": MARGIN_TOP,
        "view_width": MARGIN_LEFT + width + MARGIN_RIGHT,
        "view_height": MARGIN_TOP + PLOT_HEIGHT + MARGIN_BOTTOM,
        "date_ticks": _date_ticks(days),
        "axis_title_y": PLOT_HEIGHT + 30,
    }


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
    values = sorted({0, peak // 2, peak}) if peak > 1 else [0, 1]
    return {
        **_frame(days),
        "columns": columns,
        "peak": peak,
        "bar_width": COLUMN_WIDTH - 4,
        "value_ticks": [
            {"value": value, "y": round(PLOT_HEIGHT - value / peak * PLOT_HEIGHT)}
            for value in values
        ],
        "days": days,
    }


@register.inclusion_tag("matching/charts/share_line.html")
def share_line(days: list[Day]) -> dict[str, Any]:
    """The share of uncertain matches per day (0 to 100 %), days without queries left out."""
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
        **_frame(days),
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "value_ticks": [
            {"value": percent, "y": round(PLOT_HEIGHT - percent / 100 * PLOT_HEIGHT)}
            for percent in (0, 50, 100)
        ],
    }


@register.inclusion_tag("matching/charts/bar_list.html")
def bar_list(
    rows: list[Ranked], description: str = "", empty: str = "", label_head: str = ""
) -> dict[str, Any]:
    """Horizontal bars for counted items, longest for the largest count.

    `description` names the chart for screen readers, `empty` is said when there is nothing,
    `label_head` heads the first column of the table.
    """
    peak = max((row.count for row in rows), default=0) or 1
    return {
        "description": description,
        "empty": empty,
        "label_head": label_head,
        "rows": rows,
        "bars": [
            {
                "row": row,
                "y": index * BAR_ROW,
                "width": max(2, round(row.count / peak * BAR_WIDTH)),
            }
            for index, row in enumerate(rows)
        ],
        "height": len(rows) * BAR_ROW,
        "bar_x": BAR_LABEL_WIDTH,
        "view_width": BAR_LABEL_WIDTH + BAR_WIDTH + BAR_VALUE_ROOM,
    }
