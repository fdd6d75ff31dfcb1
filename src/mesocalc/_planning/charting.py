"""Charts of plans: what a chart draws of each plan, on its site's template view.

A plan on a named site is drawn in its site's view of the chart frame (the face from
the front or in profile, the body from the front or the back), over the outlines of
every site of that view (the template, scaled to the anatomy given), with the site's
keep-out zones shaded. A plan over a shape with no site is drawn alone, in its own
frame. The SVG itself is written by :mod:`mesocalc._geometry.chart`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mesocalc._geometry import templates as _templates
from mesocalc._geometry.chart import Chart, ChartArea, Ring, render
from mesocalc._geometry.threads import Threads
from mesocalc._records import codec as _codec
from mesocalc._records.tables import plural, shown
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc._geometry.shapes import Shape
    from mesocalc._geometry.templates import Site
    from mesocalc._planning.plan import Plan

__all__ = ["chart_of"]


def _rings(shape: Shape) -> tuple[Ring, ...]:
    shell, holes = shape._outline()
    return tuple(tuple((float(x), float(y)) for x, y in r.tolist()) for r in (shell, *holes))


def _area(plan: Plan, label: str, anatomy: _templates.Anatomy | None, product: Any) -> ChartArea:
    what = "thread" if plan.thread_length is not None else "point"
    legend = (
        f"{plural(plan.points, what)}, {shown('depth', plan.depth.magnitude)} deep, "
        f"{shown('volume_per_point', plan.volume_per_point.magnitude)} each"
    )
    drawing = plan.layout
    if drawing is None:
        return ChartArea(
            label=label,
            technique=plan.technique.value,
            legend=f"{legend}, over {shown('area', _codec.value_of(plan, 'area'))} with no shape",
        )
    site = plan.site
    view = ""
    keep: tuple[tuple[Ring, str], ...] = ()
    if site is not None:
        view = _templates.view_of(site).name
        zones = _templates.keep_out(site, product, plan.side, anatomy)
        keep = tuple((_rings(z.shape)[0], f"{z.name}: {z.reason}") for z in zones)
    if isinstance(drawing, Threads):
        segments = tuple(
            ((float(a[0]), float(a[1])), (float(b[0]), float(b[1])))
            for a, b in drawing.segments.magnitude.tolist()
        )
        marks = drawing.entries.magnitude
    else:
        segments = ()
        marks = drawing.points.magnitude
    return ChartArea(
        label=label,
        technique=plan.technique.value,
        view=view,
        outline=_outline(plan, drawing.shape),
        keep_out=keep,
        points=tuple((float(x), float(y)) for x, y in marks.tolist()),
        segments=segments,
        legend=legend,
    )


def _outline(plan: Plan, shape: Shape) -> tuple[Ring, ...]:
    """The rings of the plan's outline; both sides' for a placement mirrored across x = 0."""
    rings = _rings(shape)
    if plan.placement is None or not plan.placement.mirrored:
        return rings
    return rings + tuple(tuple((-x, y) for x, y in ring) for ring in rings)


def _template(view: str, anatomy: _templates.Anatomy | None) -> tuple[Ring, ...]:
    """Every site of ``view``, both sides of a paired one: the figure the plans sit on."""
    out: list[Ring] = []
    for site in _sites_in(view):
        for side in ("right", "left") if site.paired else (None,):
            out.append(_rings(_templates.outline(site, side, anatomy))[0])
    return tuple(out)


def _sites_in(view: str) -> list[Site]:
    return [s for s in _templates.sites() if _templates.view_of(s).name == view]


def chart_of(
    plans: Sequence[Plan],
    labels: Sequence[str],
    *,
    anatomy: Any = None,
    product: Any = None,
    parameter: str = "area",
    title: str = "",
) -> Chart:
    """The chart of ``plans`` (each named by its label), points numbered across them.

    Raises:
        InvalidValueError: no plan has positions (naming ``parameter``), more points
            than a chart holds (naming ``points``).
        InputTypeError: naming ``anatomy`` or ``product``.
    """
    if anatomy is not None and not isinstance(anatomy, _templates.Anatomy):
        raise InputTypeError(
            "anatomy", anatomy, "None or a mesocalc.Anatomy", f"got a {type(anatomy).__name__}"
        )
    if all(p.layout is None for p in plans):
        value: Any = plans[0].area if parameter == "area" else len(plans)
        raise InvalidValueError(
            parameter, value, "a plan over a shape or a site's template, to chart it"
        )
    areas = [_area(p, label, anatomy, product) for p, label in zip(plans, labels, strict=True)]
    templates = {a.view: _template(a.view, anatomy) for a in areas if a.view}
    return render(areas, title=title, templates=templates)
