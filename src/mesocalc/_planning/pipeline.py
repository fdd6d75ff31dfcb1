"""The planning pipeline: a request read once, then the rules in one ordered list.

:func:`read` reads every input of a request into one :class:`Request` of canonical
magnitudes (floats, or arrays for a plan over arrays; one unit per quantity, ADR 0001),
in the order in which their errors are raised: names, the override, the lattice, the
area (or its shape), the values the catalog ranges (each in its domain and within a hard
range, or the range's nominal), the value a volume per point follows from, and the
equipment. Nothing after it reads an input again; what the caller gave is kept only to
be shown in messages.

:data:`RULES` are then run over the request, in one order, for one plan or 10^6: the
point count, the warnings of the entry's ranges, the layout on a shape, a derived volume
per point, the insertion length and the dose per area, the hard limits (zone cap, skin
layer, the skin of the patient's group where a source measured it, needle, a hard session
cap), the soft ones (departures from ranges, which an
override records, and a soft session cap), and the warnings of "about" values. Each rule
is a function of the :class:`Run`; a new rule is added to that list, and only there.
Rules that depend on the area (:data:`PER_AREA`) are the only ones the memo of requests
seen before runs again (:mod:`mesocalc._planning.memo`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import attrs

from mesocalc._catalog.entries import Layer
from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._engine import numpy_binding as _numpy
from mesocalc._planning import derived as _derived
from mesocalc._planning import guardrails as _guardrails
from mesocalc._planning import overrides as _overrides
from mesocalc._planning import range_warnings as _entry_warnings
from mesocalc._planning.derived import dose_per_area
from mesocalc._quantities import arithmetic as _core
from mesocalc._quantities import inputs as _inputs
from mesocalc._quantities.magnitudes import any_array
from mesocalc._quantities.names import Lattice, resolve
from mesocalc._quantities.units import is_quantity
from mesocalc.exceptions import DomainError, InputTypeError, InvalidValueError

if TYPE_CHECKING:
    import numpy as np

    from mesocalc._catalog.catalog import Catalog
    from mesocalc._catalog.entries import Spec
    from mesocalc._planning.overrides import Override
else:
    np = _numpy.NUMPY

__all__ = [
    "COUNT",
    "PER_AREA",
    "RULES",
    "STORED",
    "Request",
    "Rule",
    "Run",
    "read",
    "rules_for",
    "run",
]

# The parts only a plan of one area takes, in the order they are refused with arrays.
_ONE_AREA_PARTS: Final = (
    "override",
    "needle",
    "syringe",
    "margin",
    "injector",
    "pattern",
    "points",
    "total_volume",
    "dose_per_area",
)


@attrs.frozen(kw_only=True, eq=False)
class Request:
    """A request, read: canonical magnitudes, and what was given only to be shown."""

    book: Catalog
    entry: Spec
    override: Override | None
    grid: Lattice
    thread: float | None  # the length of a retrograde thread, None for point techniques
    shaped: Any  # the area's shape or injector head, read (an AreaRequest), or None
    values: dict[str, Any]  # spacing, volume per point, depth, angle, loss: magnitudes
    given: dict[str, Any]  # the same as the caller gave them (None: the nominal), to show
    departures: list[Any]  # from soft ranges, found as the values were read
    per_point: tuple[str, float] | None  # what a derived volume per point follows from, read
    points: int | None
    needle: Any
    syringe: Any
    equipment: Any  # the equipment module, when a needle or a syringe is given
    shape: tuple[int, ...] | None  # None for a plan of one area, else the broadcast shape
    patient: Any = None  # the patient's group's skin on the site (a GroupSkin), or None
    # The area one point (one thread) serves, in mm²: the spacing is read by now.
    cell: Any = attrs.field(
        init=False,
        default=attrs.Factory(
            lambda q: _core.cell_area(q.values["spacing"], q.grid, q.thread), takes_self=True
        ),
    )


@attrs.define(eq=False)
class Run:
    """One request going through the rules: its area, and what the rules have found."""

    request: Request
    area: Any  # in mm²
    departures: list[Any]  # the request's, and those rules find: added to by copy
    more: list[WarningRecord]  # what the rules add to the warnings of ranges, in their order
    count: Any = 0
    warnings: tuple[WarningRecord, ...] = ()  # those of the entry's ranges, first
    sources: tuple[str, ...] = ()
    per_area_from: int | None = None  # where in ``more`` rules per area began adding
    records: tuple[Any, ...] = ()
    placement: Any = None
    extremes: tuple[float, float] | None = None  # plans over arrays: least and greatest area


# A rule: a function of the run, which adds what it finds to it or raises.
Rule = Callable[[Run], None]


# Reading.


def read(
    book: Catalog,
    names: tuple[Any, ...],
    numbers: tuple[Any, ...],
    parts: tuple[Any, ...],
    *,
    patient: Any = None,
) -> Run:
    """Read a request, in the order its errors are raised (see the module)."""
    lattice = names[2]
    *_, needle, syringe, points, total, dose = parts
    arrays = any_array(*numbers)
    given = dict(zip(_entry_warnings.GIVEN_BITS, numbers[1:], strict=True))  # all but the area
    entry, chosen, grid = _read_names(book, names, parts, given, arrays=arrays)
    spacing = given["spacing"]
    per_point = _derived.source(spacing, given["volume_per_point"], points, total, dose)
    area_mm2, shaped, extremes = _read_area(numbers[0], arrays, *parts[1:4])
    if shaped is not None:
        given["spacing"] = shaped.spacing(spacing)
        if points is not None and given["spacing"] is not None:
            _derived.one_of(("the injector's needle pitch", given["spacing"]), ("points", points))
    thread = _guardrails.thread_length(entry, grid, lattice)
    values: dict[str, Any] = {}
    departures: list[Any] = []
    if points is not None:
        values["spacing"], departure = _derived.spacing_for(
            entry, grid, thread, area_mm2, points, shaped
        )
        departures += [] if departure is None else [departure]
        given["spacing"] = points  # for the warnings: the caller chose it
    elif (landmarks := _derived.landmark_spacing(entry, shaped)) is not None:
        values["spacing"], departure, given["spacing"] = landmarks
        departures += [] if departure is None else [departure]
    if per_point is not None:
        given["volume_per_point"] = per_point[1]  # derived by a rule, once the count is known
        values["volume_per_point"] = None
    departures += _read_values(entry, given, values, arrays=arrays)
    request = Request(
        book=book,
        entry=entry,
        override=chosen,
        grid=grid,
        thread=thread,
        shaped=shaped,
        values=values,
        given=given,
        departures=departures,
        per_point=None if per_point is None else _per_point(*per_point),
        points=points,
        needle=needle,
        syringe=syringe,
        equipment=_equipment(needle, syringe),
        shape=_broadcast({"area": area_mm2, **values}) if arrays else None,
        patient=patient,
    )
    area_mm2 = np.asarray(area_mm2, dtype=np.float64) if arrays else area_mm2
    return Run(request, area_mm2, departures, [], extremes=extremes)


def _read_values(
    entry: Spec, given: dict[str, Any], values: dict[str, Any], *, arrays: bool
) -> list[Any]:
    """Read the values the catalog ranges into ``values``: their departures from soft ranges.

    Each is read in its domain and within a hard range (an array: each element, the first
    at fault named), or is the range's nominal. Those in ``values`` already are derived.
    """
    departures = []
    for name, value in given.items():
        if name in values:
            continue
        r = getattr(entry, name)
        if arrays:
            values[name] = _guardrails.choose_array(value, name, r, entry)
            continue
        values[name], departure = _guardrails.choose(value, name, r, entry)
        if departure is not None:
            departures.append(departure)
    return departures


def _read_names(
    book: Catalog,
    names: tuple[Any, ...],
    parts: tuple[Any, ...],
    given: dict[str, Any],
    *,
    arrays: bool,
) -> tuple[Spec, Any, Lattice]:
    """The entry, the override and the lattice; then whether an unpublished use may go on."""
    if arrays:
        _no_parts_with_arrays(dict(zip(_ONE_AREA_PARTS, _arranged(parts), strict=True)))
    technique, zone, lattice = names
    entry = book.spec(technique, zone)
    chosen = _overrides.check_override(parts[0])
    grid = resolve(Lattice, lattice, "lattice")
    if not entry.published:
        _unpublished_first(book, entry, chosen, given)
    return entry, chosen, grid


def _arranged(parts: tuple[Any, ...]) -> tuple[Any, ...]:
    override, margin, injector, pattern, needle, syringe, points, total, dose = parts
    return override, needle, syringe, margin, injector, pattern, points, total, dose


def _no_parts_with_arrays(extras: dict[str, Any]) -> None:
    """Refuse the parts that only a plan of one area takes, with array inputs."""
    for name, value in extras.items():
        if value is not None:
            raise InvalidValueError(
                name, value, f"no {name} with array inputs: plan each area on its own"
            )


def _unpublished_first(book: Catalog, entry: Spec, chosen: Any, given: dict[str, Any]) -> None:
    """How to proceed, or which parameter is missing, before any default is used."""
    if chosen is not None or any(given[n] is None for n in _guardrails.UNPUBLISHED_NEEDS):
        _guardrails.unpublished(entry, chosen, given, book.published(entry.zone))


def _read_area(
    area: Any, arrays: bool, margin: Any, injector: Any, pattern: Any
) -> tuple[Any, Any, tuple[float, float] | None]:
    """The area in mm², its shaped request, and for arrays the least and greatest area.

    The shaped request is that of an area given as a shape or with an injector head; the
    extremes of an array of areas are those their reading checked.
    """
    if arrays:
        area_mm2, least, greatest = _inputs.read_extremes(area, "area")
        return area_mm2, None, (least, greatest)
    if (
        margin is not None
        or injector is not None
        or pattern is not None
        or not (isinstance(area, str) or is_quantity(area))
    ):
        from mesocalc._geometry import placement as _placement  # noqa: PLC0415 - shapes load on first use(start-up)

        shaped = _placement.read_area(area, margin=margin, pattern=pattern, injector=injector)
        return shaped.area_mm2, shaped, None
    return _inputs.read(area, "area"), None, None


def _per_point(name: str, value: Any) -> tuple[str, float]:
    """The total or dose per area a volume per point follows from, read."""
    # A total asked for is an input: it has an input volume's domain (above the floor,
    # at most 10 L), not that of the computed total of the same name.
    return name, _inputs.read(
        value, "volume_per_point" if name == "total_volume" else name, label=name
    )


def _broadcast(values: dict[str, Any]) -> tuple[int, ...]:
    """The shape the arrays of a request broadcast to."""
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
    return shape


def _equipment(needle: Any, syringe: Any) -> Any:
    """The equipment module, once ``needle`` and ``syringe`` are checked to be of its types."""
    if needle is None and syringe is None:
        return None
    from mesocalc._planning import equipment as _equipment  # noqa: PLC0415 - equipment loads on first use(start-up)

    if needle is not None and not isinstance(needle, _equipment.Needle):
        raise InputTypeError("needle", needle, "None or mesocalc.Needle(gauge=..., length=...)")
    if syringe is not None and not isinstance(syringe, _equipment.Syringe):
        raise InputTypeError("syringe", syringe, "None or mesocalc.Syringe(...)")
    return _equipment


# The rules, each a function of the run, in the one order in which they apply.


def _count(run: Run) -> None:
    """The points the area holds (a read-only array for plans over arrays)."""
    q = run.request
    count = _core.count_points(run.area, q.cell, q.given["spacing"])
    run.count = count if q.shape is None else np.broadcast_to(count, q.shape)


def _range_warnings(run: Run) -> None:
    """Warnings for the entry's unsourced or analogue ranges, and all its sources."""
    q = run.request
    run.warnings, run.sources = _entry_warnings.spec_warnings(
        q.entry, _entry_warnings.given_bits(q.given)
    )


