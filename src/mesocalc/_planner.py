"""plan(): how many points, how much product, how much lost, within the catalog's limits.

The planner reads the request once (units and domains, :mod:`mesocalc._inputs`),
lets the guardrails choose and check every value, counts points with the
arithmetic of :mod:`mesocalc._core`, and assembles a :class:`Plan` with the parts
the request asks for (a placement on a shape, a supply of syringes, a needle),
or a :class:`PlanArray` when an input is an array. It is the one place where
those pieces meet; none of them knows of the others. Values that follow from other
inputs (points, a total volume, a dose per area) are read in :mod:`mesocalc._derived`;
a request seen before is planned again from :mod:`mesocalc._memo`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, overload

from mesocalc import _core, _derived, _guardrails, _memo, _numpy, _overrides
from mesocalc._catalog import Catalog, default_catalog
from mesocalc._catalog_entries import Spec
from mesocalc._inputs import read, read_any
from mesocalc._magnitudes import any_array
from mesocalc._names import Lattice, Pattern, Technique, Zone, resolve
from mesocalc._plan import Plan
from mesocalc._plan import dose_per_area as _dose
from mesocalc._units import is_quantity
from mesocalc._warning import WarningCode, WarningRecord, record
from mesocalc.exceptions import DomainError, InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from numpy.typing import NDArray

    from mesocalc._equipment import Needle, Syringe
    from mesocalc._injector import Injector
    from mesocalc._overrides import Override
    from mesocalc._plan_array import PlanArray
    from mesocalc._shapes import Shape
    from mesocalc.typing import Quantity, QuantityLike

    # Arrays of inputs. A str is a Sequence too: the first overload, which takes it,
    # wins (hence its type: ignore), as plan() itself reads a str as one value.
    _Many = Sequence[str] | Sequence[Quantity] | Sequence[float] | NDArray[Any]
else:
    np = _numpy.NUMPY

__all__ = ["plan"]


@overload
def plan(  # type: ignore[overload-overlap]
    *,
    technique: Technique | str,
    zone: Zone | str,
    area: QuantityLike | Shape,
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
    zone: Zone | str,
    area: QuantityLike | Shape | _Many,
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
) -> Plan | PlanArray: ...
def plan(
    *,
    technique: Technique | str,
    zone: Zone | str,
    area: Any,
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
    parts = (override, margin, injector, pattern, needle, syringe, points, total_volume)
    names = (technique, zone, lattice)
    numbers = (area, spacing, volume_per_point, depth, angle, loss_fraction)
    key, again = _memo.seen_before(book, (*parts, dose_per_area), names, numbers, _made)
    if again is not None:
        return again
    if any_array(*numbers):
        _no_parts_with_arrays(
            override=override,
            needle=needle,
            syringe=syringe,
            margin=margin,
            injector=injector,
            pattern=pattern,
            points=points,
            total_volume=total_volume,
            dose_per_area=dose_per_area,
        )
        entry = book.spec(technique, zone)
        return _plans(entry, book, resolve(Lattice, lattice, "lattice"), lattice, *numbers)
    request = _read_request(book, names, numbers, (*parts, dose_per_area))
    return _one_plan(key, book, request, points, needle, syringe)


def _catalog(catalog: Any) -> Catalog:
    """The caller's own catalog, once it is one."""
    if not isinstance(catalog, Catalog):
        raise InputTypeError("catalog", catalog, "None or a mesocalc.Catalog (load_catalog)")
    return catalog


def _no_parts_with_arrays(**extras: Any) -> None:
    """Refuse the parts that only a plan of one area takes, with array inputs."""
    for name, value in extras.items():
        if value is not None:
            raise InvalidValueError(
                name, value, f"no {name} with array inputs: plan each area on its own"
            )


class _Request(NamedTuple):
    """A request of one area, read: what its rules choose values from."""

    entry: Spec
    chosen: Override | None  # the override, checked
    grid: Lattice
    thread: float | None
    given: dict[str, Any]  # the ranged parameters as given (None: the nominal value)
    per_point: tuple[str, Any] | None  # what a derived volume per point follows from
    area_mm2: float
    shaped: Any  # the area's shape or injector head, read (an AreaRequest), or None


