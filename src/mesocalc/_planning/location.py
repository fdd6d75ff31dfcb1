"""A plan on a named site: its zone, its side, its area from the template, its keep-outs.

``plan(site="cheek", side="left")`` is read here, before the pipeline, once: the site
gives the zone (a zone given too must be the same, so that the periorbital site cannot
escape the eyelid's limits), the side is checked by the one rule of
:func:`mesocalc._catalog.sites.side_of`, and without an area the site's template outline,
scaled to the anatomy, is the area. Keep-out zones are cut from an outline (the layout
then holds no point inside them) and said in the warnings. The pipeline plans the area
as any other; :func:`placed` adds the location and these warnings to its plan.

With ``landmarks=`` the area is the template too, and a point goes on each named landmark
(:class:`~mesocalc._geometry.placement.OnLandmarks`; ADR 0021).

"both" counts in total: the area is both sides' together, and the points and volume
are the two sides'. Over the template, "both" is the left side's outline and its mirror
image across the midline (the templates are symmetric), each side laid out alike
(docs/sites.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from mesocalc._catalog.sites import Location, side_of, site_of
from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._quantities.names import Side, Zone, resolve
from mesocalc.exceptions import InvalidValueError

if TYPE_CHECKING:
    from mesocalc._planning.plan import Plan

__all__ = ["Located", "placed", "read"]


@attrs.frozen(kw_only=True)
class Located:
    """What a site and side add to a request: the zone, the area, the part, the warnings."""

    zone: Any
    area: Any
    location: Location
    warnings: tuple[WarningRecord, ...] = ()


def read(
    zone: Any,
    area: Any,
    *,
    site: Any,
    side: Any,
    anatomy: Any,
    product: Any,
    arrays: bool,
    landmarks: Any = None,
    points: Any = None,
) -> Located:
    """A request's site, side, anatomy and product, read once (see the module).

    Raises:
        UnknownNameError: an unknown site (the nearest suggested).
        InvalidValueError: naming ``zone`` (not the site's), ``side`` (see
            :func:`~mesocalc._catalog.sites.side_of`), ``anatomy``
            (without a site), ``site`` (with array inputs, or all kept out), ``area``
            (cut in pieces by keep-outs).
        InputTypeError: naming ``anatomy`` or ``product``.
        MesocalcError: naming ``landmarks`` or ``landmarks[i]`` (see
            :func:`mesocalc.landmark_points`; without a site, or in a keep-out zone), or
            ``area`` or ``points`` given with them.
    """
    if landmarks is not None:
        _landmarks_alone(site, area, points, landmarks)
    if arrays:
        name, value = ("site", site) if site is not None else ("side", side)
        raise InvalidValueError(
            name, value, f"no {name} with array inputs: plan each area on its own"
        )
    if site is None:
        if anatomy is not None or product is not None:
            name = "anatomy" if anatomy is not None else "product"
            raise InvalidValueError(
                name, anatomy if anatomy is not None else product, "a site= to apply it to"
            )
        found = side_of(None, side)
        return Located(zone=zone, area=area, location=Location(side=found))
    named = site_of(site)
    if zone is not None and _zone(zone) is not named.zone:
        raise InvalidValueError(
            "zone", zone, f"the {named.name}'s zone, {named.zone.value}, or None"
        )
    found = side_of(named, side)
    from mesocalc._geometry import templates as _templates  # noqa: PLC0415 - shapes load on first use

    keep = _templates.keep_out(named, product, found, anatomy)
    warnings: list[WarningRecord] = []
    both = area is None and found is Side.BOTH and landmarks is None
    if area is None:
        area = _templates.outline(named, Side.LEFT if both else found, anatomy)
        drawn = _templates.view_of(named)
        sides = ", both sides (the left's and its mirror image)" if both else ""
        warnings.append(
            record(
                WarningCode.SITE_TEMPLATE,
                f"area: the {named.name}'s template outline ({drawn.name} view{sides}), the "
                "team's drawing scaled to the anatomy, not the patient's measured area",
                parameter="area",
            )
        )
    if keep:
        area, said = _kept_out(area, keep, _templates)
        warnings += said
    if both:
        from mesocalc._geometry.placement import BothSides  # noqa: PLC0415 - shapes load on first use

        area = BothSides(shape=area)
    if landmarks is not None:
        area = _on_landmarks(named, found, landmarks, anatomy=anatomy, area=area, keep=keep)
    return Located(
        zone=named.zone,
        area=area,
        location=Location(site=named.name, side=found),
        warnings=tuple(warnings),
    )


def _landmarks_alone(site: Any, area: Any, points: Any, landmarks: Any) -> None:
    """Refuse what cannot go with landmarks: no site, or an area or a count of its own."""
    if site is None:
        raise InvalidValueError("landmarks", landmarks, "a site= whose landmarks they are")
    for name, value in (("area", area), ("points", points)):
        if value is not None:
            raise InvalidValueError(
                name,
                value,
                f"no {name} with landmarks",
                "a point goes on each landmark, on the site's template",
            )


def _on_landmarks(
    named: Any, side: Any, landmarks: Any, *, anatomy: Any, area: Any, keep: Any
) -> Any:
    """The site's outline with a point on each landmark, none inside a keep-out zone."""
    from mesocalc._geometry import landmarks as _landmarks  # noqa: PLC0415 - shapes load on first use
    from mesocalc._geometry.placement import OnLandmarks  # noqa: PLC0415 - shapes load on first use
    from mesocalc._geometry.shapes import polygon_of, shapely_module  # noqa: PLC0415 - as above

    contains = shapely_module().contains_xy
    xy = _landmarks.landmark_points(named, side, landmarks, anatomy).magnitude
    names = tuple(_landmarks.landmark(n).name for n in landmarks)
    for i, (x, y) in enumerate(xy):
        inside = [z.name for z in keep if contains(polygon_of(z.shape), float(x), float(y))]
        if inside:
            raise InvalidValueError(
                f"landmarks[{i}]",
                landmarks[i],
                "a landmark outside the keep-out zones",
                f"it lies in {', '.join(inside)}",
            )
    return OnLandmarks(shape=area, names=names, xy=tuple((float(x), float(y)) for x, y in xy))


def _zone(zone: Any) -> Zone | None:
    return None if zone is None else resolve(Zone, zone, "zone")


def _kept_out(area: Any, keep: Any, templates: Any) -> tuple[Any, list[WarningRecord]]:
    """The area less the keep-outs (a shape), or as given (a number), and what is said."""
    from mesocalc._geometry.shapes import Shape  # noqa: PLC0415 - shapes load on first use

    if isinstance(area, Shape):
        cut = templates.cut(area, keep)
        verb = "cut from the area: no point lies inside" if cut is not None else "outside the area"
        area = area if cut is None else cut
    else:
        verb = "apply, but the area has no outline to cut: keep the points out of them"
    said = [
        record(
            WarningCode.KEEP_OUT,
            f"keep-out {zone.name}, {zone.reason}: {verb}",
            parameter="site",
            basis=zone.basis,
            sources=zone.source,
        )
        for zone in {z.name: z for z in keep}.values()
    ]
    return area, said


def placed(plan: Plan, located: Located) -> Plan:
    """``plan`` with its location and the warnings its site adds."""
    return attrs.evolve(
        plan,
        location=located.location,
        warnings=plan.warning_records + located.warnings,
    )
