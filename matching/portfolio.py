"""The portfolio chart: matched use cases as points on feasibility (right: easier for this
company) against value potential for the chosen goal (up: more value), in four named quadrants.

The geometry is computed here once; the results page draws it as SVG (matching/_portfolio.html)
and the decision report draws the same geometry with ReportLab (matching.report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from matching.schemas import RankedUseCase

LOW, HIGH = 1.0, 5.0
# Both scales split at their middle: above it a use case counts as valuable, or as feasible.
MIDDLE = 3.0
WIDTH, HEIGHT = 480, 380
LEFT, TOP, RIGHT, BOTTOM = 56, 12, 12, 52
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
# Points closer than this (pixels) share one mark, labelled with all their numbers.
MARK_RADIUS = 11
MERGE_DISTANCE = 2 * MARK_RADIUS - 4
QUADRANT_ORDER = ("quick_win", "strategic", "easy_extra", "not_now")


def quadrant_names() -> dict[str, str]:
    """Plain names of the quadrants in the active language."""
    return {
        "quick_win": _("Quick wins"),
        "strategic": _("Worth preparing for"),
        "easy_extra": _("Easy extras"),
        "not_now": _("Not now"),
    }


def quadrant_of(value: float, feasibility: float) -> str:
    if value >= MIDDLE:
        return "quick_win" if feasibility >= MIDDLE else "strategic"
    return "easy_extra" if feasibility >= MIDDLE else "not_now"


def x_of(feasibility: float) -> float:
    return round(LEFT + (feasibility - LOW) / (HIGH - LOW) * PLOT_WIDTH, 1)


def y_of(value: float) -> float:
    return round(TOP + (HIGH - value) / (HIGH - LOW) * PLOT_HEIGHT, 1)


@dataclass(frozen=True)
class Point:
    rank: int
    title: str
    slug: str
    value: float
    feasibility: float
    estimated: bool
    quadrant: str

    @property
    def x(self) -> float:
        return x_of(self.feasibility)

    @property
    def y(self) -> float:
        return y_of(self.value)


@dataclass
class Mark:
    """One drawn circle: the best-ranked of the points at (nearly) one place, and the others."""

    points: list[Point] = field(default_factory=list)

    @property
    def x(self) -> float:
        return self.points[0].x

    @property
    def y(self) -> float:
        return self.points[0].y

    @property
    def label(self) -> str:
        return ",".join(str(p.rank) for p in self.points)

    @property
    def wide(self) -> bool:
        return len(self.label) > 2

    @property
    def pill_width(self) -> int:
        """Width of the rounded box that holds a label of several numbers."""
        return 12 + 7 * len(self.label)

    @property
    def pill_left(self) -> float:
        return self.x - self.pill_width / 2


@dataclass(frozen=True)
class Portfolio:
    goal_label: str
    points: list[Point]
    marks: list[Mark]
    estimated: bool
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_width: int = PLOT_WIDTH
    plot_height: int = PLOT_HEIGHT

    @property
    def middle_x(self) -> float:
        return x_of(MIDDLE)

    @property
    def middle_y(self) -> float:
        return y_of(MIDDLE)

    @property
    def bottom(self) -> int:
        return TOP + PLOT_HEIGHT

    @property
    def right(self) -> int:
        return LEFT + PLOT_WIDTH

    def shades(self) -> list[dict[str, Any]]:
        """The four quadrant backgrounds."""
        mx, my = self.middle_x, self.middle_y
        return [
            {"key": "strategic", "x": LEFT, "y": TOP, "width": mx - LEFT, "height": my - TOP},
            {"key": "quick_win", "x": mx, "y": TOP, "width": self.right - mx, "height": my - TOP},
            {"key": "not_now", "x": LEFT, "y": my, "width": mx - LEFT, "height": self.bottom - my},
            {
                "key": "easy_extra",
                "x": mx,
                "y": my,
                "width": self.right - mx,
                "height": self.bottom - my,
            },
        ]

    def ticks(self) -> list[dict[str, float]]:
        return [{"value": n, "x": x_of(n), "y": y_of(n)} for n in range(1, 6)]

    def quadrants(self) -> list[dict[str, Any]]:
        """Each quadrant's name, where to write it, and its points best first."""
        names = quadrant_names()
        inset = 8
        places = {
            "quick_win": (self.right - inset, TOP + 16, "end"),
            "strategic": (LEFT + inset, TOP + 16, "start"),
            "easy_extra": (self.right - inset, self.bottom - inset, "end"),
            "not_now": (LEFT + inset, self.bottom - inset, "start"),
        }
        return [
            {
                "key": key,
                "name": names[key],
                "x": places[key][0],
                "y": places[key][1],
                "anchor": places[key][2],
                "points": [p for p in self.points if p.quadrant == key],
            }
            for key in QUADRANT_ORDER
        ]

    def description(self) -> str:
        """What the chart shows, in words, for screen readers and the report."""
        parts = [
            _("%(name)s: %(ranks)s")
            % {"name": q["name"], "ranks": ", ".join(str(p.rank) for p in q["points"])}
            for q in self.quadrants()
            if q["points"]
        ]
        return (
            _(
                "Each numbered point is a result of the list. Further right: easier for your "
                "company. Further up: more value potential for “%(goal)s”."
            )
            % {"goal": self.goal_label}
            + " "
            + "; ".join(parts)
            + "."
        )


def portfolio(results: list[RankedUseCase], goal: str, goal_label: str) -> Portfolio | None:
    """The chart for these results, or None when none of them has a feasibility and a value."""
    points = []
    for result in results:
        found = result.feasibility
        value = result.value_potential.for_goal(goal)
        if found is None or value is None:
            continue
        points.append(
            Point(
                rank=result.rank,
                title=result.use_case.title,
                slug=result.use_case.slug,
                value=round(float(value), 1),
                feasibility=found.score,
                estimated=found.estimated,
                quadrant=quadrant_of(float(value), found.score),
            )
        )
    if not points:
        return None
    points.sort(key=lambda p: p.rank)
    marks: list[Mark] = []
    for point in points:
        near = next(
            (m for m in marks if (m.x - point.x) ** 2 + (m.y - point.y) ** 2 < MERGE_DISTANCE**2),
            None,
        )
        if near is None:
            marks.append(Mark([point]))
        else:
            near.points.append(point)
    return Portfolio(
        goal_label=goal_label,
        points=points,
        marks=marks,
        estimated=any(p.estimated for p in points),
    )