def _read_request(
    book: Catalog, names: tuple[Any, ...], numbers: tuple[Any, ...], parts: tuple[Any, ...]
) -> _Request:
    """Read a request of one area, in the order its errors are raised."""
    technique, zone, lattice = names
    area, *ranged = numbers
    override, margin, injector, pattern, _, _, points, total_volume, dose_per_area = parts
    entry = book.spec(technique, zone)
    chosen = _overrides.check_override(override)
    grid = resolve(Lattice, lattice, "lattice")
    given = dict(zip(_guardrails.GIVEN_BITS, ranged, strict=True))
    if not entry.published:
        _unpublished_first(book, entry, chosen, given)
    spacing, volume_per_point = given["spacing"], given["volume_per_point"]
    per_point = _derived.source(spacing, volume_per_point, points, total_volume, dose_per_area)
    area_mm2, shaped = _read_area(area, margin, injector, pattern)
    if shaped is not None:
        given["spacing"] = shaped.spacing(spacing)
        if points is not None and given["spacing"] is not None:
            _derived.one_of(("the injector's needle pitch", given["spacing"]), ("points", points))
    thread = _guardrails.thread_length(entry, grid, lattice)
    if per_point is not None:
        given["volume_per_point"] = per_point[1]  # derived below, once the count is known
    return _Request(entry, chosen, grid, thread, given, per_point, area_mm2, shaped)


def _unpublished_first(book: Catalog, entry: Spec, chosen: Any, given: dict[str, Any]) -> None:
    """How to proceed, or which parameter is missing, before any default is used."""
    if chosen is not None or any(given[n] is None for n in _guardrails.UNPUBLISHED_NEEDS):
        _guardrails.unpublished(entry, chosen, given, book.published(entry.zone))


def _one_plan(  # noqa: PLR0917 - private: plan()'s request, read
    key: tuple[Any, ...] | None,
    book: Catalog,
    request: _Request,
    points: int | None,
    needle: Any,
    syringe: Any,
) -> Plan:
    """plan() for one area: values chosen, points counted and placed, whole-plan rules."""
    entry, chosen, grid, thread, given, per_point, area_mm2, shaped = request
    values, departures, count = _chosen(
        entry, grid, thread, area_mm2, given, points, shaped, derived=per_point is not None
    )
    warnings, sources = _guardrails.spec_warnings(entry, _guardrails.given_bits(given))
    placement = None
    if shaped is not None:
        count, placement, warnings = _completed(shaped, request, values, count, points, warnings)
    if per_point is not None:
        departures += _derived.volume_per_point(entry, area_mm2, count, values, per_point)
    s, vpp, d, a = (values[n] for n in ("spacing", "volume_per_point", "depth", "angle"))
    _finite(count, vpp, d, a, area_mm2)
    equipment = _equipment(needle, syringe)
    more, records = _whole_plan(entry, book, count, vpp, d, a, needle, chosen, given, departures)
    if key is not None and not departures and shaped is None:
        _memo.keep(key, book, entry, grid, thread, values, (warnings, sources))
    return _made(
        book,
        entry,
        grid,
        (count, values["loss_fraction"], area_mm2, s, vpp, d, a, thread),
        (*warnings, *more) if more else warnings,
        sources,
        overrides=records,
        placement=placement,
        supply=None if syringe is None else equipment.Supply.of(count * vpp, syringe),
        needle=needle,
    )


def _completed(  # noqa: PLR0917 - private: plan()'s request, read and chosen
    shaped: Any,
    request: _Request,
    values: dict[str, float],
    count: int,
    points: int | None,
    warnings: tuple[WarningRecord, ...],
) -> tuple[int, Any, tuple[WarningRecord, ...]]:
    """The points a shape's layout holds, its placement, and the warnings it adds."""
    done = shaped.complete(request.grid, values["spacing"], request.thread, count)
    count, placement, warnings = done.points, done.placement, warnings + done.warnings
    if points is not None and count != points:
        warnings += (
            record(
                WarningCode.POINTS_ROUNDED,
                f"points: the layout holds {count}, the nearest count to the {points} "
                f"asked that a spacing gives on {shaped.shape!r}",
                parameter="points",
            ),
        )
    return count, placement, warnings


def _made(  # noqa: PLR0917 - private: what plan() has chosen and checked
    book: Catalog,
    entry: Spec,
    grid: Lattice,
    values: tuple[Any, ...],
    warnings: tuple[Any, ...],
    sources: tuple[str, ...],
    **parts: Any,
) -> Plan:
    """The Plan of checked ``values``, built in one place for both ways plan() reaches it.

    ``values`` are the points, loss, area in mm², spacing, volume per point, depth,
    angle and thread length; ``parts`` the overrides, placement, supply and needle.
    """
    points, loss, area_mm2, s, vpp, d, a, thread = values
    return Plan(
        technique=entry.technique,
        zone=entry.zone,
        lattice=grid,
        points=points,
        loss_fraction=loss,
        warnings=warnings,
        sources=sources,
        area_cm2=area_mm2 / 100.0,
        spacing_mm=s,
        volume_per_point_ml=vpp,
        depth_mm=d,
        angle_deg=a,
        thread_length_mm=thread,
        protocol=book.protocol,
        **parts,
    )