def _layout(run: Run) -> None:
    """The points a shape's layout holds, its placement, and the warnings it adds."""
    q = run.request
    done = q.shaped.complete(q.grid, q.values["spacing"], q.thread, run.count)
    run.count, run.placement = done.points, done.placement
    run.warnings += done.warnings
    if q.points is not None and run.count != q.points:
        run.warnings += (
            record(
                WarningCode.POINTS_ROUNDED,
                f"points: the layout holds {run.count}, the nearest count to the {q.points} "
                f"asked that a spacing gives on {q.shaped.shape!r}",
                parameter="points",
            ),
        )


def _derived_volume(run: Run) -> None:
    """The volume per point a total or a dose per area gives the counted points."""
    q = run.request
    assert q.per_point is not None  # rules_for: only then
    run.departures = run.departures + _derived.volume_per_point(
        q.entry, run.area, run.count, q.values, q.per_point
    )


def _insertion(run: Run) -> None:
    """Refuse an insertion length that would be infinite (an angle subnormally small).

    For arrays the extremes bound every element; only when they overflow are the
    elements computed, to name the first.
    """
    d, a = run.request.values["depth"], run.request.values["angle"]
    if run.request.shape is None:
        _core.insertion_length(d, a)
        return
    try:
        _core.insertion_length(float(np.max(d)), float(np.min(a)))
    except DomainError:  # the bound overflows: the elements decide, and name the first
        _core.insertion_length(np.broadcast_to(d, np.shape(run.count)), a)


