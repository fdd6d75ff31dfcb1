"""Injection charts as standalone SVG text: outlines, shaded keep-out zones, numbered points.

A chart is what a clinic shows beside a record: each area's outline, where each
injection goes (a dot and its number, in the order the plan lays them), coloured by
technique, the zones where injections must not go shaded, and a legend with each
area's depth and volume per point. It is written as plain SVG text (no library, no
script, no external reference) so that a clinic can embed it as it is: in HTML, in a
PDF report, in a notebook.

This module knows nothing of plans: :class:`ChartArea` holds magnitudes in mm and mL
and words; plans and sessions build them (see ``Plan.chart``). Coordinates are in a
chart frame in mm with y upwards (as shapes and layouts are); the SVG's y runs down,
so the drawing is flipped here, once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final
from xml.sax.saxutils import escape, quoteattr

import attrs

from mesocalc._quantities.parameters import PARAMETERS
from mesocalc.exceptions import InvalidValueError

__all__ = ["MAX_MARKS", "Chart", "ChartArea", "Ring", "render"]

Ring = tuple[tuple[float, float], ...]

# A software bound, not a clinical one: beyond it a chart is no longer readable (nor
# small enough to embed); such a plan is better drawn as a plot.
MAX_MARKS: Final = 5_000

# Okabe and Ito's palette, which colour-blind readers tell apart; one per technique, in
# the order techniques are first met on the chart.
_PALETTE: Final = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
_SKIN: Final = "#f3e3d6"
_EDGE: Final = "#7a4a2a"
_TEMPLATE: Final = "#c9b6a6"
_KEEP_OUT: Final = "#b00020"
_SVG_NS: Final = "http://www.w3.org/2000/svg"

_WIDTH: Final = 480.0  # px, at most, of the widest panel's drawing
_HEIGHT: Final = 560.0  # px, at most, of the tallest panel's drawing
_PAD: Final = 14.0  # px around each panel's drawing
_TITLE: Final = 20.0  # px above each panel, for its title
_LINE: Final = 16.0  # px per legend line
_FONT: Final = 11.0  # px, legend and titles
_DOT: Final = 2.6  # px, a point's radius
_NUMBER: Final = 7.0  # px, a point's number


@attrs.frozen(kw_only=True)
class ChartArea:
    """One treated area as a chart draws it, in a chart frame in mm (y upwards).

    Attributes:
        label: the area in words ("classic on the cheek, left").
        technique: the technique's name; it picks the colour.
        view: the template view the area is drawn in ("front", "profile", "back"), or
            "" for an area in its own frame (a plan over a shape): its own panel.
        outline: the area's outline rings (the first the shell, the rest holes).
        keep_out: rings of the zones where injections must not go, with why.
        points: the injection points in order, (x, y) in mm.
        segments: retrograde threads as ((x0, y0), (x1, y1)) in mm; ``points`` then
            holds their entry points.
        legend: the area's facts for the legend ("40 points, 4 mm deep, 0.05 mL each").
    """

    label: str
    technique: str
    view: str = ""
    outline: tuple[Ring, ...] = ()
    keep_out: tuple[tuple[Ring, str], ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    segments: tuple[tuple[tuple[float, float], tuple[float, float]], ...] = ()
    legend: str = ""


@attrs.frozen(kw_only=True)
class Chart:
    """An injection chart: a standalone SVG document, embeddable as it is.

    ``svg`` is the document's text (``str(chart)`` too); notebooks show it through
    ``_repr_svg_``. ``views`` names its panels and ``points`` counts its numbered points.

    Examples:
        >>> import mesocalc
        >>> square = mesocalc.Rectangle(width="30 mm", height="20 mm")
        >>> chart = mesocalc.plan(technique="classic", zone="face", area=square).chart()
        >>> chart.points, chart.svg.startswith("<svg")
        (6, True)
    """

    svg: str = attrs.field(repr=False)
    views: tuple[str, ...]
    points: int

    def __str__(self) -> str:
        return self.svg

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<Chart: {self.points} points in {', '.join(self.views)}; {len(self.svg)} chars>"


def _f(value: float) -> str:
    """A coordinate as SVG text: two decimals, no "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _attrs(**values: str | float) -> str:
    return "".join(
        f" {k.rstrip('_').replace('_', '-')}={quoteattr(_f(v) if isinstance(v, float) else v)}"
        for k, v in values.items()
    )


def _element(tag: str, text: str = "", **values: str | float) -> str:
    if not text:
        return f"<{tag}{_attrs(**values)}/>"
    return f"<{tag}{_attrs(**values)}>{escape(text)}</{tag}>"


