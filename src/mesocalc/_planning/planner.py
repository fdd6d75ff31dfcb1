"""plan(): how many points, how much product, how much lost, within the catalog's limits.

plan() is the public signature. The pipeline (:mod:`mesocalc._planning.pipeline`) reads the
request once into canonical magnitudes and runs its rules, in one ordered list, for a
:class:`Plan` or, when an input is an array, a :class:`PlanArray`; the memo of requests
seen before (:mod:`mesocalc._planning.memo`) is around it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._planning import memo as _memo
from mesocalc._quantities.magnitudes import any_array
from mesocalc.exceptions import InputTypeError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from mesocalc._clinic.products import Product
    from mesocalc._geometry.injector import Injector
    from mesocalc._geometry.shapes import Shape
    from mesocalc._geometry.templates import Anatomy, Site
    from mesocalc._planning.equipment import Needle, Syringe
    from mesocalc._planning.overrides import Override
    from mesocalc._planning.plan import Plan
    from mesocalc._planning.plan_array import PlanArray
    from mesocalc._quantities.names import Lattice, Pattern, Side, Technique, Zone
    from mesocalc.typing import Quantity, QuantityLike

    # Arrays of inputs. A str is a Sequence too: the first overload, which takes it,
    # wins (hence its type: ignore), as plan() itself reads a str as one value.
    _Many = Sequence[str] | Sequence[Quantity] | Sequence[float] | NDArray[Any]

__all__ = ["plan"]


@overload
def plan(  # type: ignore[overload-overlap]
    *,
    technique: Technique | str,
    zone: Zone | str | None = None,
    area: QuantityLike | Shape | None = None,
    spacing: QuantityLike | None = None,
    volume_per_point: QuantityLike | None = None,
    depth: QuantityLike | None = None,
    angle: QuantityLike | None = None,
    loss_fraction: float | QuantityLike | None = None,
    lattice: Lattice | str = "square",
    catalog: Catalog | None = None,
    margin: QuantityLike | None = None,
    injector: Injector | None = None,
    pattern: Pattern | str | None = None,
    override: Override | None = None,
    needle: Needle | None = None,
    syringe: Syringe | None = None,
    points: int | None = None,
    total_volume: QuantityLike | None = None,
    dose_per_area: QuantityLike | None = None,
    site: Site | str | None = None,
    side: Side | str | None = None,
    anatomy: Anatomy | None = None,
    product: Product | str | None = None,
    landmarks: Sequence[str] | None = None,
) -> Plan: ...
@overload
def plan(
    *,
    technique: Technique | str,
    zone: Zone | str,
    area: _Many,
    spacing: QuantityLike | _Many | None = None,
    volume_per_point: QuantityLike | _Many | None = None,
    depth: QuantityLike | _Many | None = None,
    angle: QuantityLike | _Many | None = None,
    loss_fraction: float | QuantityLike | _Many | None = None,
    lattice: Lattice | str = "square",
    catalog: Catalog | None = None,
) -> PlanArray: ...
@overload
def plan(
    *,
    technique: Technique | str,
    zone: Zone | str | None = None,
    area: QuantityLike | Shape | _Many | None = None,
    spacing: QuantityLike | _Many | None = None,
    volume_per_point: QuantityLike | _Many | None = None,
    depth: QuantityLike | _Many | None = None,
    angle: QuantityLike | _Many | None = None,
    loss_fraction: float | QuantityLike | _Many | None = None,
    lattice: Lattice | str = "square",
    catalog: Catalog | None = None,
    margin: QuantityLike | None = None,
    injector: Injector | None = None,
    pattern: Pattern | str | None = None,
    override: Override | None = None,
    needle: Needle | None = None,
    syringe: Syringe | None = None,
    points: int | None = None,
    total_volume: QuantityLike | None = None,
    dose_per_area: QuantityLike | None = None,
    site: Site | str | None = None,
    side: Side | str | None = None,
    anatomy: Anatomy | None = None,
    product: Product | str | None = None,
    landmarks: Sequence[str] | None = None,
) -> Plan | PlanArray: ...
def plan(
    *,
    technique: Technique | str,
    zone: Zone | str | None = None,
    area: Any = None,
    spacing: Any = None,
    volume_per_point: Any = None,
    depth: Any = None,
    angle: Any = None,
    loss_fraction: Any = None,
    lattice: Lattice | str = "square",
    catalog: Catalog | None = None,
    margin: Any = None,
    injector: Injector | None = None,
    pattern: Pattern | str | None = None,
    override: Override | None = None,
    needle: Needle | None = None,
    syringe: Syringe | None = None,
    points: int | None = None,
    total_volume: Any = None,
    dose_per_area: Any = None,
    site: Site | str | None = None,
    side: Side | str | None = None,
    anatomy: Anatomy | None = None,
    product: Product | str | None = None,
    landmarks: Sequence[str] | None = None,
) -> Plan | PlanArray:
    """Plan injections of ``technique`` over ``area`` of ``zone``.

    Every parameter left as None takes the catalog's nominal value for that zone and
    technique: the midpoint of a closed published range, the one bound of a range
    published as "at most", and for the loss fraction the upper bound where a
    source gives one ("up to 50 %"), so that the delivered volume is never overstated
    (the loss changes neither the total volume nor the volume to draw up).

    Points are ceil(area / cell), with cell = spacing² on a square lattice and
    (√3/2)·spacing² on a hexagonal one; retrograde threads cover spacing x thread
    length each.

    Area and the numeric parameters may be arrays (a Quantity with a numpy array
    magnitude, or a list, tuple or array of strings such as ``["4 cm^2", "40 cm^2"]``);
    they broadcast together as numpy arrays do, and the result is a
    :class:`PlanArray` of the broadcast shape. Every element is checked as a scalar
    would be; an error names the parameter and the first offending index
    (``error.index``). Overrides, needles, syringes and shapes are for plans of one area.

    Args:
        technique: a :class:`Technique` or its name ("classic", "nappage", ...).
        zone: a :class:`Zone` or its name ("face", "periorbital", ...).
        area: the treated area, a pint Quantity or a string such as "40 cm^2", or a
            shape (:class:`Rectangle`, ...), whose exact :func:`layout` then gives the
            points (see docs/shapes.md).
        spacing: distance between points (between threads for retrograde).
        volume_per_point: product per point (per thread for retrograde).
        depth: injection depth.
        angle: needle angle to the skin surface, in (0, 90] degrees.
        loss_fraction: fraction of product expected to be lost, in [0, 1).
        lattice: "square" or "hex".
        catalog: a clinic's own catalog (see :func:`load_catalog`); the shipped
            one by default.
        margin: with a shape as area, least distance from a point to its edge.
        injector: a multi-needle :class:`Injector`; the plan then reports ``shots``.
        pattern: for retrograde threads over a shape: "parallel", "crosshatch" or "fan".
        override: an :class:`Override` with the reason for departing from
            recommended ranges; each departure is recorded in ``plan.overrides``.
            It also lets a technique no source publishes on the zone be planned,
            given every parameter. No override passes a hard limit.
        needle: a :class:`Needle`: refused (hard) if shorter than the insertion
            length depth / sin(angle).
        syringe: a :class:`Syringe`: sets ``draw_up_volume`` and ``syringes``.
        points: instead of ``spacing``, the number of points the area should hold (an
            int): the spacing is chosen so that the area holds exactly that many, and is
            checked against the catalog's range like a given one. On a shape, the
            spacing is the one whose layout holds them; a count no spacing gives on
            that outline becomes the nearest one that a spacing gives (more points on a
            tie), with a warning. At most 100,000 points on a shape.
        total_volume: instead of ``volume_per_point``, the product to spread evenly over
            the plan's points (such as "1 mL"); the volume per point that follows is
            checked like a given one.
        dose_per_area: instead of ``volume_per_point``, the product per area (such as
            "0.2 mL/cm^2"): each point gets the dose of the cell it serves.
        site: a named site (:func:`mesocalc.sites`), or its name: the site's zone is the
            plan's (``zone`` may be left out; a different one is refused), and without
            ``area`` the site's template outline is the area (see docs/sites.md). The
            plan records it (``plan.site``).
        side: "left", "right" or "both" on a paired site (one it needs); none on a
            midline site (the chin) or a zone whose sites are all midline. "both" counts
            in total: a given area is both sides', the points and volume are the two
            sides'; a template plan is one side's ("left" or "right").
        anatomy: a :class:`Anatomy` that scales the site's template to the patient.
        product: a product's name or :class:`Product`, for the site's keep-out zones
            (deoxycholic acid's band below the mandible): they are cut from the area's
            outline, with a warning.
        landmarks: names of landmarks on the site (:func:`mesocalc.landmarks`), for a
            protocol that injects on landmarks rather than over an area (BAP): a point
            on each, in the order named, on the site's template for ``side`` ("left" or
            "right") and ``anatomy``. The landmarks fix the points, so no ``area`` or
            ``points`` goes with them; the spacing is the least distance between two of
            them, checked against the catalog's range as a given one (one landmark: the
            nominal spacing, or one given).

    Returns:
        An immutable :class:`Plan`, or a :class:`PlanArray` for array inputs.

    Raises:
        SoftLimitError: a parameter outside the catalog's range, without an
            override (a LimitError).
        HardLimitError: a limit no override passes (a LimitError): the technique
            is not used in the zone, a hard range, a depth leaving the technique's
            skin layer, a session cap, a short needle. See docs/guardrails.md.
        DomainError: a value no plan can have (a depth of 0 mm, an angle beyond
            90°): an InvalidValueError and a HardLimitError.
        MesocalcError: any other bad input; the message names the parameter.

    Examples:
        >>> import mesocalc
        >>> p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
        >>> print(p.points, p.spacing, p.total_volume, sep=", ")
        40, 10.0 millimeter, 0.4 milliliter
        >>> print(mesocalc.plan(technique="nappage", zone="face", area="1 cm^2").expected_loss)
        0.006 milliliter
        >>> mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "40 cm^2"]).points
        array([ 4, 40])
    """
    book = default_catalog() if catalog is None else _catalog(catalog)
    located = None
    if (
        site is not None
        or side is not None
        or anatomy is not None
        or product is not None
        or landmarks is not None
    ):
        from mesocalc._planning import location as _location  # noqa: PLC0415 - sites load on first use

        arrays = any_array(area, spacing, volume_per_point, depth, angle, loss_fraction)
        located = _location.read(
            zone,
            area,
            site=site,
            side=side,
            anatomy=anatomy,
            product=product,
            landmarks=landmarks,
            points=points,
            arrays=arrays,
        )
        zone, area = located.zone, located.area
    names = (technique, zone, lattice)
    numbers = (area, spacing, volume_per_point, depth, angle, loss_fraction)
    parts = (
        override,
        margin,
        injector,
        pattern,
        needle,
        syringe,
        points,
        total_volume,
        dose_per_area,
    )
    patient = None if located is None else _patient(located, anatomy)
    made = _memo.planned(book, names, numbers, parts, patient=patient)
    if located is None:
        return made
    return _location.placed(made, located)  # type: ignore[arg-type]  # arrays refused above


def _patient(located: Any, anatomy: Any) -> Any:
    """The skin of the patient's group on the site (a GroupSkin), given a sex or an age.

    None without a site, or with an anatomy that gives neither: then nothing is asked of
    the patient's skin, and the zone's range holds unsaid.
    """
    name = None if located is None else located.location.site
    if name is None or anatomy is None or (anatomy.sex is None and anatomy.age is None):
        return None
    from mesocalc._catalog.sites import SiteRecord  # noqa: PLC0415 - read on first use
    from mesocalc._catalog.skin import group_skin  # noqa: PLC0415 - read on first use

    return group_skin(SiteRecord.named(name), anatomy.sex, anatomy.age)


def _catalog(catalog: Any) -> Catalog:
    """The caller's own catalog, once it is one."""
    if not isinstance(catalog, Catalog):
        raise InputTypeError("catalog", catalog, "None or a mesocalc.Catalog (load_catalog)")
    return catalog