def _dose(run: Run) -> None:
    """Refuse a dose per area that would be infinite (a subnormal area), as the angle.

    For arrays, bounds that take no pass over the counts or the areas bound every element:
    the greatest area over the least cell, plus one, is at least every count (each step
    of a count is monotonic, and ceil(x) <= x + 1); the least area is the one the
    areas' reading checked. Only when the bounds overflow do the elements decide.
    """
    q = run.request
    points, vpp, area_mm2 = run.count, q.values["volume_per_point"], run.area
    if q.shape is None:
        dose_per_area(points * vpp, area_mm2 / 100.0)
        return
    if run.extremes is None:  # a run not made by read (one over some elements): find them
        if not np.size(area_mm2):
            return
        run.extremes = float(np.min(area_mm2)), float(np.max(area_mm2))
    least, greatest = run.extremes
    cell = _core.cell_area(float(np.min(q.values["spacing"])), q.grid, q.thread)
    most = greatest / (cell / _core.SNAP) + 1.0
    try:
        dose_per_area(most * float(np.max(vpp)), least / 100.0)
    except DomainError:
        dose_per_area(points * vpp, np.broadcast_to(area_mm2, np.shape(points)) / 100.0)


def _cap(run: Run) -> None:
    """The zone's depth limit, which binds every technique there."""
    q = run.request
    _guardrails.check_cap(q.entry, q.book.cap(q.entry.zone), q.values["depth"], q.shape)