def _whole_plan(  # noqa: PLR0917 - private: the values plan() has chosen
    entry: Spec,
    book: Catalog,
    points: int,
    vpp: float,
    d: float,
    a: float,
    needle: Any,
    chosen: Any,
    given: dict[str, Any],
    departures: list[Any],
) -> tuple[list[WarningRecord], tuple[Any, ...]]:
    """The whole-plan rules, hard ones first: warnings to add and the override records."""
    cap = book.caps.get(entry.zone)
    if cap is not None:
        _guardrails.check_cap(entry, cap, d)
    more = _guardrails.check_layer(entry, book.layer_thickness(entry.zone), d)
    if needle is not None:
        _guardrails.check_needle(needle, needle.length_mm, d, a)
        departures = [*departures, *_guardrails.needle_departures(entry, needle)]
    # A hard cap is reported before soft departures; a soft (analogue) cap after them.
    soft_cap = entry.session is not None and not entry.session.hard
    if not soft_cap:
        more += _guardrails.check_session(entry, points, vpp, chosen)
    if not entry.published:
        more.append(_guardrails.unpublished(entry, chosen, given, book.published(entry.zone)))
    records = _overrides.records(departures, chosen, entry) if departures else ()
    if soft_cap:
        more += _guardrails.check_session(entry, points, vpp, chosen)
    if departures:
        more += [dep.warning() for dep in departures if dep.advisory]
        more += [r.warning() for r in records]
    return more, records


def _chosen(  # noqa: PLR0917 - private: plan()'s request, read
    entry: Spec,
    grid: Lattice,
    thread: float | None,
    area_mm2: float,
    given: dict[str, Any],
    points: Any,
    shaped: Any,
    *,
    derived: bool,
) -> tuple[dict[str, float], list[Any], int]:
    """Every value of the plan, the departures from its ranges, and its point count.

    A spacing follows from ``points``: on a shape, the one whose layout holds them; then
    it is checked as a given spacing is. A ``derived`` volume per point (from a total or
    a dose per area) is left to :func:`_derived.volume_per_point`, once the count is known.
    """
    departures = []
    values: dict[str, float] = {}
    if points is not None:
        values["spacing"], departure = _derived.spacing_for(
            entry, grid, thread, area_mm2, points, shaped
        )
        departures += [] if departure is None else [departure]
        given["spacing"] = points  # for the warnings: the caller chose it
    for name, value in given.items():
        if name in values or (derived and name == "volume_per_point"):
            continue
        values[name], departure = _guardrails.choose(value, name, getattr(entry, name), entry)
        if departure is not None:
            departures.append(departure)
    cell = _core.cell_area(values["spacing"], grid, thread)
    count = _core.count_points(area_mm2, cell, points if points is not None else given["spacing"])
    return values, departures, count


def _read_area(area: Any, margin: Any, injector: Any, pattern: Any) -> tuple[float, Any]:
    """The area in mm², and the shaped request when the area comes with a shape or a head."""
    if (
        margin is None
        and injector is None
        and pattern is None
        and (isinstance(area, str) or is_quantity(area))
    ):
        return read(area, "area"), None
    from mesocalc import _placement  # noqa: PLC0415 - shapes load on first use (start-up)

    shaped = _placement.read_area(area, margin=margin, pattern=pattern, injector=injector)
    return shaped.area_mm2, shaped


def _equipment(needle: Any, syringe: Any) -> Any:
    """The equipment module, once ``needle`` and ``syringe`` are checked to be of its types."""
    if needle is None and syringe is None:
        return None
    from mesocalc import _equipment  # noqa: PLC0415 - equipment loads on first use (start-up)

    if needle is not None and not isinstance(needle, _equipment.Needle):
        raise InputTypeError("needle", needle, "None or mesocalc.Needle(gauge=..., length=...)")
    if syringe is not None and not isinstance(syringe, _equipment.Syringe):
        raise InputTypeError("syringe", syringe, "None or mesocalc.Syringe(...)")
    return _equipment