class _Frame:
    """Chart-frame mm to the panel's px: one scale for every panel, y flipped."""

    def __init__(self, bounds: tuple[float, float, float, float], scale: float, x0: float) -> None:
        self.xmin, self.ymin, self.xmax, self.ymax = bounds
        self.scale = scale
        self.x0 = x0  # px where the panel's drawing starts
        self.width = (self.xmax - self.xmin) * scale
        self.height = (self.ymax - self.ymin) * scale

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return (
            self.x0 + (x - self.xmin) * self.scale,
            _TITLE + _PAD + (self.ymax - y) * self.scale,
        )

    def path(self, rings: Sequence[Ring]) -> str:
        parts = []
        for ring in rings:
            xys = [self.xy(x, y) for x, y in ring]
            parts.append("M" + " L".join(f"{_f(px)} {_f(py)}" for px, py in xys) + " Z")
        return " ".join(parts)


def _bounds(areas: Sequence[ChartArea]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for area in areas:
        for ring in (*area.outline, *(r for r, _ in area.keep_out)):
            xs.extend(x for x, _ in ring)
            ys.extend(y for _, y in ring)
        xs.extend(x for x, _ in area.points)
        ys.extend(y for _, y in area.points)
        for a, b in area.segments:
            xs.extend((a[0], b[0]))
            ys.extend((a[1], b[1]))
    xmin, xmax, ymin, ymax = min(xs), max(xs), min(ys), max(ys)
    # A panel never collapses to a line: a single point still gets a square around it.
    span = max(xmax - xmin, ymax - ymin, 1.0)
    if xmax - xmin < span / 4.0:
        cx = (xmin + xmax) / 2.0
        xmin, xmax = cx - span / 8.0, cx + span / 8.0
    if ymax - ymin < span / 4.0:
        cy = (ymin + ymax) / 2.0
        ymin, ymax = cy - span / 8.0, cy + span / 8.0
    return (xmin, ymin, xmax, ymax)


def _panels(areas: Sequence[ChartArea]) -> list[tuple[str, list[ChartArea]]]:
    """Areas grouped by view (in the order met); an area in its own frame is a panel alone."""
    panels: dict[str, list[ChartArea]] = {}
    for i, area in enumerate(areas):
        if not (area.outline or area.points):
            continue  # nothing to draw: the legend says so
        key = area.view or f"{i + 1}. {area.label}"
        panels.setdefault(key, []).append(area)
    return list(panels.items())


def _count(areas: Sequence[ChartArea]) -> int:
    count = sum(len(a.points) for a in areas)
    if count > MAX_MARKS:
        raise InvalidValueError(
            "points",
            count,
            f"at most {MAX_MARKS} points on one chart (draw larger plans with plan.plot())",
        )
    return count


def render(
    areas: Sequence[ChartArea],
    *,
    title: str = "",
    templates: dict[str, tuple[Ring, ...]] | None = None,
) -> Chart:
    """The chart of ``areas``: one panel per view, points numbered 1, 2, ... across the chart.

    ``templates`` gives each view's background outline (a face, a body), drawn under
    the areas.

    Raises:
        InvalidValueError: more than :data:`MAX_MARKS` points.
    """
    count = _count(areas)
    templates = templates or {}
    panels = _panels(areas)
    boxes = []
    for view, members in panels:
        background = [ChartArea(label=view, technique="", outline=templates.get(view, ()))]
        boxes.append(_bounds([*members, *background]))
    widest = max(max(b[2] - b[0], b[3] - b[1]) for b in boxes)
    scale = min(
        _WIDTH / max(b[2] - b[0] for b in boxes), _HEIGHT / max(b[3] - b[1] for b in boxes)
    )
    colours: dict[str, str] = {}
    for area in areas:
        colours.setdefault(area.technique, _PALETTE[len(colours) % len(_PALETTE)])

    body: list[str] = []
    x0 = _PAD
    height = 0.0
    number = 0
    for (view, members), box in zip(panels, boxes, strict=True):
        frame = _Frame(box, scale, x0)
        body.append(f'<g class="view"{_attrs(id=_ident(view))}>')
        body.append(_element("text", view, x=x0, y=_TITLE - 6.0, font_size=_FONT))
        template = templates.get(view, ())
        if template:
            body.append(
                _element(
                    "path",
                    d=frame.path(template),
                    fill="none",
                    stroke=_TEMPLATE,
                    stroke_width=1.0,
                    class_="template",
                )
            )
        for area in members:
            body.extend(_area(frame, area, colours[area.technique], number))
            number += len(area.points)
        body.append("</g>")
        x0 += frame.width + 2 * _PAD
        height = max(height, _TITLE + 2 * _PAD + frame.height)

    body.extend(_scale_bar(scale, widest, height))
    height += _LINE
    legend, longest = _legend(areas, colours, height, count)
    # About 0.6 em per character of sans-serif text: room for the longest legend line.
    width = max(x0, 320.0, _PAD + 14.0 + longest * 0.6 * _FONT)
    height += _LINE * (len(legend) + 1)
    head = (
        f'<svg xmlns="{_SVG_NS}" version="1.1"'
        f"{_attrs(width=width, height=height, viewBox=f'0 0 {_f(width)} {_f(height)}')}"
        ' font-family="sans-serif">'
    )
    summary = title or f"Injection chart: {count} points"
    parts = [
        head,
        _element("title", summary),
        _element("desc", "; ".join(a.label for a in areas)),
        _element("rect", x=0.0, y=0.0, width=width, height=height, fill="#ffffff"),
        *body,
        *legend,
        "</svg>",
    ]
    return Chart(svg="\n".join(parts), views=tuple(v for v, _ in panels), points=count)


def _scale_bar(scale: float, widest: float, top: float) -> list[str]:
    """A bar of a round length (1, 2 or 5 times a power of ten mm), about a fifth of a panel."""
    step = 10.0 ** math.floor(math.log10(widest / 5.0))
    length = max(m * step for m in (1.0, 2.0, 5.0) if m * step <= widest / 5.0)
    y = top + _LINE / 2.0
    return [
        '<g class="scale">'
        + _element(
            "line", x1=_PAD, y1=y, x2=_PAD + length * scale, y2=y, stroke=_EDGE, stroke_width=2.0
        )
        + _element(
            "text",
            PARAMETERS["length"].show(length),
            x=_PAD + length * scale + 6.0,
            y=y + 4.0,
            font_size=_FONT,
        )
        + "</g>"
    ]


def _ident(view: str) -> str:
    return "view-" + "-".join("".join(c if c.isalnum() else " " for c in view).split())


def _area(frame: _Frame, area: ChartArea, colour: str, first: int) -> list[str]:
    out = [f'<g class="area"{_attrs(data_label=area.label)}>']
    if area.outline:
        out.append(
            _element(
                "path",
                d=frame.path(area.outline),
                fill=_SKIN,
                fill_rule="evenodd",
                stroke=_EDGE,
                stroke_width=1.0,
                class_="outline",
            )
        )
    for ring, why in area.keep_out:
        shade = _attrs(
            d=frame.path([ring]),
            fill=_KEEP_OUT,
            fill_opacity=0.25,
            stroke=_KEEP_OUT,
            stroke_dasharray="3 2",
            class_="keep-out",
        )
        out.append(f"<path{shade}>{_element('title', why)}</path>")
    for a, b in area.segments:
        (x1, y1), (x2, y2) = frame.xy(*a), frame.xy(*b)
        out.append(_element("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=colour, stroke_width=1.2))
    for k, (x, y) in enumerate(area.points, start=first + 1):
        px, py = frame.xy(x, y)
        out.append(_element("circle", cx=px, cy=py, r=_DOT, fill=colour, class_="point"))
        out.append(
            _element(
                "text",
                str(k),
                x=px + _DOT,
                y=py - _DOT,
                font_size=_NUMBER,
                fill=colour,
                class_="number",
            )
        )
    out.append("</g>")
    return out


def _legend(
    areas: Sequence[ChartArea], colours: dict[str, str], top: float, count: int
) -> tuple[list[str], int]:
    """The legend's elements, and its longest line's length in characters."""
    shaded = " (shaded: where injections must not go)" if any(a.keep_out for a in areas) else ""
    first = f"{count} points, numbered in order{shaded}"
    longest = len(first)
    out = [_element("text", first, x=_PAD, y=top + _LINE - 4.0, font_size=_FONT)]
    number = 0
    for i, area in enumerate(areas, start=1):
        y = top + _LINE * (i + 1)
        span = (
            f"{number + 1}-{number + len(area.points)}"
            if len(area.points) > 1
            else str(number + 1)
            if area.points
            else "not drawn"
        )
        number += len(area.points)
        text = f"{span}: {area.label}" + (f": {area.legend}" if area.legend else "")
        longest = max(longest, len(text))
        out.append(
            f'<g class="legend">'
            f"{_element('circle', cx=_PAD + 4.0, cy=y - 4.0, r=4.0, fill=colours[area.technique])}"
            f"{_element('text', text, x=_PAD + 14.0, y=y, font_size=_FONT)}</g>"
        )
    return out, longest