def _layer(run: Run) -> None:
    """The skin layer the technique deposits product in."""
    q = run.request
    skin = q.book.layer_thickness(q.entry.zone)
    run.more += _guardrails.check_layer(q.entry, skin, q.values["depth"], q.shape)


def _patient_skin(run: Run) -> None:
    """The skin layer held to the patient's group's skin on the site, where it is thinner."""
    q = run.request
    skin = q.book.layer_thickness(q.entry.zone)
    run.more += _guardrails.check_group_skin(q.entry, q.patient, skin, q.values["depth"])


def _needle(run: Run) -> None:
    """A needle long enough for the insertion, and its departures from the named ones."""
    q = run.request
    _guardrails.check_needle(q.needle, q.needle.length_mm, q.values["depth"], q.values["angle"])
    run.departures = run.departures + _guardrails.needle_departures(q.entry, q.needle)


def _session(run: Run) -> None:
    q = run.request
    if run.per_area_from is None:
        run.per_area_from = len(run.more)
    vpp = q.values["volume_per_point"]
    run.more += _guardrails.check_session(q.entry, run.count, vpp, q.override)


def _hard_session(run: Run) -> None:
    """A session cap the source states: reported before soft departures."""
    _session(run)


def _unpublished(run: Run) -> None:
    """The warning of a technique no source publishes on the zone, overridden."""
    q = run.request
    used = q.book.published(q.entry.zone)
    run.more.append(_guardrails.unpublished(q.entry, q.override, q.given, used))