def _finite(points: Any, vpp: Any, depth: Any, angle: Any, area_mm2: Any) -> None:
    """Refuse inputs whose insertion length or dose per area would be infinite.

    Both grow as the angle or the area shrinks, so for arrays the extremes bound every
    element; only when they overflow are the elements computed, to name the first.

    Raises:
        DomainError: naming the angle or the area (subnormal ones overflow).
    """
    if type(area_mm2) is float:
        _core.insertion_length(depth, angle)
        _dose(points * vpp, area_mm2 / 100.0)
        return
    try:
        _core.insertion_length(float(np.max(depth)), float(np.min(angle)))
    except DomainError:  # the bound overflows: the elements decide, and name the first
        _core.insertion_length(np.broadcast_to(depth, np.shape(points)), angle)
    try:
        _dose(float(np.max(points)) * float(np.max(vpp)), float(np.min(area_mm2)) / 100.0)
    except DomainError:
        _dose(points * vpp, np.broadcast_to(area_mm2, np.shape(points)) / 100.0)


def _frozen(value: Any, shape: tuple[int, ...]) -> Any:
    return np.broadcast_to(value, shape)  # a read-only view: plans are immutable


def _plans(  # noqa: PLR0917 - private: plan()'s own arguments, passed on
    entry: Spec,
    book: Catalog,
    grid: Lattice,
    lattice: Any,
    area: Any,
    spacing: Any,
    volume_per_point: Any,
    depth: Any,
    angle: Any,
    loss_fraction: Any,
) -> Plan | PlanArray:
    """plan() when some input is array-valued: the same checks, elementwise."""
    from mesocalc._plan_array import PlanArray  # noqa: PLC0415 - loaded on first use (start-up)

    if not entry.published:  # arrays take no override
        _guardrails.unpublished(entry, None, {}, book.published(entry.zone))
    values = {"area": read_any(area, "area")}
    given = {
        "spacing": spacing,
        "volume_per_point": volume_per_point,
        "depth": depth,
        "angle": angle,
        "loss_fraction": loss_fraction,
    }
    for name, value in given.items():
        values[name] = _guardrails.choose_array(value, name, getattr(entry, name), entry)
    shape: tuple[int, ...] = ()
    for name, value in values.items():
        try:
            shape = np.broadcast_shapes(shape, np.shape(value))
        except ValueError:
            raise InvalidValueError(
                name,
                f"an array of shape {np.shape(value)}",
                f"a shape that broadcasts with {shape}",
            ) from None
    s = values["spacing"]
    thread = _guardrails.thread_length(entry, grid, lattice)
    area_mm2 = np.asarray(values["area"], dtype=np.float64)
    points = _frozen(
        _core.count_points(area_mm2, _core.cell_area(s, grid, thread), spacing), shape
    )
    warnings, sources = _guardrails.spec_warnings(entry, _guardrails.given_bits(given))
    depth_mm, vpp = values["depth"], values["volume_per_point"]
    more = []
    if points.size:  # plans over empty arrays have no element to check
        _finite(points, vpp, depth_mm, values["angle"], area_mm2)
        # The scalar plan's order (_whole_plan): hard rules, then soft departures, then a
        # soft (analogue) session cap, so that each element fails as its scalar plan does.
        _guardrails.check_cap(entry, book.cap(entry.zone), depth_mm, shape)
        more = _guardrails.check_layer(entry, book.layer_thickness(entry.zone), depth_mm, shape)
        soft_cap = entry.session is not None and not entry.session.hard
        if not soft_cap:
            more += _guardrails.check_session(entry, points, vpp)
        for name, value in given.items():
            _guardrails.refuse_departures(value, name, getattr(entry, name), entry)
        if soft_cap:
            more += _guardrails.check_session(entry, points, vpp)
        for name, value in given.items():
            range_ = getattr(entry, name)
            more += _guardrails.about_departures(value, values[name], name, range_)
    plans = PlanArray(
        technique=entry.technique,
        zone=entry.zone,
        lattice=grid,
        points=points,
        loss_fraction=_frozen(values["loss_fraction"], shape),
        warnings=(*warnings, *more),
        sources=sources,
        area_mm2=_frozen(values["area"], shape),
        spacing_mm=_frozen(s, shape),
        volume_per_point_ml=_frozen(vpp, shape),
        depth_mm=_frozen(depth_mm, shape),
        angle_deg=_frozen(values["angle"], shape),
        thread_length_mm=None if thread is None else _frozen(thread, shape),
        protocol=book.protocol,
    )
    return plans[()] if not shape else plans  # a 0-d array is one area: a Plan