def _soft_ranges(run: Run) -> None:
    """Departures from soft ranges: refused without an override, recorded with one."""
    q = run.request
    if q.shape is None:
        if run.departures:
            run.records = _overrides.records(run.departures, q.override, q.entry)
        return
    for name, value in q.given.items():  # arrays take no override: the first is refused
        _guardrails.refuse_departures(value, q.values[name], name, getattr(q.entry, name), q.entry)


def _soft_session(run: Run) -> None:
    """A session cap taken from another product (an analogue): after soft departures."""
    _session(run)


def _advisories(run: Run) -> None:
    """The warnings of "about" values departed from, and of the overrides recorded."""
    q = run.request
    if q.shape is None:
        if run.departures:
            run.more += [dep.warning() for dep in run.departures if dep.advisory]
            run.more += [r.warning() for r in run.records]
        return
    for name, value in q.given.items():
        r = getattr(q.entry, name)
        run.more += _guardrails.about_departures(value, q.values[name], name, r)


# The rules in the order they apply: each element of a plan over arrays fails as its
# scalar plan does. The first two run on plans over empty arrays too.
RULES: Final[tuple[Rule, ...]] = (
    _count,
    _range_warnings,
    _layout,
    _derived_volume,
    _insertion,
    _dose,
    _cap,
    _layer,
    _patient_skin,
    _needle,
    _hard_session,
    _unpublished,
    _soft_ranges,
    _soft_session,
    _advisories,
)
# Those that depend on the area, which a request seen before is run through again.
PER_AREA: Final = (_count, _layout, _derived_volume, _dose, _hard_session, _soft_session)
# Those a stored plan is run through again (mesocalc._planning.stored), over the count it
# holds: the limits, hard and soft. The count (COUNT's finding) is compared with the stored
# one after them; a layout and the results are drawn and computed again by its reader.
STORED: Final = (_cap, _layer, _needle, _hard_session, _unpublished, _soft_ranges, _soft_session)
COUNT: Final[Rule] = _count


def rules_for(request: Request, rules: tuple[Rule, ...] = RULES) -> tuple[Rule, ...]:
    """Those of ``rules`` that apply to ``request``, in their order: where a rule applies."""
    cap = request.entry.session
    skip = (
        request.shaped is None and _layout,
        request.per_point is None and _derived_volume,
        request.needle is None and _needle,
        (request.patient is None or request.entry.layer is not Layer.SKIN) and _patient_skin,
        (cap is None or not cap.hard) and _hard_session,
        (cap is None or cap.hard) and _soft_session,
        request.entry.published and _unpublished,
    )
    return tuple(r for r in rules if r not in skip)


def run(current: Run, rules: tuple[Rule, ...] | None = None) -> Run:
    """Run ``rules`` (those of :data:`RULES` that apply) over ``current``, in their order.

    A rule that fails raises. Plans over empty arrays have no element to check: they
    run the rules up to the warnings of the entry's ranges alone.
    """
    if rules is None:
        rules = rules_for(current.request)
    if current.request.shape is None:
        for rule in rules:
            rule(current)
        return current
    for rule in rules:
        rule(current)
        if rule is _range_warnings and not np.size(current.count):
            break
    return current
